#include "executor/kill_policy.h"

#include <algorithm>

namespace executor {

std::chrono::nanoseconds KillGrace(std::optional<std::chrono::nanoseconds> from_kill_event,
                                   std::optional<std::chrono::nanoseconds> from_task_info,
                                   std::chrono::seconds kill_task_timeout) {
  if (from_kill_event) return *from_kill_event;
  if (from_task_info) return *from_task_info;
  return kill_task_timeout;
}

std::chrono::nanoseconds ShutdownGrace(std::chrono::nanoseconds agent_shutdown_grace) {
  return std::max<std::chrono::nanoseconds>(agent_shutdown_grace - kShutdownMargin,
                                            std::chrono::nanoseconds(0));
}

std::chrono::seconds DockerStopTimeout(std::chrono::nanoseconds grace) {
  return std::max(std::chrono::round<std::chrono::seconds>(grace), std::chrono::seconds(0));
}

}  // namespace executor
