#include "tools/local_agent/executor_environment.h"

#include <algorithm>

#include "tools/local_agent/mesos_duration.h"

namespace local_agent {
namespace json = boost::json;

KeyValues AgentEnvironment(const AgentOptions& options, uint16_t port, const std::string& sandbox) {
  const std::string ip = "127.0.0.1";
  const std::string address = ip + ":" + std::to_string(port);
  KeyValues env = {
      {"PATH", std::string(kDefaultPath)},
      {"MESOS_FRAMEWORK_ID", options.framework_id},
      {"MESOS_EXECUTOR_ID", options.executor_id},
      {"MESOS_SLAVE_PID", "slave(1)@" + address},
      {"MESOS_AGENT_ENDPOINT", address},
      {"MESOS_SLAVE_ID", options.agent_id},
      {"MESOS_DIRECTORY", sandbox},
      {"MESOS_SANDBOX", sandbox},
      {"MESOS_CHECKPOINT", options.checkpoint ? "1" : "0"},
  };
  if (options.checkpoint) {
    env.emplace_back("MESOS_RECOVERY_TIMEOUT", FormatMesosDuration(options.recovery_timeout));
    env.emplace_back("MESOS_SUBSCRIPTION_BACKOFF_MAX",
                     FormatMesosDuration(options.subscription_backoff_max));
  }
  env.emplace_back("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD",
                   FormatMesosDuration(options.shutdown_grace));
  env.emplace_back("MESOS_HTTP_COMMAND_EXECUTOR", "0");
  env.emplace_back("LIBPROCESS_IP", ip);
  env.emplace_back("LIBPROCESS_PORT", "0");
  if (options.auth_token) env.emplace_back("MESOS_EXECUTOR_AUTHENTICATION_TOKEN", *options.auth_token);
  return env;
}

KeyValues CommandEnvironment(const json::object& executor_info) {
  KeyValues env;
  const json::value* command = executor_info.if_contains("command");
  const json::value* environment =
      command != nullptr && command->is_object() ? command->get_object().if_contains("environment")
                                                 : nullptr;
  const json::value* variables = environment != nullptr && environment->is_object()
                                     ? environment->get_object().if_contains("variables")
                                     : nullptr;
  if (variables == nullptr || !variables->is_array()) return env;
  for (const json::value& variable : variables->get_array()) {
    const json::object* fields = variable.if_object();
    if (fields == nullptr) continue;
    const json::value* type = fields->if_contains("type");
    if (type != nullptr && type->is_string() && type->get_string() != "VALUE") continue;
    const json::value* name = fields->if_contains("name");
    const json::value* value = fields->if_contains("value");
    if (name == nullptr || !name->is_string()) continue;
    env.emplace_back(std::string(name->get_string()),
                     value != nullptr && value->is_string() ? std::string(value->get_string()) : "");
  }
  return env;
}

KeyValues MergeEnvironment(KeyValues base, const KeyValues& overrides) {
  for (const auto& [name, value] : overrides) {
    auto same = std::find_if(base.begin(), base.end(), [&](const auto& e) { return e.first == name; });
    if (same != base.end()) {
      same->second = value;
    } else {
      base.emplace_back(name, value);
    }
  }
  return base;
}

}  // namespace local_agent
