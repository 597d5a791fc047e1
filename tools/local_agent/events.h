// The events the agent writes on an executor's stream (spec §6), as the
// agent's JSON. SUBSCRIBED carries executor_info, framework_info (with the
// capabilities the executor looks for), agent_info and container_id.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "tools/local_agent/agent_options.h"

namespace local_agent {

boost::json::object SubscribedEvent(const AgentOptions& options, uint16_t port,
                                    const boost::json::object& executor_info);
boost::json::object LaunchEvent(const boost::json::object& task_info);
boost::json::object KillEvent(std::string_view task_id,
                              std::optional<std::chrono::nanoseconds> grace);
boost::json::object AcknowledgedEvent(std::string_view task_id, std::string_view uuid_base64);
boost::json::object MessageEvent(std::string_view data);
boost::json::object ShutdownEvent();
boost::json::object HeartbeatEvent();

}  // namespace local_agent
