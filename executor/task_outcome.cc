#include "executor/task_outcome.h"

#include <csignal>
#include <cstring>

namespace executor {

using mesos::Reason;
using mesos::TaskState;
using mesos::TaskStatus;

std::string DescribeKill(const KillRequest& kill) {
  switch (kill.cause) {
    case KillCause::kScheduler: return "KILL from the scheduler";
    case KillCause::kShutdown: return "SHUTDOWN from the agent";
    case KillCause::kSignal: return "signal " + kill.detail + " to the executor";
    case KillCause::kAgentLost: return "loss of the agent (" + kill.detail + ")";
    case KillCause::kHealthCheck: return "failed Sidecar health checks (" + kill.detail + ")";
    case KillCause::kTaskFailure: return kill.detail;
  }
  return "an unknown request";
}

mesos::TaskState TerminalStateFor(KillCause cause) {
  return cause == KillCause::kHealthCheck || cause == KillCause::kTaskFailure ? TaskState::kFailed
                                                                              : TaskState::kKilled;
}

std::string DescribeExitCode(int exit_code) {
  std::string text = "status " + std::to_string(exit_code);
  // Docker reports a death by signal N as 128 + N.
  const int signal = exit_code - 128;
  if (signal > 0 && signal < NSIG) {
    const char* name = sigabbrev_np(signal);
    text += " (killed by signal " + std::to_string(signal);
    if (name) text += std::string(", SIG") + name;
    text += ")";
  }
  return text;
}

TaskStatus StatusForExit(const std::string& task_id, const ContainerExit& exit,
                         const std::optional<KillRequest>& kill) {
  TaskStatus status{task_id, TaskState::kFailed};
  if (exit.lost) {
    status.message = "Docker lost the container: " + exit.docker_error;
    return status;
  }
  const std::string code = DescribeExitCode(exit.exit_code);
  if (kill) {
    // Mesos semantics: a task we were asked to stop is KILLED whatever its
    // exit code; one we stopped on our own judgement FAILED.
    status.state = TerminalStateFor(kill->cause);
    status.message = (status.state == TaskState::kKilled ? "Task killed after " : "Task stopped after ") +
                     DescribeKill(*kill) + "; container exited with " + code;
    if (kill->cause == KillCause::kHealthCheck) status.healthy = false;
    return status;
  }
  if (exit.oom_killed) {
    status.reason = Reason::kContainerLimitationMemory;
    status.message = "Container was killed by the kernel for exceeding its memory limit (OOM); exited with " + code;
    return status;
  }
  if (exit.exit_code == 0) {
    status.state = TaskState::kFinished;
    status.message = "Container exited with status 0";
    return status;
  }
  status.message = "Container exited with " + code;
  if (!exit.docker_error.empty()) status.message += ": " + exit.docker_error;
  return status;
}

TaskStatus StatusForKillBeforeStart(const std::string& task_id, const KillRequest& kill) {
  return TaskStatus{task_id, TerminalStateFor(kill.cause), Reason::kNone,
                    "Task stopped before its container started, after " + DescribeKill(kill)};
}

TaskStatus StatusForLaunchFailure(const std::string& task_id, std::string_view step,
                                  const base::Status& error) {
  return TaskStatus{task_id, TaskState::kFailed, Reason::kContainerLaunchFailed,
                    "Failed to " + std::string(step) + ": " + error.message()};
}

TaskStatus StatusForInvalidTask(const std::string& task_id, std::string_view problem) {
  return TaskStatus{task_id, TaskState::kFailed, Reason::kTaskInvalid, std::string(problem)};
}

}  // namespace executor
