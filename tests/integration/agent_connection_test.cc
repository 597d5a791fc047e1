// The executor's side of agent failures: lost connections with and without
// framework checkpointing, unacknowledged updates resent on re-subscribe,
// and executor authentication.
#include <gmock/gmock.h>

#include "tests/integration/executor_harness.h"

namespace integration {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

using AgentConnectionTest = ExecutorTest;

TEST_F(AgentConnectionTest, WithoutCheckpointingALostAgentStopsTheContainerAndTheExecutor) {
  const boost::json::object task = Task(Spec("while true; do sleep 1; done"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s));
    CO_ASSERT_OK(running);
    run.agent.StopListening();
    run.agent.DropStream();
    auto exit = co_await ExecutorExit(run.agent, 30s);
    CO_ASSERT_OK(exit);
    EXPECT_FALSE(exit->success()) << "giving up on the agent is not a clean exit";
  });
  EXPECT_THAT(ExecutorStdout(), HasSubstr("checkpointing"));
  // TearDown asserts that the container is gone.
}

TEST_F(AgentConnectionTest, WithCheckpointingUnacknowledgedUpdatesAreResentOnReconnect) {
  options_.checkpoint = true;
  options_.subscription_backoff_max = 500ms;
  const boost::json::object task = Task(Spec("sleep 3"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    // The agent takes updates but acknowledges none, then goes away.
    run.agent.SetAcknowledge(false);
    auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s));
    CO_ASSERT_OK(running);
    run.agent.StopListening();
    run.agent.DropStream();
    run.agent.SetAcknowledge(true);
    CO_ASSERT_OK(run.agent.StartListening());
    CO_ASSERT_OK(co_await run.agent.WaitSubscribed(base::After(30s), 2));
    // The re-SUBSCRIBE carried both unacknowledged updates and the task.
    CO_ASSERT_TRUE(run.agent.subscribes().size() >= 2);
    const local_agent::SubscribeRecord& resubscribe = run.agent.subscribes().back();
    EXPECT_EQ(resubscribe.unacknowledged_updates.size(), 2u);
    EXPECT_EQ(resubscribe.unacknowledged_tasks.size(), 1u);
    auto finished = co_await run.agent.WaitForState(run.task_id, "TASK_FINISHED", base::After(60s));
    CO_ASSERT_OK(finished);
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
    EXPECT_TRUE(exit->success()) << exit->ToString();
    // Exactly one terminal update reached the agent.
    int terminal = 0;
    for (const auto& update : run.agent.updates()) {
      if (update.task_id == run.task_id && update.state == "TASK_FINISHED" &&
          update.disposition == local_agent::UpdateDisposition::kApplied) {
        ++terminal;
      }
    }
    EXPECT_EQ(terminal, 1);
  });
}

TEST_F(AgentConnectionTest, TheContainerKeepsRunningWhileTheAgentRestarts) {
  options_.checkpoint = true;
  options_.subscription_backoff_max = 500ms;
  const boost::json::object task = Task(Spec("sleep 4; echo survived"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s));
    CO_ASSERT_OK(running);
    local_agent::RestartOptions restart;
    restart.downtime = 1s;
    run.agent.Restart(restart);
    CO_ASSERT_OK(co_await run.agent.WaitSubscribed(base::After(30s), 2));
    auto finished = co_await run.agent.WaitForState(run.task_id, "TASK_FINISHED", base::After(60s));
    CO_ASSERT_OK(finished);
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
}

TEST_F(AgentConnectionTest, SendsTheExecutorTokenOnEveryCall) {
  options_.auth_token = "it-secret-token-1234";
  const boost::json::object task = Task(Spec("true"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto finished = co_await run.agent.WaitForState(run.task_id, "TASK_FINISHED", base::After(60s));
    CO_ASSERT_OK(finished);
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
    for (const local_agent::CallRecord& call : run.agent.calls()) {
      EXPECT_NE(call.status, 401u) << call.type;
    }
  });
  EXPECT_THAT(ExecutorStdout(), ::testing::Not(HasSubstr("it-secret-token-1234")));
}

}  // namespace
}  // namespace integration
