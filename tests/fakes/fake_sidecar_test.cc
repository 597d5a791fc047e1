// tests/fakes/fake_sidecar: the fake serves what sidecar-api.md §9 asks,
// checked with the project's own HTTP client.
#include "tests/fakes/fake_sidecar.h"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "net/http_client.h"
#include "tests/support/coroutine_test.h"

namespace fakes {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

net::Request Call(net::http::verb method, std::string target) {
  net::Request request;
  request.method = method;
  request.target = std::move(target);
  return request;
}

asio::awaitable<base::Result<net::Response>> Send(const FakeSidecar& sidecar, net::http::verb method,
                                                  std::string target, std::chrono::milliseconds timeout = 5000ms) {
  const net::Request request = Call(method, std::move(target));
  const base::Result<net::Response> response =
      co_await net::Fetch(net::Endpoint::Tcp("127.0.0.1", sidecar.port()), request, base::After(timeout));
  co_return response;
}

SidecarAnswer Answer(SidecarAnswer::Kind kind, unsigned status = 500, std::chrono::milliseconds delay = 0ms) {
  SidecarAnswer answer;
  answer.kind = kind;
  answer.status = status;
  answer.delay = delay;
  return answer;
}

TEST(FakeSidecar, ServesTheStateDocument) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, "worker-1");
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService("worker-2", "c7e14d90a6b2", 2, "web");
    sidecar.SetService("worker-1", "3f2a9c1b7d4e", 0, "billing");
    sidecar.SetService("worker-1", "a81c0e5f2b39", 7);
    EXPECT_EQ(sidecar.state_url(), "http://127.0.0.1:" + std::to_string(sidecar.port()) + "/state.json");
    const std::vector<std::string> targets = {"/state.json", "/api/state.json", "/state.json?ignored=1"};
    for (const std::string& target : targets) {
      const auto response = co_await Send(sidecar, net::http::verb::get, target);
      CO_ASSERT_OK(response);
      EXPECT_EQ(response->status, 200u);
      EXPECT_EQ(response->fields["Content-Type"], "application/json");
      EXPECT_EQ(response->fields["Access-Control-Allow-Origin"], "*");
      EXPECT_EQ(response->body, sidecar.StateDocument());
    }
    const std::string document = sidecar.StateDocument();
    EXPECT_EQ(document.find_first_of(" \n"), std::string::npos) << "compact";
    EXPECT_TRUE(document.starts_with(R"({"Servers":{"worker-1":{"Name":"worker-1","Services":{"3f2a9c1b7d4e":{"ID":"3f2a9c1b7d4e","Name":"billing",)"))
        << document;
    const json::value parsed = json::parse(document);
    EXPECT_EQ(parsed.at("Servers").at("worker-2").at("Services").at("c7e14d90a6b2").at("Status").as_int64(), 2);
    EXPECT_EQ(parsed.at("Servers").at("worker-1").at("Services").at("a81c0e5f2b39").at("Status").as_int64(), 7);
    EXPECT_EQ(parsed.at("Hostname").as_string(), "worker-1");
    EXPECT_EQ(parsed.at("ClusterName").as_string(), "default");
    // Key order of a service, as Sidecar writes it.
    std::vector<std::string> keys;
    for (const auto& entry : parsed.at("Servers").at("worker-2").at("Services").at("c7e14d90a6b2").as_object()) {
      keys.emplace_back(entry.key());
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"ID", "Name", "Image", "Created", "Hostname", "Ports", "Updated",
                                              "ProxyMode", "Status"}));
  });
}

TEST(FakeSidecar, CatalogueCanBeChanged) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, "worker-1");
    sidecar.SetService("worker-1", "a", 0);
    sidecar.SetService("worker-1", "a", 2);
    EXPECT_EQ(sidecar.StatusOf("worker-1", "a"), 2);
    sidecar.SetService("worker-1", "b", 1);
    sidecar.RemoveService("worker-1", "a");
    EXPECT_EQ(sidecar.StatusOf("worker-1", "a"), std::nullopt);
    EXPECT_EQ(sidecar.StatusOf("worker-1", "b"), 1);
    sidecar.RemoveHost("worker-1");
    EXPECT_EQ(sidecar.StateDocument().find("worker-1\":{"), std::string::npos);
    co_return;
  });
}

