// The client against an in-process fake daemon: the behaviours a real
// daemon cannot be made to show on demand (silence, stalls, old versions,
// stream errors, 501 logs). Everything runs on one io_context.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "docker/client.h"

namespace docker {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr auto kAwaitable = asio::as_tuple(asio::use_awaitable);

std::string Reply(std::string_view status_line, std::string_view headers, std::string_view body) {
  return "HTTP/1.1 " + std::string(status_line) + "\r\n" + std::string(headers) +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

std::string Chunk(std::string_view data) {
  char size[16];
  std::snprintf(size, sizeof(size), "%zx", data.size());
  return std::string(size) + "\r\n" + std::string(data) + "\r\n";
}

const std::string kChunkedHead =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
const std::string kEndOfChunks = "0\r\n\r\n";

std::string Ping(std::string_view version) {
  return Reply("200 OK", version.empty() ? "" : "Api-Version: " + std::string(version) + "\r\n",
               "OK");
}

// Accepts on 127.0.0.1:<ephemeral>. For each request head, `answer` gives
// the bytes to send back; nullopt sends nothing (a hung daemon). Connections
// stay open until Stop().
class FakeDaemon {
 public:
  using Answer = std::function<std::optional<std::string>(const std::string& head)>;

  FakeDaemon(asio::io_context& io, Answer answer)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        answer_(std::move(answer)) {
    asio::co_spawn(io, Accept(), asio::detached);
  }

  net::Endpoint endpoint() const { return net::Endpoint::Tcp("127.0.0.1", port_); }
  const std::vector<std::string>& heads() const { return heads_; }

  // Sends more bytes on the newest connection (a body that comes later).
  asio::awaitable<void> Push(std::string bytes) {
    co_await asio::async_write(*sockets_.back(), asio::buffer(bytes), kAwaitable);
  }

  void Stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& socket : sockets_) socket->close(ignored);
  }

 private:
  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(kAwaitable);
      if (ec) co_return;
      sockets_.push_back(std::make_shared<tcp::socket>(std::move(socket)));
      asio::co_spawn(acceptor_.get_executor(), Serve(sockets_.back()), asio::detached);
    }
  }

  asio::awaitable<void> Serve(std::shared_ptr<tcp::socket> socket) {
    std::string buffer;
    for (;;) {
      auto [ec, n] = co_await asio::async_read_until(*socket, asio::dynamic_buffer(buffer),
                                                     "\r\n\r\n", kAwaitable);
      if (ec) co_return;
      heads_.push_back(buffer.substr(0, n));
      buffer.erase(0, n);
      std::optional<std::string> reply = answer_(heads_.back());
      if (!reply) continue;
      auto [write_ec, written] =
          co_await asio::async_write(*socket, asio::buffer(*reply), kAwaitable);
      if (write_ec) co_return;
    }
  }

  tcp::acceptor acceptor_;
  uint16_t port_ = acceptor_.local_endpoint().port();
  Answer answer_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::vector<std::string> heads_;
};

bool Asks(const std::string& head, std::string_view method_and_path) {
  return head.starts_with(std::string(method_and_path));
}

// Runs `body` on `io` next to the fake daemon; false if it did not finish.
bool Drive(asio::io_context& io, FakeDaemon& daemon, std::function<asio::awaitable<void>()> body) {
  bool finished = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await body();
        finished = true;
        daemon.Stop();
      },
      asio::detached);
  io.run_for(20s);  // backstop only: every call under test has its own deadline
  return finished;
}

TEST(ClientFakeDaemon, NegotiateEndsByItsDeadlineWhenTheDaemonNeverAnswers) {
  asio::io_context io;
  FakeDaemon daemon(io, [](const std::string&) { return std::nullopt; });
  Client client(daemon.endpoint(), 200ms);
  base::Status status;
  ASSERT_TRUE(
      Drive(io, daemon, [&]() -> asio::awaitable<void> { status = co_await client.Negotiate(); }));
  EXPECT_EQ(status.code(), base::StatusCode::kTimeout);
  EXPECT_THAT(status.message(),
              HasSubstr("negotiate API version with Docker at " + daemon.endpoint().ToString()));
}

TEST(ClientFakeDaemon, CallEndsByItsDeadlineWhenTheDaemonStopsAnswering) {
  asio::io_context io;
  FakeDaemon daemon(io, [](const std::string& head) -> std::optional<std::string> {
    if (Asks(head, "GET /_ping")) return Ping("1.41");
    return std::nullopt;
  });
  Client client(daemon.endpoint(), 200ms);
  base::Result<ContainerState> state = base::Status::Failed("not run");
  ASSERT_TRUE(
      Drive(io, daemon, [&]() -> asio::awaitable<void> { state = co_await client.Inspect("c1"); }));
  EXPECT_EQ(state.status().code(), base::StatusCode::kTimeout);
  EXPECT_THAT(state.status().message(), HasSubstr("inspect container c1"));
}

