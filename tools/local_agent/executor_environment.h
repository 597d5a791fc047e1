// The environment a Mesos agent gives an executor it launches (spec §1,
// §16), and nothing else: none of the agent's own variables, the host's
// default PATH, no HOME. On top come the variables of the task's
// ExecutorInfo.command.environment (how frameworks pass EXECUTOR_*
// settings), then whatever a test adds; later values replace earlier ones.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <string>

#include "tools/local_agent/agent_options.h"

namespace local_agent {

inline constexpr std::string_view kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// MESOS_* and LIBPROCESS_* variables for an executor of `options`' agent
// listening on 127.0.0.1:`port`, with its sandbox at `sandbox`.
KeyValues AgentEnvironment(const AgentOptions& options, uint16_t port, const std::string& sandbox);

// The VALUE variables of an ExecutorInfo's command.environment.
KeyValues CommandEnvironment(const boost::json::object& executor_info);

// `base` with each of `overrides` replacing a same-named entry or appended.
KeyValues MergeEnvironment(KeyValues base, const KeyValues& overrides);

}  // namespace local_agent
