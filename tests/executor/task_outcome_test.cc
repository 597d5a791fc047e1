#include "executor/task_outcome.h"

#include <gtest/gtest.h>

namespace executor {
namespace {

using mesos::Reason;
using mesos::TaskState;

struct ExitCase {
  const char* name;
  ContainerExit exit;
  std::optional<KillRequest> kill;
  TaskState state;
  Reason reason;
  const char* message_contains;
};

TEST(StatusForExit, MapsExitsToMesosStates) {
  const KillRequest scheduler{KillCause::kScheduler, std::chrono::seconds(5), ""};
  const KillRequest sigterm{KillCause::kSignal, std::chrono::seconds(3), "SIGTERM"};
  const ExitCase cases[] = {
      {"exit 0 finishes", {0}, std::nullopt, TaskState::kFinished, Reason::kNone, "status 0"},
      {"exit 3 fails with the code", {3}, std::nullopt, TaskState::kFailed, Reason::kNone, "exited with status 3"},
      {"own exit 143 is a failure, not a kill", {143}, std::nullopt, TaskState::kFailed, Reason::kNone,
       "status 143 (killed by signal 15, SIGTERM)"},
      {"signal 9 named", {137}, std::nullopt, TaskState::kFailed, Reason::kNone, "signal 9, SIGKILL"},
      {"OOM has its reason", {137, true}, std::nullopt, TaskState::kFailed, Reason::kContainerLimitationMemory,
       "memory limit"},
      {"killed by us exits 0: still KILLED", {0}, scheduler, TaskState::kKilled, Reason::kNone, "KILL from the scheduler"},
      {"killed by us exits 137: KILLED", {137}, scheduler, TaskState::kKilled, Reason::kNone, "status 137"},
      {"signal to the executor", {143}, sigterm, TaskState::kKilled, Reason::kNone, "signal SIGTERM"},
      {"Docker's error is kept", {128, false, "exec: \"nope\": executable file not found"}, std::nullopt,
       TaskState::kFailed, Reason::kNone, "executable file not found"},
      {"container lost", {-1, false, "container abc no longer exists", true}, std::nullopt, TaskState::kFailed,
       Reason::kNone, "no longer exists"},
  };
  for (const ExitCase& c : cases) {
    SCOPED_TRACE(c.name);
    const mesos::TaskStatus status = StatusForExit("t1", c.exit, c.kill);
    EXPECT_EQ(status.task_id, "t1");
    EXPECT_EQ(status.state, c.state);
    EXPECT_EQ(status.reason, c.reason);
    EXPECT_NE(status.message.find(c.message_contains), std::string::npos) << status.message;
    EXPECT_FALSE(status.healthy.has_value());
  }
}

TEST(StatusForLaunchFailure, NamesTheStepAndDockersError) {
  const mesos::TaskStatus status = StatusForLaunchFailure(
      "t1", "pull image x:1", base::Status::Failed("500 unauthorized: authentication required"));
  EXPECT_EQ(status.state, TaskState::kFailed);
  EXPECT_EQ(status.reason, Reason::kContainerLaunchFailed);
  EXPECT_EQ(status.message, "Failed to pull image x:1: 500 unauthorized: authentication required");
}

TEST(StatusForInvalidTask, IsFailedWithTaskInvalid) {
  const mesos::TaskStatus status = StatusForInvalidTask("t1", "TaskInfo has no container");
  EXPECT_EQ(status.state, TaskState::kFailed);
  EXPECT_EQ(status.reason, Reason::kTaskInvalid);
  EXPECT_EQ(status.message, "TaskInfo has no container");
}

TEST(StatusForKillBeforeStart, IsKilledAndSaysWhy) {
  const mesos::TaskStatus status =
      StatusForKillBeforeStart("t1", KillRequest{KillCause::kShutdown, std::chrono::seconds(3), ""});
  EXPECT_EQ(status.state, TaskState::kKilled);
  EXPECT_NE(status.message.find("before its container started"), std::string::npos);
  EXPECT_NE(status.message.find("SHUTDOWN"), std::string::npos);
}

TEST(DescribeExitCode, NamesSignalsOnlyAbove128) {
  EXPECT_EQ(DescribeExitCode(1), "status 1");
  EXPECT_EQ(DescribeExitCode(128), "status 128");
  EXPECT_EQ(DescribeExitCode(130), "status 130 (killed by signal 2, SIGINT)");
  EXPECT_EQ(DescribeExitCode(255), "status 255");
}

}  // namespace
}  // namespace executor
