// How long a stopping container gets before SIGKILL (mesos-executor-api.md
// §11.1, §11.4): the KILL's own kill_policy beats the TaskInfo's, which beats
// EXECUTOR_KILL_TASK_TIMEOUT; SHUTDOWN and signals get what the agent's
// shutdown grace period leaves after our own margin.
#pragma once

#include <chrono>
#include <optional>

namespace executor {

// Time kept back from the agent's shutdown grace period to send TASK_KILLED
// and receive its acknowledgement before the agent kills us.
inline constexpr std::chrono::seconds kShutdownMargin{2};

std::chrono::nanoseconds KillGrace(std::optional<std::chrono::nanoseconds> from_kill_event,
                                   std::optional<std::chrono::nanoseconds> from_task_info,
                                   std::chrono::seconds kill_task_timeout);

std::chrono::nanoseconds ShutdownGrace(std::chrono::nanoseconds agent_shutdown_grace);

// Docker's stop timeout takes whole seconds: the grace rounded to the
// nearest one (a grace the executor already spent a few microseconds of,
// draining, must not lose a whole second).
std::chrono::seconds DockerStopTimeout(std::chrono::nanoseconds grace);

}  // namespace executor
