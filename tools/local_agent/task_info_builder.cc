#include "tools/local_agent/task_info_builder.h"

#include <boost/json/array.hpp>

namespace local_agent {
namespace json = boost::json;

namespace {

json::object Id(const std::string& value) { return {{"value", value}}; }

json::object Scalar(std::string_view name, double value) {
  return {{"name", name},
          {"type", "SCALAR"},
          {"scalar", {{"value", value}}},
          {"allocation_info", {{"role", "*"}}}};
}

json::array Pairs(const KeyValues& pairs, std::string_view key_name, std::string_view value_name) {
  json::array array;
  for (const auto& [key, value] : pairs) array.push_back(json::object{{key_name, key}, {value_name, value}});
  return array;
}

json::object Docker(const TaskSpec& spec) {
  json::object docker{{"image", spec.image}, {"network", spec.network}};
  if (!spec.ports.empty()) {
    json::array mappings;
    for (const PortMapping& port : spec.ports) {
      mappings.push_back(json::object{
          {"host_port", port.host_port}, {"container_port", port.container_port}, {"protocol", "tcp"}});
    }
    docker["port_mappings"] = std::move(mappings);
  }
  docker["privileged"] = false;
  KeyValues parameters = spec.parameters;
  if (!spec.shell_command.empty()) {
    parameters.emplace_back("label", "executor.ShellCommand=" + spec.shell_command);
  }
  if (!parameters.empty()) docker["parameters"] = Pairs(parameters, "key", "value");
  return docker;
}

}  // namespace

json::object ExecutorInfoJson(const AgentOptions& options, const std::string& command,
                              const KeyValues& environment) {
  json::object command_info;
  if (!environment.empty()) {
    json::array variables;
    for (const auto& [name, value] : environment) {
      variables.push_back(json::object{{"name", name}, {"type", "VALUE"}, {"value", value}});
    }
    command_info["environment"] = json::object{{"variables", std::move(variables)}};
  }
  command_info["value"] = command;
  command_info["shell"] = true;
  return {{"executor_id", Id(options.executor_id)},
          {"resources", json::array{Scalar("cpus", 0.1), Scalar("mem", 32)}},
          {"command", std::move(command_info)},
          {"framework_id", Id(options.framework_id)},
          {"name", "sidecar-executor"},
          {"type", "CUSTOM"}};
}

json::object BuildTaskInfo(const TaskSpec& spec, const AgentOptions& options,
                           const std::string& executor_command) {
  json::array resources{Scalar("cpus", spec.cpus), Scalar("mem", spec.mem)};
  if (!spec.ports.empty()) {
    json::array ranges;
    for (const PortMapping& port : spec.ports) {
      ranges.push_back(json::object{{"begin", port.host_port}, {"end", port.host_port}});
    }
    resources.push_back(json::object{{"name", "ports"},
                                     {"type", "RANGES"},
                                     {"ranges", {{"range", std::move(ranges)}}},
                                     {"allocation_info", {{"role", "*"}}}});
  }
  json::object task{{"name", spec.name},
                    {"task_id", Id(spec.task_id)},
                    {"agent_id", Id(options.agent_id)},
                    {"resources", std::move(resources)},
                    {"executor", ExecutorInfoJson(options, executor_command, spec.environment)}};
  if (!spec.arguments.empty()) {
    json::array arguments(spec.arguments.begin(), spec.arguments.end());
    task["command"] = json::object{{"shell", false}, {"arguments", std::move(arguments)}};
  }
  task["container"] = json::object{{"type", "DOCKER"}, {"docker", Docker(spec)}};
  if (!spec.labels.empty()) {
    task["labels"] = json::object{{"labels", Pairs(spec.labels, "key", "value")}};
  }
  if (spec.kill_grace) {
    task["kill_policy"] = json::object{{"grace_period", {{"nanoseconds", spec.kill_grace->count()}}}};
  }
  return task;
}

}  // namespace local_agent
