// Stopping a task: scheduler KILL (with and without TASK_KILLING_STATE and
// kill policies), SHUTDOWN, signals to the executor, and a KILL that
// arrives while the image is still being pulled.
#include <boost/asio/ip/tcp.hpp>
#include <gmock/gmock.h>

#include <csignal>

#include "tests/integration/executor_harness.h"

namespace integration {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Ignores SIGTERM, so only SIGKILL (after the grace) ends it.
constexpr char kStubborn[] = "trap '' TERM; echo ready; while true; do sleep 1; done";
// Exits 0 on SIGTERM.
constexpr char kPolite[] = "trap 'echo bye; exit 0' TERM; echo ready; while true; do sleep 0.2; done";

using KillTest = ExecutorTest;

std::vector<std::string> StatesOf(const local_agent::FakeAgent& agent, const std::string& task_id) {
  std::vector<std::string> states;
  for (const auto& update : agent.updates()) {
    if (update.task_id == task_id) states.push_back(update.state);
  }
  return states;
}

TEST_F(KillTest, KillWithoutCapabilityGoesStraightToKilled) {
  const boost::json::object task = Task(Spec(kPolite));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s));
    CO_ASSERT_OK(running);
    CO_ASSERT_OK(run.agent.Kill(run.task_id));
    auto killed = co_await run.agent.WaitForState(run.task_id, "TASK_KILLED", base::After(60s));
    CO_ASSERT_OK(killed);
    // The app exited 0 on SIGTERM; Mesos semantics still say KILLED.
    EXPECT_THAT(killed->message, HasSubstr("KILL from the scheduler"));
    EXPECT_THAT(killed->message, HasSubstr("status 0"));
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
    EXPECT_EQ(StatesOf(run.agent, run.task_id),
              (std::vector<std::string>{"TASK_STARTING", "TASK_RUNNING", "TASK_KILLED"}));
  });
  EXPECT_THAT(ExecutorStdout(), HasSubstr("bye")) << "container output is copied after a kill";
}

TEST_F(KillTest, KillWithCapabilitySendsKillingFirst) {
  options_.task_killing_state = true;
  const boost::json::object task = Task(Spec(kPolite));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s));
    CO_ASSERT_OK(running);
    CO_ASSERT_OK(run.agent.Kill(run.task_id));
    auto killed = co_await run.agent.WaitForState(run.task_id, "TASK_KILLED", base::After(60s));
    CO_ASSERT_OK(killed);
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
    EXPECT_EQ(StatesOf(run.agent, run.task_id),
              (std::vector<std::string>{"TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_KILLED"}));
  });
}

TEST_F(KillTest, KillPolicyOfTheKillEventBeatsTheTaskInfos) {
  local_agent::TaskSpec spec = Spec(kStubborn);
  spec.kill_grace = 30s;  // TaskInfo.kill_policy
  const boost::json::object task = Task(spec);
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s));
    CO_ASSERT_OK(running);
    CO_ASSERT_OK(run.agent.Kill(run.task_id, 1s));
    auto killed = co_await run.agent.WaitForState(run.task_id, "TASK_KILLED", base::After(20s));
    CO_ASSERT_OK(killed);
    EXPECT_THAT(killed->message, HasSubstr("status 137"));
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
  EXPECT_THAT(ExecutorStdout(), HasSubstr("SIGKILL after 1s"));
}

TEST_F(KillTest, TaskInfoKillPolicyBeatsTheSetting) {
  local_agent::TaskSpec spec = Spec(kStubborn);
  spec.kill_grace = 2s;
  executor_env_ = {{"EXECUTOR_KILL_TASK_TIMEOUT", "40"}};
  spec.environment = executor_env_;
  const boost::json::object task = Task(spec);
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s));
    CO_ASSERT_OK(running);
    CO_ASSERT_OK(run.agent.Kill(run.task_id));
    auto killed = co_await run.agent.WaitForState(run.task_id, "TASK_KILLED", base::After(30s));
    CO_ASSERT_OK(killed);
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
  EXPECT_THAT(ExecutorStdout(), HasSubstr("SIGKILL after 2s"));
}

