// A task's life from LAUNCH to its terminal update, through the real
// executor binary and the real Docker daemon.
#include <gmock/gmock.h>

#include <fstream>
#include <set>

#include "tests/integration/executor_harness.h"

namespace integration {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using ::testing::Not;

using LifecycleTest = ExecutorTest;

TEST_F(LifecycleTest, ExitZeroFinishesAndEveryUpdateIsAcknowledgedBeforeExit) {
  const boost::json::object task = Task(Spec("echo hello from $SERVICE_NAME"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto starting = co_await ExpectState(run.agent, run.task_id, "TASK_STARTING");
    CO_ASSERT_OK(starting);
    auto running = co_await ExpectState(run.agent, run.task_id, "TASK_RUNNING");
    CO_ASSERT_OK(running);
    auto finished = co_await ExpectState(run.agent, run.task_id, "TASK_FINISHED");
    CO_ASSERT_OK(finished);
    EXPECT_EQ(finished->source, "SOURCE_EXECUTOR");
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
    EXPECT_TRUE(exit->success()) << exit->ToString();
    // Every update had a fresh uuid, and the executor waited for all ACKs.
    std::set<std::string> uuids;
    for (const auto& update : run.agent.updates()) {
      EXPECT_TRUE(update.acknowledged) << update.state;
      EXPECT_TRUE(uuids.insert(update.uuid).second) << "uuid reused by " << update.state;
      EXPECT_TRUE(update.status.contains("timestamp"));
    }
    EXPECT_EQ(uuids.size(), 3u);
  });
  EXPECT_THAT(ExecutorStdout(), Not(HasSubstr("Copying the container's logs"))) << "no log copy on success";
}

TEST_F(LifecycleTest, NonZeroExitFailsWithTheCodeAndCopiesTheLogs) {
  const boost::json::object task = Task(Spec("echo to-stdout-7; echo to-stderr-7 >&2; exit 7"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(std::chrono::seconds(60)));
    CO_ASSERT_OK(failed);
    EXPECT_THAT(failed->message, HasSubstr("status 7"));
    EXPECT_EQ(failed->reason, "");
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
  // Container stdout went to the executor's stdout, stderr to stderr, as
  // whole lines (the executor's own log lines mention the script, too).
  EXPECT_THAT(ExecutorStdout(), HasSubstr("\nto-stdout-7\n"));
  EXPECT_THAT(ExecutorStderr(), HasSubstr("to-stderr-7\n"));
  EXPECT_THAT(ExecutorStdout(), Not(HasSubstr("\nto-stderr-7\n")));
}

TEST_F(LifecycleTest, OutOfMemoryFailsWithTheMemoryReason) {
  local_agent::TaskSpec spec = Spec("x=$(head -c 60000000 /dev/zero | tr '\\0' a); echo ${#x}");
  spec.parameters = {{"memory", "16m"}, {"memory-swap", "16m"}};
  const boost::json::object task = Task(spec);
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(std::chrono::seconds(60)));
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->reason, "REASON_CONTAINER_LIMITATION_MEMORY");
    EXPECT_THAT(failed->message, HasSubstr("memory"));
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
}

TEST_F(LifecycleTest, MissingImageFailsTheLaunchNamingTheStep) {
  local_agent::TaskSpec spec = Spec("true");
  spec.image = "127.0.0.1:1/sidecar-executor-test/absent:1";  // nothing listens there
  const boost::json::object task = Task(spec);
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto starting = co_await ExpectState(run.agent, run.task_id, "TASK_STARTING");
    CO_ASSERT_OK(starting);
    auto failed = co_await ExpectState(run.agent, run.task_id, "TASK_FAILED");
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->reason, "REASON_CONTAINER_LAUNCH_FAILED");
    EXPECT_THAT(failed->message, HasSubstr("pull image"));
    EXPECT_THAT(failed->message, HasSubstr("127.0.0.1:1"));
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
}

