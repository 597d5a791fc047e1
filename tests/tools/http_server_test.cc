// net/http_server, driven by the project's own client (net/http_client).
#include "net/http_server.h"

#include <gtest/gtest.h>

#include "net/http_client.h"
#include "tests/support/coroutine_test.h"

namespace net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

Request Get(std::string target) {
  Request request;
  request.target = std::move(target);
  return request;
}

TEST(HttpServer, RepliesToSequentialRequestsOnOneConnection) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    std::vector<std::string> seen;
    HttpServer server(executor,
                      [&](ServerExchange& exchange) -> asio::awaitable<void> {
                        seen.push_back(std::string(exchange.request().target()) + " " +
                                       exchange.request().body());
                        exchange.Reply(201, "made " + std::string(exchange.request().target()),
                                       {{"X-Test", "yes"}});
                        co_return;
                      });
    CO_ASSERT_TRUE(server.Listen().ok());
    auto connection = co_await HttpConnection::Connect(server.endpoint(), base::After(5s));
    CO_ASSERT_OK(connection);
    const std::vector<std::string> targets = {"/a", "/b"};
    for (const std::string& target : targets) {
      Request request = Get(target);
      request.method = http::verb::post;
      request.body = "body" + target;
      auto response = co_await (*connection)->Send(request, base::After(5s));
      CO_ASSERT_OK(response);
      EXPECT_EQ(response->status, 201u);
      EXPECT_EQ(response->body, "made " + target);
      EXPECT_EQ(response->fields["X-Test"], "yes");
    }
    EXPECT_TRUE((*connection)->is_open());
    EXPECT_EQ(seen, (std::vector<std::string>{"/a body/a", "/b body/b"}));
  });
}

TEST(HttpServer, StreamsChunksAsTheyAreWritten) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    std::shared_ptr<ResponseStream> stream;
    HttpServer server(executor,
                      [&](ServerExchange& exchange) -> asio::awaitable<void> {
                        if (exchange.request().target() == "/stream") {
                          stream = exchange.StartStream(200, {{"Content-Type", "application/json"}});
                          stream->Write("5\nhel");
                        } else {
                          exchange.Reply(200, "after");
                        }
                        co_return;
                      });
    CO_ASSERT_TRUE(server.Listen().ok());
    auto connection = co_await HttpConnection::Connect(server.endpoint(), base::After(5s));
    CO_ASSERT_OK(connection);
    auto head = co_await (*connection)->SendStreaming(Get("/stream"), base::After(5s));
    CO_ASSERT_OK(head);
    EXPECT_EQ(head->status, 200u);
    EXPECT_EQ(head->fields["Transfer-Encoding"], "chunked");
    EXPECT_EQ(head->fields["Content-Type"], "application/json");
    EXPECT_EQ(head->fields.count("Content-Length"), 0u);

    auto first = co_await (*connection)->ReadSome(base::After(5s));
    CO_ASSERT_OK(first);
    EXPECT_EQ(*first, "5\nhel");
    // The next piece exists only after the owner writes it.
    auto silent = co_await (*connection)->ReadSome(base::After(50ms));
    EXPECT_EQ(silent.status().code(), base::StatusCode::kTimeout);
    co_return;
  });
}

TEST(HttpServer, EndedStreamLeavesTheConnectionUsable) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    std::shared_ptr<ResponseStream> stream;
    HttpServer server(executor,
                      [&](ServerExchange& exchange) -> asio::awaitable<void> {
                        if (exchange.request().target() == "/stream") {
                          stream = exchange.StartStream(200);
                          stream->Write("5\nhel");
                        } else {
                          exchange.Reply(200, "after");
                        }
                        co_return;
                      });
    CO_ASSERT_TRUE(server.Listen().ok());
    auto connection = co_await HttpConnection::Connect(server.endpoint(), base::After(5s));
    CO_ASSERT_OK(connection);
    CO_ASSERT_OK(co_await (*connection)->SendStreaming(Get("/stream"), base::After(5s)));
    std::string body;
    for (;;) {
      auto piece = co_await (*connection)->ReadSome(base::After(5s));
      CO_ASSERT_OK(piece);
      if (piece->empty()) break;
      body += *piece;
      if (body == "5\nhel") {
        EXPECT_TRUE(stream->Write("lo6\nwor"));
        EXPECT_TRUE(stream->Write("ld!"));
        stream->End();
        EXPECT_TRUE(stream->closed());
        EXPECT_FALSE(stream->Write("late"));
      }
    }
    EXPECT_EQ(body, "5\nhello6\nworld!");
    auto after = co_await (*connection)->Send(Get("/next"), base::After(5s));
    CO_ASSERT_OK(after);
    EXPECT_EQ(after->body, "after");
  });
}

