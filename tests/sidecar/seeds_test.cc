// sidecar/seeds against a fake agent /state and master /slaves.
#include "sidecar/seeds.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "net/http_server.h"
#include "tests/support/coroutine_test.h"

namespace sidecar {
namespace {

namespace asio = boost::asio;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// One server plays both the agent and the master (the master's host is
// 127.0.0.1 and its port is the server's).
struct FakeMesos {
  explicit FakeMesos(asio::any_io_executor executor)
      : server(executor, [this](net::ServerExchange& exchange) -> asio::awaitable<void> {
          const std::string target(exchange.request().target());
          targets.push_back(target);
          if (target == "/state") {
            exchange.Reply(state_status, state_body);
          } else if (target == "/slaves") {
            exchange.Reply(200, R"({"slaves":[{"hostname":"worker-b"},{"hostname":"worker-a"}]})");
          } else {
            exchange.Reply(404, "");
          }
          co_return;
        }) {}

  std::string endpoint() const { return "127.0.0.1:" + std::to_string(server.port()); }

  unsigned state_status = 200;
  std::string state_body = R"({"master_hostname":"127.0.0.1"})";
  std::vector<std::string> targets;
  net::HttpServer server;
};

executor::LaunchPreparation Preparation(const executor::ContainerPlan& plan) { return executor::LaunchPreparation{plan}; }

TEST(SidecarSeeds, AgentStateThenMasterSlaves) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeMesos mesos(executor);
    CO_ASSERT_OK(mesos.server.Listen());
    const auto seeds = co_await FetchSidecarSeeds(mesos.endpoint(), std::to_string(mesos.server.port()), 2s);
    CO_ASSERT_OK(seeds);
    EXPECT_THAT(*seeds, ElementsAre("worker-b", "worker-a"));
    EXPECT_THAT(mesos.targets, ElementsAre("/state", "/slaves"));
  });
}

TEST(SidecarSeeds, ExtensionAddsTheVariable) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeMesos mesos(executor);
    CO_ASSERT_OK(mesos.server.Listen());
    SeedExtension extension(mesos.endpoint(), std::to_string(mesos.server.port()), 2s);
    executor::ContainerPlan plan;
    executor::LaunchPreparation preparation = Preparation(plan);
    const base::Status prepared = co_await extension.PrepareLaunch(preparation);
    CO_ASSERT_OK(prepared);
    EXPECT_THAT(preparation.extra_env, ElementsAre("SIDECAR_SEEDS=worker-b,worker-a"));
  });
}

TEST(SidecarSeeds, FailuresNeverFailTheLaunch) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeMesos mesos(executor);
    CO_ASSERT_OK(mesos.server.Listen());
    executor::ContainerPlan plan;

    SeedExtension no_endpoint(std::nullopt, "5050", 2s);
    executor::LaunchPreparation first = Preparation(plan);
    const base::Status a = co_await no_endpoint.PrepareLaunch(first);
    CO_ASSERT_OK(a);
    EXPECT_TRUE(first.extra_env.empty());

    // The master's port is wrong: nothing answers there.
    SeedExtension wrong_port(mesos.endpoint(), "1", 2s);
    executor::LaunchPreparation second = Preparation(plan);
    const base::Status b = co_await wrong_port.PrepareLaunch(second);
    CO_ASSERT_OK(b);
    EXPECT_TRUE(second.extra_env.empty());

    mesos.state_status = 503;
    SeedExtension agent_error(mesos.endpoint(), std::to_string(mesos.server.port()), 2s);
    executor::LaunchPreparation third = Preparation(plan);
    const base::Status c = co_await agent_error.PrepareLaunch(third);
    CO_ASSERT_OK(c);
    EXPECT_TRUE(third.extra_env.empty());
  });
}

TEST(SidecarSeeds, ErrorsNameTheStep) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeMesos mesos(executor);
    CO_ASSERT_OK(mesos.server.Listen());
    mesos.state_body = R"({"id":"agent"})";
    const auto no_master = co_await FetchSidecarSeeds(mesos.endpoint(), "", 2s);
    CO_ASSERT_TRUE(!no_master.ok());
    EXPECT_THAT(no_master.status().message(), HasSubstr("no master_hostname"));
    mesos.state_status = 500;
    const auto agent_error = co_await FetchSidecarSeeds(mesos.endpoint(), "", 2s);
    CO_ASSERT_TRUE(!agent_error.ok());
    EXPECT_THAT(agent_error.status().message(), HasSubstr("Unable to fetch Mesos master info from worker endpoint"));
    EXPECT_THAT(agent_error.status().message(), HasSubstr("500"));
  });
}

TEST(SidecarSeeds, EveryRequestHasTheHttpTimeout) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    net::HttpServer silent(executor, [](net::ServerExchange& exchange) -> asio::awaitable<void> {
      exchange.Hold();
      co_return;
    });
    CO_ASSERT_OK(silent.Listen());
    const auto seeds = co_await FetchSidecarSeeds("127.0.0.1:" + std::to_string(silent.port()), "", 100ms);
    CO_ASSERT_TRUE(!seeds.ok());
    EXPECT_EQ(seeds.status().code(), base::StatusCode::kTimeout) << seeds.status().message();
  });
}

}  // namespace
}  // namespace sidecar