TEST_F(LifecycleTest, StartFailureFailsTheLaunchWithDockersReason) {
  local_agent::TaskSpec spec = Spec("");
  spec.arguments = {"/no/such/binary"};
  const boost::json::object task = Task(spec);
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(std::chrono::seconds(60)));
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->reason, "REASON_CONTAINER_LAUNCH_FAILED");
    EXPECT_THAT(failed->message, HasSubstr("start the container"));
    EXPECT_THAT(failed->message, HasSubstr("no such file or directory"));
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
}

TEST_F(LifecycleTest, TaskWithoutContainerIsInvalid) {
  boost::json::object task = Task(Spec("true"));
  task.erase("container");
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto starting = co_await ExpectState(run.agent, run.task_id, "TASK_STARTING");
    CO_ASSERT_OK(starting);
    auto failed = co_await ExpectState(run.agent, run.task_id, "TASK_FAILED");
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->reason, "REASON_TASK_INVALID");
    EXPECT_THAT(failed->message, HasSubstr("container"));
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
    EXPECT_TRUE(exit->success());
  });
}

TEST_F(LifecycleTest, BadSettingFailsTheTaskNamingVariableValueAndForm) {
  executor_env_ = {{"EXECUTOR_HTTP_TIMEOUT", "2 seconds"}};
  const boost::json::object task = Task(Spec("true"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto starting = co_await ExpectState(run.agent, run.task_id, "TASK_STARTING");
    CO_ASSERT_OK(starting);
    auto failed = co_await ExpectState(run.agent, run.task_id, "TASK_FAILED");
    CO_ASSERT_OK(failed);
    EXPECT_THAT(failed->message, HasSubstr("EXECUTOR_HTTP_TIMEOUT"));
    EXPECT_THAT(failed->message, HasSubstr("'2 seconds'"));
    EXPECT_THAT(failed->message, HasSubstr("Go duration"));
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
}

TEST_F(LifecycleTest, SecondLaunchIsRefusedAndTheFirstTaskRunsOn) {
  const boost::json::object task = Task(Spec("sleep 2"));
  local_agent::TaskSpec second_spec = Spec("true");
  second_spec.task_id = task_id_ + "-second";
  const boost::json::object second = Task(second_spec);
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(std::chrono::seconds(60)));
    CO_ASSERT_OK(running);
    CO_ASSERT_OK(run.agent.Launch(second));
    auto refused =
        co_await run.agent.WaitForState(second_spec.task_id, "TASK_FAILED", base::After(std::chrono::seconds(30)));
    CO_ASSERT_OK(refused);
    EXPECT_THAT(refused->message, HasSubstr(run.task_id));
    auto finished = co_await run.agent.WaitForState(run.task_id, "TASK_FINISHED", base::After(std::chrono::seconds(60)));
    CO_ASSERT_OK(finished);
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
}

TEST_F(LifecycleTest, MalformedEventsAreSkipped) {
  const boost::json::object task = Task(Spec("sleep 1"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(std::chrono::seconds(60)));
    CO_ASSERT_OK(running);
    CO_ASSERT_OK(run.agent.SendRawRecord("{not json"));
    CO_ASSERT_OK(run.agent.SendRawRecord(R"({"type":"KILL","kill":{}})"));
    CO_ASSERT_OK(run.agent.SendRawRecord(R"({"type":"FROM_THE_FUTURE"})"));
    auto finished = co_await run.agent.WaitForState(run.task_id, "TASK_FINISHED", base::After(std::chrono::seconds(60)));
    CO_ASSERT_OK(finished);
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
    EXPECT_TRUE(exit->success());
  });
  EXPECT_THAT(ExecutorStdout(), HasSubstr("Skipping a malformed event"));
}

TEST_F(LifecycleTest, ProcessTitleShowsContainerAndImageInFull) {
  const boost::json::object task = Task(Spec("sleep 2"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(std::chrono::seconds(60)));
    CO_ASSERT_OK(running);
    std::ifstream cmdline("/proc/" + std::to_string(run.agent.executor_process()->pid()) + "/cmdline");
    std::string title;
    std::getline(cmdline, title, '\0');
    EXPECT_THAT(title, ::testing::MatchesRegex("sidecar-executor [0-9a-f]{12} \\(sidecar-executor-test/busybox:1\\)"));
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
}

}  // namespace
}  // namespace integration
