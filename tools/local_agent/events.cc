#include "tools/local_agent/events.h"

#include <boost/json/array.hpp>

#include <pwd.h>
#include <unistd.h>

#include "tools/local_agent/stout_base64.h"

namespace local_agent {
namespace json = boost::json;

namespace {

json::object Id(std::string_view value) { return {{"value", value}}; }

std::string CurrentUser() {
  const passwd* entry = getpwuid(geteuid());
  return entry != nullptr ? entry->pw_name : "root";
}

json::object FrameworkInfo(const AgentOptions& options) {
  json::object info{{"user", options.framework_user.empty() ? CurrentUser() : options.framework_user},
                    {"name", options.framework_name},
                    {"id", Id(options.framework_id)},
                    {"failover_timeout", 0.0},
                    {"checkpoint", options.checkpoint}};
  json::array capabilities;
  if (options.task_killing_state) capabilities.push_back(json::object{{"type", "TASK_KILLING_STATE"}});
  if (options.partition_aware) capabilities.push_back(json::object{{"type", "PARTITION_AWARE"}});
  if (!capabilities.empty()) info["capabilities"] = std::move(capabilities);
  return info;
}

json::object AgentScalar(std::string_view name, double value) {
  return {{"name", name}, {"type", "SCALAR"}, {"scalar", {{"value", value}}}};
}

json::object AgentInfo(const AgentOptions& options, uint16_t port) {
  json::array resources{AgentScalar("cpus", 4), AgentScalar("mem", 8192), AgentScalar("disk", 10240)};
  resources.push_back(json::object{
      {"name", "ports"},
      {"type", "RANGES"},
      {"ranges", {{"range", json::array{json::object{{"begin", 31000}, {"end", 32000}}}}}}});
  return {{"hostname", options.hostname},
          {"resources", std::move(resources)},
          {"id", Id(options.agent_id)},
          {"port", port}};
}

}  // namespace

json::object SubscribedEvent(const AgentOptions& options, uint16_t port,
                             const json::object& executor_info) {
  return {{"type", "SUBSCRIBED"},
          {"subscribed",
           {{"executor_info", executor_info},
            {"framework_info", FrameworkInfo(options)},
            {"agent_info", AgentInfo(options, port)},
            {"container_id", Id(options.container_id)}}}};
}

json::object LaunchEvent(const json::object& task_info) {
  return {{"type", "LAUNCH"}, {"launch", {{"task", task_info}}}};
}

json::object KillEvent(std::string_view task_id, std::optional<std::chrono::nanoseconds> grace) {
  json::object kill{{"task_id", Id(task_id)}};
  if (grace) kill["kill_policy"] = json::object{{"grace_period", {{"nanoseconds", grace->count()}}}};
  return {{"type", "KILL"}, {"kill", std::move(kill)}};
}

json::object AcknowledgedEvent(std::string_view task_id, std::string_view uuid_base64) {
  return {{"type", "ACKNOWLEDGED"},
          {"acknowledged", {{"task_id", Id(task_id)}, {"uuid", uuid_base64}}}};
}

json::object MessageEvent(std::string_view data) {
  return {{"type", "MESSAGE"}, {"message", {{"data", base::Base64Encode(data)}}}};
}

json::object ShutdownEvent() { return {{"type", "SHUTDOWN"}}; }
json::object HeartbeatEvent() { return {{"type", "HEARTBEAT"}}; }

}  // namespace local_agent