TEST(HttpServer, AbortedStreamFailsTheReader) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    std::shared_ptr<ResponseStream> stream;
    HttpServer server(executor,
                      [&](ServerExchange& exchange) -> asio::awaitable<void> {
                        stream = exchange.StartStream(200);
                        stream->Write("data");
                        co_return;
                      });
    CO_ASSERT_TRUE(server.Listen().ok());
    auto connection = co_await HttpConnection::Connect(server.endpoint(), base::After(5s));
    CO_ASSERT_OK(connection);
    CO_ASSERT_OK(co_await (*connection)->SendStreaming(Get("/"), base::After(5s)));
    auto piece = co_await (*connection)->ReadSome(base::After(5s));
    CO_ASSERT_OK(piece);
    stream->Abort();
    EXPECT_TRUE(stream->closed());
    auto broken = co_await (*connection)->ReadSome(base::After(5s));
    EXPECT_EQ(broken.status().code(), base::StatusCode::kUnavailable) << broken.status().message();
  });
}

TEST(HttpServer, FaultsWithoutAnswer) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    HttpServer server(executor,
                      [](ServerExchange& exchange) -> asio::awaitable<void> {
                        const std::string_view target = exchange.request().target();
                        if (target == "/hold") exchange.Hold();
                        if (target == "/drop") exchange.Drop();
                        if (target == "/reset") exchange.Reset();
                        co_return;  // "/forgot": no answer chosen
                      });
    CO_ASSERT_TRUE(server.Listen().ok());
    const Endpoint endpoint = server.endpoint();

    auto held = co_await Fetch(endpoint, Get("/hold"), base::After(100ms));
    EXPECT_EQ(held.status().code(), base::StatusCode::kTimeout) << held.status().message();
    auto dropped = co_await Fetch(endpoint, Get("/drop"), base::After(5s));
    EXPECT_EQ(dropped.status().code(), base::StatusCode::kUnavailable) << dropped.status().message();
    auto reset = co_await Fetch(endpoint, Get("/reset"), base::After(5s));
    EXPECT_EQ(reset.status().code(), base::StatusCode::kUnavailable) << reset.status().message();
    auto forgot = co_await Fetch(endpoint, Get("/forgot"), base::After(5s));
    CO_ASSERT_OK(forgot);
    EXPECT_EQ(forgot->status, 500u);
  });
}

TEST(HttpServer, RestartsOnTheSamePort) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    std::shared_ptr<ResponseStream> stream;
    HttpServer server(executor,
                      [&](ServerExchange& exchange) -> asio::awaitable<void> {
                        if (exchange.request().target() == "/stream") {
                          stream = exchange.StartStream(200);
                        } else {
                          exchange.Reply(200, "up");
                        }
                        co_return;
                      });
    CO_ASSERT_TRUE(server.Listen().ok());
    const Endpoint endpoint = server.endpoint();
    auto streaming = co_await HttpConnection::Connect(endpoint, base::After(5s));
    CO_ASSERT_OK(streaming);
    CO_ASSERT_OK(co_await (*streaming)->SendStreaming(Get("/stream"), base::After(5s)));
    CO_ASSERT_TRUE(stream != nullptr);

    server.StopListening();
    server.CloseConnections();
    EXPECT_FALSE(server.listening());
    EXPECT_TRUE(stream->closed());
    auto ended = co_await (*streaming)->ReadSome(base::After(5s));
    EXPECT_FALSE(ended.ok());
    auto refused = co_await Fetch(endpoint, Get("/"), base::After(5s));
    EXPECT_EQ(refused.status().code(), base::StatusCode::kUnavailable);

    CO_ASSERT_TRUE(server.Listen(endpoint.port).ok());
    EXPECT_EQ(server.port(), endpoint.port);
    auto back = co_await Fetch(endpoint, Get("/"), base::After(5s));
    CO_ASSERT_OK(back);
    EXPECT_EQ(back->body, "up");
  });
}

TEST(HttpServer, HandlerMayAnswerLate) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    HttpServer server(executor,
                      [](ServerExchange& exchange) -> asio::awaitable<void> {
                        co_await base::SleepUntil(base::After(20ms));
                        exchange.Reply(200, "late");
                      });
    CO_ASSERT_TRUE(server.Listen().ok());
    auto response = co_await Fetch(server.endpoint(), Get("/"), base::After(5s));
    CO_ASSERT_OK(response);
    EXPECT_EQ(response->body, "late");
  });
}

}  // namespace
}  // namespace net