TEST(FakeSidecar, DrainsOnlyItsOwnHostsServices) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, "worker-1");
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService("worker-1", "a81c0e5f2b39", 0, "billing-api");
    sidecar.SetService("worker-2", "c7e14d90a6b2", 0);

    const auto drained = co_await Send(sidecar, net::http::verb::post, "/api/services/a81c0e5f2b39/drain");
    CO_ASSERT_OK(drained);
    EXPECT_EQ(drained->status, 202u);
    EXPECT_EQ(drained->body,
              "{\n  \"Message\": \"Service \\\"billing-api\\\" instance \\\"a81c0e5f2b39\\\" set to DRAINING\"\n}");
    EXPECT_EQ(sidecar.StatusOf("worker-1", "a81c0e5f2b39"), 4);

    const auto foreign = co_await Send(sidecar, net::http::verb::post, "/api/services/c7e14d90a6b2/drain");
    CO_ASSERT_OK(foreign);
    EXPECT_EQ(foreign->status, 404u);
    EXPECT_EQ(foreign->body, R"({"message":"Not Found - Service ID \"c7e14d90a6b2\" not found","status":"error"})");
    EXPECT_EQ(sidecar.StatusOf("worker-2", "c7e14d90a6b2"), 0);

    const auto wrong_method = co_await Send(sidecar, net::http::verb::get, "/api/services/a81c0e5f2b39/drain");
    CO_ASSERT_OK(wrong_method);
    EXPECT_EQ(wrong_method->status, 405u);
    EXPECT_EQ(wrong_method->body, "");

    CO_ASSERT_TRUE(sidecar.drains().size() == 2u);
    EXPECT_EQ(sidecar.drains()[0].service_id, "a81c0e5f2b39");
    EXPECT_EQ(sidecar.drains()[0].status, 202u);
    EXPECT_EQ(sidecar.drains()[1].status, 404u);
    EXPECT_EQ(sidecar.calls().size(), 3u);
  });
}

TEST(FakeSidecar, OtherRoutesAnswerAsSidecarDoes) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor);
    CO_ASSERT_OK(sidecar.Start());
    const auto post_state = co_await Send(sidecar, net::http::verb::post, "/state.json");
    CO_ASSERT_OK(post_state);
    EXPECT_EQ(post_state->status, 405u);
    const auto xml = co_await Send(sidecar, net::http::verb::get, "/state.xml");
    CO_ASSERT_OK(xml);
    EXPECT_EQ(xml->status, 404u);
    EXPECT_EQ(xml->body, R"({"message":"Not Found - Invalid content type extension","status":"error"})");
    const auto unknown = co_await Send(sidecar, net::http::verb::get, "/services/x.json");
    CO_ASSERT_OK(unknown);
    EXPECT_EQ(unknown->status, 404u);
    EXPECT_EQ(unknown->body, "404 page not found\n");
  });
}

TEST(FakeSidecar, ServesOneNamesInstancesIndented) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, "worker-1");
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService("worker-2", "c7e14d90a6b2", 2, "web");
    sidecar.SetService("worker-1", "3f2a9c1b7d4e", 0, "web");
    sidecar.SetService("worker-1", "a81c0e5f2b39", 0, "billing");
    const auto web = co_await Send(sidecar, net::http::verb::get, "/api/services/web.json");
    CO_ASSERT_OK(web);
    EXPECT_EQ(web->status, 200u);
    EXPECT_EQ(web->body.substr(0, 30), "{\n  \"Services\": {\n    \"web\": [")
        << "indented as Go's MarshalIndent";
    const json::value document = json::parse(web->body);
    const json::array& instances = document.at("Services").at("web").as_array();
    CO_ASSERT_TRUE(instances.size() == 2u);
    EXPECT_EQ(instances[0].at("ID"), "c7e14d90a6b2") << "ordered by Updated";
    EXPECT_EQ(instances[1].at("Hostname"), "worker-1");
    EXPECT_EQ(document.at("ClusterName"), "default");
    EXPECT_FALSE(document.as_object().contains("ClusterMembers"));
    const auto none = co_await Send(sidecar, net::http::verb::get, "/api/services/nope.json");
    CO_ASSERT_OK(none);
    EXPECT_EQ(none->status, 404u);
    EXPECT_EQ(none->body, R"({"message":"no instances of nope found","status":"error"})");
    // A name with '/' is no route of Sidecar's, escaped or not.
    const auto slash = co_await Send(sidecar, net::http::verb::get, "/api/services/a%2Fb.json");
    CO_ASSERT_OK(slash);
    EXPECT_EQ(slash->body, "404 page not found\n");
    const auto post = co_await Send(sidecar, net::http::verb::post, "/api/services/web.json");
    CO_ASSERT_OK(post);
    EXPECT_EQ(post->status, 405u);
    EXPECT_EQ(sidecar.state_requests(), 2);
    EXPECT_EQ(sidecar.instances_requests(), 2);
  });
}