TEST(ClientFakeDaemon, RefusesDaemonsTooOldForNextExit) {
  for (std::string version : {"1.29", ""}) {
    asio::io_context io;
    FakeDaemon daemon(
        io, [&](const std::string&) -> std::optional<std::string> { return Ping(version); });
    Client client(daemon.endpoint(), 5s);
    base::Status status;
    ASSERT_TRUE(Drive(io, daemon,
                      [&]() -> asio::awaitable<void> { status = co_await client.Negotiate(); }));
    EXPECT_EQ(status.code(), base::StatusCode::kFailed) << version;
    EXPECT_THAT(status.message(), HasSubstr("at least 1.30")) << version;
    EXPECT_FALSE(client.api_version().has_value());
  }
}

TEST(ClientFakeDaemon, PrefixesPathsWithTheNegotiatedVersion) {
  asio::io_context io;
  FakeDaemon daemon(io, [](const std::string& head) -> std::optional<std::string> {
    if (Asks(head, "GET /_ping")) return Ping("1.52");
    return Reply("404 Not Found", "Content-Type: application/json\r\n",
                 R"({"message":"No such image: nosuch:latest"})");
  });
  Client client(daemon.endpoint(), 5s);
  base::Result<ImageInfo> info = base::Status::Failed("not run");
  ASSERT_TRUE(Drive(io, daemon, [&]() -> asio::awaitable<void> {
    info = co_await client.InspectImage("nosuch");
  }));
  ASSERT_EQ(daemon.heads().size(), 2u);
  EXPECT_TRUE(Asks(daemon.heads()[1], "GET /v1.44/images/nosuch/json ")) << daemon.heads()[1];
  EXPECT_EQ(info.status().code(), base::StatusCode::kNotFound);
  EXPECT_EQ(info.status().message(), "inspect image nosuch: 404 No such image: nosuch:latest");
}

TEST(ClientFakeDaemon, PullSendsRepositoryTagAndCredentials) {
  asio::io_context io;
  FakeDaemon daemon(io, [](const std::string& head) -> std::optional<std::string> {
    if (Asks(head, "GET /_ping")) return Ping("1.41");
    return kChunkedHead +
           Chunk(R"({"status":"Pulling from team/app","id":"2"})"
                 "\n") +
           Chunk(R"({"status":"Status: Downloaded newer image for reg.example:5000/team/app:2"})") +
           kEndOfChunks;
  });
  Client client(daemon.endpoint(), 5s);
  std::vector<std::string> progress;
  base::Status status = base::Status::Failed("not run");
  ASSERT_TRUE(Drive(io, daemon, [&]() -> asio::awaitable<void> {
    status = co_await client.Pull(
        *ParseImageReference("reg.example:5000/team/app:2"),
        "e30=", [&](const PullProgress& p) { progress.push_back(p.status); }, 5s);
  }));
  EXPECT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(daemon.heads().size(), 2u);
  EXPECT_TRUE(Asks(daemon.heads()[1],
                   "POST /v1.41/images/create?fromImage=reg.example%3A5000%2Fteam%2Fapp&tag=2 "))
      << daemon.heads()[1];
  EXPECT_THAT(daemon.heads()[1], HasSubstr("X-Registry-Auth: e30=\r\n"));
  EXPECT_EQ(progress, (std::vector<std::string>{
                          "Pulling from team/app",
                          "Status: Downloaded newer image for reg.example:5000/team/app:2"}));
}

TEST(ClientFakeDaemon, PullStallEndsByTheStallTimeout) {
  asio::io_context io;
  FakeDaemon daemon(io, [](const std::string& head) -> std::optional<std::string> {
    if (Asks(head, "GET /_ping")) return Ping("1.41");
    // Headers and one line, then silence with the connection open.
    return kChunkedHead + Chunk(R"({"status":"Pulling fs layer","id":"a83666f09234"})"
                                "\n");
  });
  Client client(daemon.endpoint(), 5s);
  std::vector<std::string> progress;
  base::Status status;
  ASSERT_TRUE(Drive(io, daemon, [&]() -> asio::awaitable<void> {
    status = co_await client.Pull(
        *ParseImageReference("x:1"),
        "e30=", [&](const PullProgress& p) { progress.push_back(p.id + " " + p.status); }, 200ms);
  }));
  EXPECT_EQ(status.code(), base::StatusCode::kTimeout);
  EXPECT_EQ(status.message(),
            "pull image docker.io/library/x:1: stalled: nothing received for 200 ms");
  EXPECT_EQ(progress, std::vector<std::string>{"a83666f09234 Pulling fs layer"});
}

