#include "executor/container_mapping.h"

#include <algorithm>

#include "docker/image_reference.h"
#include "executor/container_name.h"
#include "executor/go_strings.h"
#include "executor/docker_parameters.h"
#include "executor/go_values.h"
#include "executor/resource_limits.h"
#include "executor/task_spec.h"

namespace executor {
namespace {

using docker::ContainerConfig;

constexpr std::string_view kShellCommandLabel = "executor.ShellCommand";

base::Result<const DockerSpec*> RunnableDocker(const TaskSpec& task) {
  if (!task.container) {
    return base::Status::Invalid(
        "TaskInfo has no container; this executor runs Docker containers only "
        "(set TaskInfo.container with type DOCKER and an image)");
  }
  if (task.container->type != "DOCKER") {
    return base::Status::Invalid("TaskInfo.container.type is '" + task.container->type +
                                 "'; this executor runs only DOCKER containers");
  }
  if (!task.container->docker) {
    return base::Status::Invalid("TaskInfo.container.docker is missing");
  }
  if (task.container->docker->image.empty()) {
    return base::Status::Invalid("TaskInfo.container.docker.image is empty");
  }
  return &*task.container->docker;
}

void MapCommand(const TaskSpec& task, std::map<std::string, std::string>& labels,
                ContainerPlan& plan) {
  ContainerConfig& config = plan.config;
  if (auto shell_command = labels.find(std::string(kShellCommandLabel));
      shell_command != labels.end()) {
    config.cmd = SplitLikeGo(shell_command->second, ' ');  // no quoting, empty pieces kept (D33)
    labels.erase(shell_command);
    if (task.command) {
      plan.warnings.push_back("TaskInfo.command is ignored: label executor.ShellCommand sets "
                              "the command (upstream compatibility)");
    }
    return;
  }
  if (!task.command) return;
  const CommandSpec& command = *task.command;
  if (command.shell) {
    if (!command.value) {
      // Only the defaulted "shell": true (e.g. a command carrying just an
      // environment): nothing to run, keep the image's command.
      if (!command.arguments.empty()) {
        plan.warnings.push_back("TaskInfo.command.arguments are ignored: shell is true but "
                                "there is no command value");
      }
      return;
    }
    if (config.entrypoint) {
      plan.warnings.push_back("Docker parameter entrypoint is overridden by TaskInfo.command "
                              "(shell=true runs /bin/sh -c)");
    }
    config.entrypoint = std::vector<std::string>{"/bin/sh", "-c"};
    config.cmd = std::vector<std::string>{*command.value};
    return;
  }
  std::vector<std::string> cmd;
  if (command.value) cmd.push_back(*command.value);
  cmd.insert(cmd.end(), command.arguments.begin(), command.arguments.end());
  if (!cmd.empty()) config.cmd = std::move(cmd);
}

base::Status AppendVariables(const std::vector<EnvironmentVariable>& variables,
                             std::string_view where, std::vector<std::string>& env) {
  for (const EnvironmentVariable& variable : variables) {
    if (variable.name.empty()) {
      return base::Status::Invalid(std::string(where) + " has a variable without a name");
    }
    if (variable.type != "VALUE") {
      return base::Status::Invalid(std::string(where) + " variable " + variable.name +
                                   " is of type " + variable.type +
                                   "; only VALUE variables are supported (use a vault:// value "
                                   "for secrets)");
    }
    if (!variable.value) {
      return base::Status::Invalid(std::string(where) + " variable " + variable.name +
                                   " has no value");
    }
    env.push_back(variable.name + "=" + *variable.value);
  }
  return base::Status::Ok();
}

std::string TaskHost(const std::vector<EnvironmentVariable>& variables) {
  for (const EnvironmentVariable& variable : variables) {
    if (variable.name == "TASK_HOST") return variable.value.value_or("");
  }
  return "";
}

// upstream-behavior.md 4.4, in its order, with command env after the
// executor's and ENVIRONMENT_NAME after ENVIRONMENT.
base::Status MapEnvironment(const TaskSpec& task, const DockerSpec& docker,
                            const std::map<std::string, std::string>& labels,
                            const std::vector<std::string>& env_parameters,
                            const MappingInputs& in, ContainerPlan& plan) {
  std::vector<std::string>& env = plan.config.env;
  base::Status status =
      AppendVariables(task.executor_environment, "TaskInfo.executor.command.environment", env);
  if (status.ok() && task.command) {
    status = AppendVariables(task.command->environment, "TaskInfo.command.environment", env);
  }
  if (!status.ok()) return status;
  env.insert(env.end(), env_parameters.begin(), env_parameters.end());
  env.insert(env.end(), in.extra_env.begin(), in.extra_env.end());
  for (const PortMappingSpec& port : docker.port_mappings) {
    if (port.host_port >= 1) {
      env.push_back("MESOS_PORT_" + std::to_string(*port.container_port) + "=" +
                    std::to_string(port.host_port));
    }
  }
  if (!plan.task_host.empty()) env.push_back("MESOS_HOSTNAME=" + plan.task_host);

  if (auto it = labels.find("ServiceName"); it != labels.end()) {
    env.push_back("SERVICE_NAME=" + it->second);
  } else {
    plan.warnings.push_back("No ServiceName set for " + task.task_id);
  }
  const auto environment = labels.find("Environment");
  const auto environment_name = labels.find("EnvironmentName");
  if (environment != labels.end()) env.push_back("ENVIRONMENT=" + environment->second);
  if (environment_name != labels.end()) env.push_back("ENVIRONMENT_NAME=" + environment_name->second);
  if (environment == labels.end() && environment_name == labels.end()) {
    plan.warnings.push_back("No Environment or EnvironmentName set for " + task.task_id);
  }
  // SERVICE_VERSION: the tag after the last path segment; none for an
  // untagged or digest-pinned image (upstream split the whole reference on
  // ':' and got "5000/foo" from "reg:5000/foo:1.2", D30).
  base::Result<docker::ImageReference> image = docker::ParseImageReference(docker.image);
  if (!image.ok()) {
    return image.status().Wrap("TaskInfo.container.docker.image '" + docker.image + "'");
  }
  if (std::optional<std::string> tag = image->VersionTag()) {
    env.push_back("SERVICE_VERSION=" + *tag);
  } else {
    plan.warnings.push_back("Unable to extract version from Docker image '" + docker.image +
                            "' for " + task.task_id);
  }
  return base::Status::Ok();
}

// Upstream split the protocol on /,\s?/ and fell back to tcp alone when any
// piece was empty (unset, trailing comma); pieces are used verbatim.
std::vector<std::string> PortProtocols(std::string_view protocol) {
  std::vector<std::string> pieces = SplitLikeGo(protocol, ',');
  for (std::size_t i = 1; i < pieces.size(); ++i) {
    // Go's /,\s?/: one whitespace character after a comma belongs to it.
    if (!pieces[i].empty() && std::string_view(" \t\n\f\r").find(pieces[i].front()) != std::string_view::npos) {
      pieces[i].erase(0, 1);
    }
  }
  if (std::find(pieces.begin(), pieces.end(), "") != pieces.end()) return {"tcp"};
  return pieces;
}

base::Status MapPorts(const DockerSpec& docker, ContainerConfig& config) {
  for (size_t i = 0; i < docker.port_mappings.size(); ++i) {
    const PortMappingSpec& port = docker.port_mappings[i];
    const std::string where = "TaskInfo.container.docker.port_mappings[" + std::to_string(i) + "]";
    if (!port.container_port || *port.container_port < 1 || *port.container_port > 65535) {
      return base::Status::Invalid(where + ".container_port must be a port number from 1 to 65535");
    }
    if (port.host_port < 0 || port.host_port > 65535) {
      return base::Status::Invalid(where + ".host_port must be a port number from 0 to 65535");
    }
    for (const std::string& protocol : PortProtocols(port.protocol)) {
      const std::string key = std::to_string(*port.container_port) + "/" + protocol;
      auto& exposed = config.exposed_ports;
      if (std::find(exposed.begin(), exposed.end(), key) == exposed.end()) exposed.push_back(key);
      if (port.host_port < 1) continue;
      // A later mapping of the same container port and protocol replaces
      // the earlier binding, as upstream's map did.
      auto& bindings = config.port_bindings;
      std::erase_if(bindings, [&](const docker::PortBinding& b) { return b.container_port_proto == key; });
      bindings.push_back({key, "", std::to_string(port.host_port)});
    }
  }
  return base::Status::Ok();
}

base::Result<std::string> NetworkMode(const ContainerSpec& container, const DockerSpec& docker) {
  if (docker.network == "HOST") return std::string("host");
  if (docker.network == "BRIDGE") return std::string("default");  // upstream's value
  if (docker.network == "NONE") return std::string("none");
  if (docker.network == "USER") {
    if (container.network_names.size() != 1 || container.network_names[0].empty()) {
      return base::Status::Invalid(
          "TaskInfo.container.docker.network is USER, which needs exactly one named "
          "TaskInfo.container.network_infos entry (found " +
          std::to_string(container.network_names.size()) + ")");
    }
    return container.network_names[0];
  }
  return base::Status::Invalid("TaskInfo.container.docker.network '" + docker.network +
                               "' is not one of HOST, BRIDGE, NONE, USER");
}

// The bind source of one volume: host_path verbatim (upstream; a bare name
// is a Docker named volume, the pre-DOCKER_VOLUME way to use volume-driver),
// else a DOCKER_VOLUME name, else a path in our own sandbox.
base::Result<std::string> VolumeSource(const VolumeSpec& volume, const std::string& where,
                                       const MappingInputs& in, ContainerPlan& plan) {
  if (volume.host_path && !volume.host_path->empty()) return *volume.host_path;
  if (volume.source_type == "DOCKER_VOLUME") {
    if (volume.docker_volume_name.empty()) {
      return base::Status::Invalid(where + ".source.docker_volume.name is required");
    }
    const std::string& driver = volume.docker_volume_driver;
    std::string& configured = plan.config.volume_driver;
    if (!driver.empty() && !configured.empty() && driver != configured) {
      // Docker takes one volume driver per container.
      return base::Status::Invalid(where + " uses volume driver '" + driver +
                                   "' but the container already uses '" + configured + "'");
    }
    if (!driver.empty()) configured = driver;
    if (volume.docker_volume_has_options) {
      plan.warnings.push_back(where + ".source.docker_volume.driver_options are not supported "
                              "and were ignored");
    }
    return volume.docker_volume_name;
  }
  if (volume.source_type == "SANDBOX_PATH" && volume.sandbox_path_type != "PARENT") {
    if (in.sandbox_path.empty() || volume.sandbox_path.empty() || volume.sandbox_path[0] == '/') {
      return base::Status::Invalid(where + ".source.sandbox_path.path must be a relative path "
                                   "in the task sandbox");
    }
    return in.sandbox_path + "/" + volume.sandbox_path;
  }
  std::string message = where + " (container_path " + volume.container_path +
                        ") has neither a host_path nor a DOCKER_VOLUME source";
  if (!volume.source_type.empty()) {
    message += "; source type " + volume.source_type + " is not supported";
  }
  return base::Status::Invalid(std::move(message));
}

base::Status MapVolumes(const ContainerSpec& container, const MappingInputs& in,
                        ContainerPlan& plan) {
  for (size_t i = 0; i < container.volumes.size(); ++i) {
    const VolumeSpec& volume = container.volumes[i];
    const std::string where = "TaskInfo.container.volumes[" + std::to_string(i) + "]";
    if (volume.container_path.empty() || volume.container_path[0] != '/') {
      return base::Status::Invalid(where + ".container_path must be an absolute path (got '" +
                                   volume.container_path + "')");
    }
    if (volume.mode != "RW" && volume.mode != "RO") {
      return base::Status::Invalid(where + ".mode must be RW or RO (got '" + volume.mode + "')");
    }
    auto source = VolumeSource(volume, where, in, plan);
    if (!source.ok()) return source.status();
    std::string bind = *source + ":" + volume.container_path;
    if (volume.mode == "RO") bind += ":ro";
    plan.config.binds.push_back(std::move(bind));
  }
  return base::Status::Ok();
}

bool SidecarDiscover(const std::map<std::string, std::string>& labels,
                     std::vector<std::string>& warnings) {
  auto it = labels.find("SidecarDiscover");
  if (it == labels.end()) return true;
  auto parsed = ParseGoBool(it->second);
  if (!parsed.ok()) {
    warnings.push_back("Label SidecarDiscover='" + it->second +
                       "' is not a boolean; Sidecar checks stay enabled");
    return true;
  }
  return *parsed;
}

base::Status MapTask(const TaskSpec& task, const MappingInputs& in, ContainerPlan& plan) {
  auto runnable = RunnableDocker(task);
  if (!runnable.ok()) return runnable.status();
  const DockerSpec& docker = **runnable;
  const ContainerSpec& container = *task.container;
  ContainerConfig& config = plan.config;

  plan.task_id = task.task_id;
  plan.task_host = TaskHost(task.executor_environment);
  plan.force_pull = docker.force_pull_image;
  if (task.kill_grace_nanoseconds) {
    if (*task.kill_grace_nanoseconds < 0) {
      return base::Status::Invalid("TaskInfo.kill_policy.grace_period must not be negative");
    }
    plan.kill_grace = std::chrono::nanoseconds(*task.kill_grace_nanoseconds);
  }
  config.name = ContainerNameForTask(task.task_id);
  config.image = docker.image;
  config.privileged = docker.privileged;  // a `privileged` parameter may override it

  auto parameters = ApplyDockerParameters(docker.parameters, config);
  if (!parameters.ok()) return parameters.status();
  plan.warnings = parameters->warnings;

  std::map<std::string, std::string> labels = parameters->labels;
  plan.sidecar_discover = SidecarDiscover(labels, plan.warnings);
  MapCommand(task, labels, plan);  // removes executor.ShellCommand

  if (base::Status s = MapPorts(docker, config); !s.ok()) return s;
  if (base::Status s = MapEnvironment(task, docker, labels, parameters->env, in, plan); !s.ok()) {
    return s;
  }

  plan.task_labels = labels;
  config.labels = std::move(labels);
  config.labels["mesos.task_id"] = task.task_id;
  config.labels["mesos.framework_id"] = in.framework_id;
  config.labels["mesos.executor_id"] = in.executor_id;
  config.labels["mesos.agent_id"] = in.agent_id;

  if (parameters->network) {
    config.network_mode = *parameters->network;
  } else {
    auto network = NetworkMode(container, docker);
    if (!network.ok()) return network.status();
    config.network_mode = *network;
  }

  if (base::Status s = MapVolumes(container, in, plan); !s.ok()) return s;

  for (std::string& warning : ApplyResourceLimits(task.scalar_resources, in.settings,
                                                  in.host_cpus, config)) {
    plan.warnings.push_back(std::move(warning));
  }
  for (const std::string& field : task.ignored_fields) {
    plan.warnings.push_back(field + " is not supported by this executor and was ignored");
  }
  return base::Status::Ok();
}

}  // namespace

base::Result<ContainerPlan> MapTaskToContainer(const boost::json::object& task_info,
                                               const MappingInputs& in) {
  auto task = ParseTaskSpec(task_info);
  if (!task.ok()) return task.status();
  ContainerPlan plan;
  if (base::Status status = MapTask(*task, in, plan); !status.ok()) return status;
  return plan;
}

}  // namespace executor