TEST_F(KillTest, ShutdownStopsTheContainerAndReportsKilled) {
  const boost::json::object task = Task(Spec(kStubborn));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s));
    CO_ASSERT_OK(running);
    run.agent.Shutdown();
    auto killed = co_await run.agent.WaitForState(run.task_id, "TASK_KILLED", base::After(30s));
    CO_ASSERT_OK(killed);
    EXPECT_EQ(killed->source, "SOURCE_EXECUTOR") << "the executor, not the agent, must report it";
    EXPECT_THAT(killed->message, HasSubstr("SHUTDOWN"));
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
    EXPECT_TRUE(exit->success()) << exit->ToString();
  });
  // 5 s agent grace minus our 2 s margin.
  EXPECT_THAT(ExecutorStdout(), HasSubstr("SIGKILL after 3s"));
}

TEST_F(KillTest, SigtermToTheExecutorStopsTheContainerAndReportsKilled) {
  const boost::json::object task = Task(Spec(kPolite));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s));
    CO_ASSERT_OK(running);
    CO_ASSERT_OK(run.agent.executor_process()->Signal(SIGTERM));
    auto killed = co_await run.agent.WaitForState(run.task_id, "TASK_KILLED", base::After(30s));
    CO_ASSERT_OK(killed);
    EXPECT_THAT(killed->message, HasSubstr("SIGTERM"));
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
}

TEST_F(KillTest, ShutdownBeforeAnyLaunchExitsAtOnce) {
  RunExecutor(nullptr, [&](Run& run) -> asio::awaitable<void> {
    CO_ASSERT_OK(co_await run.agent.WaitSubscribed(base::After(30s)));
    run.agent.Shutdown();
    auto exit = co_await ExecutorExit(run.agent, 10s);
    CO_ASSERT_OK(exit);
    EXPECT_TRUE(exit->success()) << exit->ToString();
    EXPECT_TRUE(run.agent.updates().empty());
  });
}

// A registry that accepts connections and never answers keeps the pull
// hanging; its first accepted connection proves the pull is under way.
TEST_F(KillTest, KillDuringPullAbortsTheLaunchAndLeavesNoContainer) {
  asio::io_context unused;
  asio::ip::tcp::acceptor probe(unused, {asio::ip::make_address("127.0.0.1"), 0});
  const uint16_t port = probe.local_endpoint().port();
  probe.close();
  local_agent::TaskSpec spec = Spec("true");
  spec.image = "127.0.0.1:" + std::to_string(port) + "/hanging/image:1";
  const boost::json::object task = Task(spec);
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    asio::ip::tcp::acceptor registry(co_await asio::this_coro::executor,
                                     {asio::ip::make_address("127.0.0.1"), port});
    asio::ip::tcp::socket docker_connection(registry.get_executor());
    auto accept = [&]() -> asio::awaitable<boost::system::error_code> {
      auto [ec] = co_await registry.async_accept(docker_connection, asio::as_tuple(asio::use_awaitable));
      co_return ec;
    };
    const std::optional<boost::system::error_code> accepted = co_await base::WithDeadline(accept(), base::After(60s));
    CO_ASSERT_TRUE(accepted && !*accepted);
    CO_ASSERT_OK(run.agent.Kill(run.task_id));
    auto killed = co_await run.agent.WaitForState(run.task_id, "TASK_KILLED", base::After(20s));
    CO_ASSERT_OK(killed);
    EXPECT_THAT(killed->message, HasSubstr("before its container started"));
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
    EXPECT_EQ(StatesOf(run.agent, run.task_id), (std::vector<std::string>{"TASK_STARTING", "TASK_KILLED"}));
  });
  EXPECT_THAT(ExecutorStdout(), HasSubstr("Aborting the launch"));
}

TEST_F(KillTest, KillForAnUnknownTaskIsAnsweredWithoutTouchingOurs) {
  const boost::json::object task = Task(Spec("sleep 2"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s));
    CO_ASSERT_OK(running);
    // The agent itself only forwards KILLs for tasks it gave this executor,
    // so the event is injected as it would arrive after a mix-up.
    const std::string kill = R"({"type":"KILL","kill":{"task_id":{"value":"not-)" + run.task_id + R"("}}})";
    CO_ASSERT_OK(run.agent.SendRawRecord(kill));
    auto finished = co_await run.agent.WaitForState(run.task_id, "TASK_FINISHED", base::After(60s));
    CO_ASSERT_OK(finished);
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
  EXPECT_THAT(ExecutorStdout(), HasSubstr("is not running on this executor"));
}

}  // namespace
}  // namespace integration