TEST(FakeSidecar, ScriptedStateAnswersThenTheStandingOne) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService("h", "id", 1);
    sidecar.QueueStateAnswers({Answer(SidecarAnswer::Kind::kBrokenJson), Answer(SidecarAnswer::Kind::kError, 503),
                               Answer(SidecarAnswer::Kind::kDrop)});
    const auto broken = co_await Send(sidecar, net::http::verb::get, "/state.json");
    CO_ASSERT_OK(broken);
    EXPECT_EQ(broken->status, 200u);
    boost::system::error_code ec;
    json::parse(broken->body, ec);
    EXPECT_TRUE(ec) << "broken JSON must not parse: " << broken->body;
    const auto error = co_await Send(sidecar, net::http::verb::get, "/state.json");
    CO_ASSERT_OK(error);
    EXPECT_EQ(error->status, 503u);
    EXPECT_EQ(error->body, R"({"message":"Internal Server Error - Something went terribly wrong","status":"error"})");
    const auto dropped = co_await Send(sidecar, net::http::verb::get, "/state.json");
    EXPECT_FALSE(dropped.ok());
    const auto normal = co_await Send(sidecar, net::http::verb::get, "/state.json");
    CO_ASSERT_OK(normal);
    EXPECT_EQ(normal->body, sidecar.StateDocument());
    EXPECT_EQ(sidecar.state_requests(), 4);
    EXPECT_EQ(sidecar.calls()[2].status, 0u) << "a dropped request has no status";
  });
}

TEST(FakeSidecar, SlowAnswersOutlastTheClientAndEndWithTheFake) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    auto sidecar = std::make_unique<FakeSidecar>(executor);
    CO_ASSERT_OK(sidecar->Start());
    SidecarAnswer slow;
    slow.delay = 1h;
    sidecar->SetStateAnswer(slow);
    const auto response = co_await Send(*sidecar, net::http::verb::get, "/state.json", 100ms);
    EXPECT_EQ(response.status().code(), base::StatusCode::kTimeout);
    // The held answer ends with the fake (this test would time out otherwise).
    sidecar.reset();
  });
}

TEST(FakeSidecar, HooksSeeEachRequest) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, "worker-1");
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService("worker-1", "id", 0);
    sidecar.OnStateRequest([&](int index) { sidecar.SetService("worker-1", "id", index % 2 == 0 ? 2 : 0); });
    std::vector<std::string> drained;
    sidecar.OnDrain([&](const std::string& id) -> asio::awaitable<void> {
      drained.push_back(id + " was " + std::to_string(sidecar.StatusOf("worker-1", id).value_or(-1)));
      co_return;
    });
    std::vector<int64_t> seen;
    for (int i = 0; i < 4; ++i) {
      const auto response = co_await Send(sidecar, net::http::verb::get, "/api/state.json");
      CO_ASSERT_OK(response);
      seen.push_back(json::parse(response->body).at("Servers").at("worker-1").at("Services").at("id").at("Status").as_int64());
    }
    EXPECT_EQ(seen, (std::vector<int64_t>{2, 0, 2, 0}));
    const auto response = co_await Send(sidecar, net::http::verb::post, "/api/services/id/drain");
    CO_ASSERT_OK(response);
    EXPECT_EQ(drained, (std::vector<std::string>{"id was 0"}));
  });
}

TEST(FakeSidecar, WaitsForRequestsAndCanBeStoppedAndRestarted) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor);
    CO_ASSERT_OK(sidecar.Start());
    auto client = [&]() -> asio::awaitable<void> {
      for (int i = 0; i < 3; ++i) co_await Send(sidecar, net::http::verb::get, "/state.json");
    };
    auto waited = [&]() -> asio::awaitable<bool> {
      const bool reached = co_await sidecar.WaitForStateRequests(3, base::After(10s));
      co_return reached;
    };
    using namespace asio::experimental::awaitable_operators;
    auto both = co_await (client() && waited());
    EXPECT_TRUE(both);
    const uint16_t port = sidecar.port();
    sidecar.Stop();
    const auto refused = co_await Send(sidecar, net::http::verb::get, "/state.json");
    EXPECT_FALSE(refused.ok());
    CO_ASSERT_OK(sidecar.Start(port));
    const auto back = co_await Send(sidecar, net::http::verb::get, "/state.json");
    CO_ASSERT_OK(back);
    EXPECT_EQ(back->status, 200u);
  });
}

}  // namespace
}  // namespace fakes
