// How a task ends, decided from plain facts: why the executor stopped it
// (if it did) and what Docker says about the container's exit. These are the
// executor's Mesos status semantics in one place (upstream-behavior.md §12.1.8
// and §12.2: TASK_KILLED only for kills we performed, OOM with its reason,
// exit codes and signals named in the message).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "mesos/messages.h"

namespace executor {

// Who asked for the task to stop.
enum class KillCause {
  kScheduler,  // KILL event
  kShutdown,   // SHUTDOWN event
  kSignal,     // SIGTERM / SIGINT / SIGUSR1 to the executor
  kAgentLost,  // the agent went away and will not recover this executor
  // Decisions of the executor itself; these end the task TASK_FAILED.
  kHealthCheck,    // Sidecar affirmed the task unhealthy (terminal update: healthy=false)
  kTaskFailure,    // a condition the task cannot run under (e.g. credentials expired)
};

struct KillRequest {
  KillCause cause = KillCause::kScheduler;
  std::chrono::nanoseconds grace{0};
  std::string detail;  // the signal name; for the executor's own decisions, the evidence
};

// TASK_KILLED for kills others asked for; TASK_FAILED for the executor's
// own decisions (health, expired credentials).
mesos::TaskState TerminalStateFor(KillCause cause);

// Docker's account of a finished container.
struct ContainerExit {
  int exit_code = -1;
  bool oom_killed = false;
  std::string docker_error;  // State.Error, when Docker could not run it
  bool lost = false;         // Docker no longer knows the container
};

// Terminal status for a container that ran and exited.
mesos::TaskStatus StatusForExit(const std::string& task_id, const ContainerExit& exit,
                                const std::optional<KillRequest>& kill);

// Terminal status when the task was stopped before its container started.
mesos::TaskStatus StatusForKillBeforeStart(const std::string& task_id, const KillRequest& kill);

// Terminal status for a failed launch step ("pull image", "create container"...).
mesos::TaskStatus StatusForLaunchFailure(const std::string& task_id, std::string_view step,
                                         const base::Status& error);

// Terminal status for a task this executor cannot run as given.
mesos::TaskStatus StatusForInvalidTask(const std::string& task_id, std::string_view problem);

// "KILL from the scheduler", "SHUTDOWN from the agent", "signal SIGTERM".
std::string DescribeKill(const KillRequest& kill);

// "status 3", "status 137 (killed by signal 9, SIGKILL)".
std::string DescribeExitCode(int exit_code);

}  // namespace executor