TEST(ClientFakeDaemon, PullWithRetryRetriesStreamErrorsAndListsEveryAttempt) {
  asio::io_context io;
  int attempts = 0;
  FakeDaemon daemon(io, [&](const std::string& head) -> std::optional<std::string> {
    if (Asks(head, "GET /_ping")) return Ping("1.41");
    ++attempts;
    return kChunkedHead +
           Chunk(R"({"errorDetail":{"message":"layer broke )" + std::to_string(attempts) +
                 R"("},"error":"layer broke )" + std::to_string(attempts) + "\"}\n") +
           kEndOfChunks;
  });
  Client client(daemon.endpoint(), 5s);
  base::Status status;
  ASSERT_TRUE(Drive(io, daemon, [&]() -> asio::awaitable<void> {
    status = co_await client.PullWithRetry(
        *ParseImageReference("x:1"), "e30=", nullptr, 5s,
        RetryPolicy{.attempts = 3, .first_backoff = 1ms, .max_backoff = 2ms});
  }));
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(status.code(), base::StatusCode::kUnavailable);
  EXPECT_EQ(
      status.message(),
      "pull image docker.io/library/x:1: 3 attempts failed: #1: layer broke 1; #2: layer broke 2; "
      "#3: layer broke 3");
}

// PullWithRetry (3 attempts allowed) against a daemon that gives every
// pull `answer`: the final status and how many pulls were tried.
struct PullAttempts {
  base::Status status;
  int attempts = 0;
};

PullAttempts PullAgainst(const std::string& image, const std::string& answer) {
  asio::io_context io;
  PullAttempts result;
  FakeDaemon daemon(io, [&](const std::string& head) -> std::optional<std::string> {
    if (Asks(head, "GET /_ping")) return Ping("1.41");
    ++result.attempts;
    return answer;
  });
  Client client(daemon.endpoint(), 5s);
  EXPECT_TRUE(Drive(io, daemon, [&]() -> asio::awaitable<void> {
    result.status = co_await client.PullWithRetry(*ParseImageReference(image), "e30=", nullptr, 5s,
                                                  RetryPolicy{.attempts = 3, .first_backoff = 1ms});
  }));
  return result;
}

TEST(ClientFakeDaemon, PullWithRetryGivesUpAtOnceOnPermanentFailures) {
  const std::pair<std::string, base::StatusCode> answers[] = {
      {Reply("404 Not Found", "", R"({"message":"manifest for x:1 not found: manifest unknown"})"),
       base::StatusCode::kNotFound},
      {Reply("500 Internal Server Error", "",
             R"({"message":"unauthorized: authentication required"})"),
       base::StatusCode::kFailed},
      {kChunkedHead + Chunk(R"({"error":"denied: requested access to the resource is denied"})") +
           kEndOfChunks,
       base::StatusCode::kFailed},
  };
  for (const auto& [answer, code] : answers) {
    const PullAttempts pulled = PullAgainst("x:1", answer);
    EXPECT_EQ(pulled.attempts, 1) << answer;
    EXPECT_EQ(pulled.status.code(), code) << answer;
    EXPECT_THAT(pulled.status.message(), HasSubstr("pull image docker.io/library/x:1: "));
  }
}

TEST(ClientFakeDaemon, PullSaysWhichRegistryRefusedTheCredentials) {
  const std::string answers[] = {
      Reply("500 Internal Server Error", "", R"({"message":"unauthorized: authentication required"})"),
      kChunkedHead + Chunk(R"({"error":"unauthorized: authentication required"})") + kEndOfChunks,
  };
  for (const std::string& answer : answers) {
    const PullAttempts pulled = PullAgainst("127.0.0.1:5000/x:1", answer);
    EXPECT_EQ(pulled.attempts, 1) << answer;
    EXPECT_EQ(pulled.status.code(), base::StatusCode::kFailed) << answer;
    EXPECT_EQ(pulled.status.message(),
              "pull image 127.0.0.1:5000/x:1: authentication failed for registry 127.0.0.1:5000: "
              "unauthorized: authentication required");
  }
}

