// TaskInfo and ExecutorInfo JSON for the command line's simple flags, in the
// custom-executor shape a framework sends (spec §6.2, §7): `executor` plus a
// DOCKER `container`, and `command` only when arguments are given. Fields
// are written as the agent prints them, defaults included ("shell": true,
// "type": "VALUE", "privileged": false, "network": "HOST", doubles with a
// fraction, allocation_info on every resource), so the executor under test
// parses what a real agent would hand it.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tools/local_agent/agent_options.h"

namespace local_agent {

struct PortMapping {
  uint32_t container_port = 0;
  uint32_t host_port = 0;
};

struct TaskSpec {
  std::string task_id;
  std::string name = "local-task";
  std::string image;
  // Upstream sidecar-executor semantics: becomes the Docker parameter
  // label "executor.ShellCommand=<command>".
  std::string shell_command;
  std::vector<std::string> arguments;  // non-empty: TaskInfo.command {shell: false, arguments}
  KeyValues environment;               // executor.command.environment
  std::vector<PortMapping> ports;
  std::string network = "HOST";        // HOST, BRIDGE or NONE
  KeyValues labels;
  KeyValues parameters;                // Docker parameters
  double cpus = 0.1;
  double mem = 128;
  std::optional<std::chrono::nanoseconds> kill_grace;
};

// ExecutorInfo for `options`' executor, started by `command`.
boost::json::object ExecutorInfoJson(const AgentOptions& options, const std::string& command,
                                     const KeyValues& environment);

boost::json::object BuildTaskInfo(const TaskSpec& spec, const AgentOptions& options,
                                  const std::string& executor_command);

}  // namespace local_agent
