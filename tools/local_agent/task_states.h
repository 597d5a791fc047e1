// The agent's idea of a finished task (isTerminalState, spec §8.1).
#pragma once

#include <string_view>

namespace local_agent {

inline bool IsTerminalState(std::string_view state) {
  return state == "TASK_FINISHED" || state == "TASK_FAILED" || state == "TASK_KILLED" ||
         state == "TASK_LOST" || state == "TASK_ERROR" || state == "TASK_DROPPED" ||
         state == "TASK_GONE" || state == "TASK_GONE_BY_OPERATOR";
}

}  // namespace local_agent