TEST(ClientFakeDaemon, WaitIsRegisteredAtTheHeadAndAnsweredByTheBody) {
  asio::io_context io;
  FakeDaemon daemon(io, [](const std::string& head) -> std::optional<std::string> {
    if (Asks(head, "GET /_ping")) return Ping("1.41");
    return kChunkedHead;  // the exit comes later
  });
  Client client(daemon.endpoint(), 5s);
  base::Result<ExitStatus> exit = base::Status::Failed("not run");
  ASSERT_TRUE(Drive(io, daemon, [&]() -> asio::awaitable<void> {
    base::Result<ExitWaiter> waiter = co_await client.WaitForExit("c1");
    if (!waiter.ok()) {
      exit = waiter.status();
      co_return;
    }
    EXPECT_TRUE(Asks(daemon.heads().back(), "POST /v1.41/containers/c1/wait?condition=next-exit "));
    co_await daemon.Push(Chunk(R"({"Error":null,"StatusCode":3})") + kEndOfChunks);
    exit = co_await waiter->Result();
  }));
  ASSERT_TRUE(exit.ok()) << exit.status().message();
  EXPECT_EQ(exit->status_code, 3);
}

TEST(ClientFakeDaemon, WaitResultEndsWhenTheCallerCancels) {
  asio::io_context io;
  FakeDaemon daemon(io, [](const std::string& head) -> std::optional<std::string> {
    if (Asks(head, "GET /_ping")) return Ping("1.41");
    return kChunkedHead;  // and never an exit
  });
  Client client(daemon.endpoint(), 5s);
  bool registered = false;
  std::optional<base::Result<ExitStatus>> exit;
  ASSERT_TRUE(Drive(io, daemon, [&]() -> asio::awaitable<void> {
    base::Result<ExitWaiter> waiter = co_await client.WaitForExit("c1", WaitCondition::kNotRunning);
    registered = waiter.ok();
    if (!registered) co_return;
    // The caller's own deadline cancels the read through Asio cancellation.
    exit = co_await base::WithDeadline(waiter->Result(), base::After(50ms));
  }));
  EXPECT_TRUE(registered);
  EXPECT_FALSE(exit.has_value());
  EXPECT_TRUE(Asks(daemon.heads().back(), "POST /v1.41/containers/c1/wait?condition=not-running "));
}

TEST(ClientFakeDaemon, LogsFromADriverThatCannotBeReadAreReportedAsSuch) {
  asio::io_context io;
  FakeDaemon daemon(io, [](const std::string& head) -> std::optional<std::string> {
    if (Asks(head, "GET /_ping")) return Ping("1.41");
    return Reply("501 Not Implemented", "Content-Type: application/json\r\n",
                 R"({"message":"configured logging driver does not support reading"})");
  });
  Client client(daemon.endpoint(), 5s);
  base::Result<LogsOutcome> outcome = base::Status::Failed("not run");
  ASSERT_TRUE(Drive(io, daemon, [&]() -> asio::awaitable<void> {
    outcome = co_await client.Logs("c1", {}, [](LogStream, std::string_view) {});
  }));
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_EQ(*outcome, LogsOutcome::kNotReadable);
}

TEST(ClientFakeDaemon, LogsFramingFollowsContentTypeWhenTheDaemonSendsOne) {
  asio::io_context io;
  FakeDaemon daemon(io, [](const std::string& head) -> std::optional<std::string> {
    if (Asks(head, "GET /_ping")) return Ping("1.44");
    return "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
           "Transfer-Encoding: chunked\r\n\r\n" +
           Chunk("out-line\r\nerr-") + Chunk("line\r\n") + kEndOfChunks;
  });
  Client client(daemon.endpoint(), 5s);
  std::vector<std::pair<LogStream, std::string>> lines;
  base::Result<LogsOutcome> outcome = base::Status::Failed("not run");
  ASSERT_TRUE(Drive(io, daemon, [&]() -> asio::awaitable<void> {
    outcome = co_await client.Logs(
        "c1", LogsOptions{.since_unix_seconds = 1795561403},
        [&](LogStream s, std::string_view line) { lines.emplace_back(s, line); });
  }));
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_TRUE(Asks(daemon.heads().back(),
                   "GET /v1.44/containers/c1/logs?stdout=1&stderr=1&since=1795561403 "))
      << daemon.heads().back();
  EXPECT_EQ(lines, (std::vector<std::pair<LogStream, std::string>>{
                       {LogStream::kStdout, "out-line"}, {LogStream::kStdout, "err-line"}}));
}

}  // namespace
}  // namespace docker
