// TaskSpec: the parts of a Mesos TaskInfo (JSON) that decide the container.
//
// ParseTaskSpec checks JSON shapes and types only (a string where a string
// is due, an integral port number); whether the task can run is decided by
// the mapping (container_mapping.h). It reads what the agent prints:
// defaulted fields ("shell": true, "network": "HOST") may be present or
// absent, and integers may arrive as 8080 or 8080.0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "base/status.h"

namespace executor {

struct EnvironmentVariable {
  std::string name;
  std::string type = "VALUE";  // or "SECRET"
  std::optional<std::string> value;
};

struct CommandSpec {
  bool shell = true;
  std::optional<std::string> value;
  std::vector<std::string> arguments;
  std::vector<EnvironmentVariable> environment;
};

struct PortMappingSpec {
  std::optional<int64_t> container_port;
  int64_t host_port = 0;  // 0 = expose only
  std::string protocol;   // as given: "", "tcp", "tcp,udp"
};

struct VolumeSpec {
  std::string container_path;
  std::optional<std::string> host_path;
  std::string mode = "RW";
  std::string source_type;           // "" without a source; "DOCKER_VOLUME", "SANDBOX_PATH", ...
  std::string docker_volume_name;    // source.docker_volume
  std::string docker_volume_driver;
  bool docker_volume_has_options = false;
  std::string sandbox_path_type;     // source.sandbox_path: "SELF" or "PARENT"
  std::string sandbox_path;
};

struct DockerSpec {
  std::string image;
  std::string network = "HOST";  // the proto default
  std::vector<PortMappingSpec> port_mappings;
  bool privileged = false;
  std::vector<std::pair<std::string, std::string>> parameters;  // key, value; in order
  bool force_pull_image = false;
};

struct ContainerSpec {
  std::string type;  // "DOCKER", "MESOS"; "" when absent
  std::vector<VolumeSpec> volumes;
  std::optional<DockerSpec> docker;
  std::vector<std::string> network_names;  // one per network_infos entry; "" when unnamed
};

struct ScalarResource {
  std::string name;  // "cpus", "mem", ...
  double value = 0;
};

struct TaskSpec {
  std::string task_id;
  std::vector<EnvironmentVariable> executor_environment;  // executor.command.environment
  std::optional<CommandSpec> command;
  std::optional<ContainerSpec> container;
  std::vector<ScalarResource> scalar_resources;
  std::optional<int64_t> kill_grace_nanoseconds;  // kill_policy.grace_period
  // Present fields this executor does not act on ("TaskInfo.health_check"),
  // so that the mapping can warn instead of dropping them silently.
  std::vector<std::string> ignored_fields;
};

// Invalid names the offending field: "TaskInfo.container.docker.port_mappings[0].host_port
// must be an integer".
base::Result<TaskSpec> ParseTaskSpec(const boost::json::object& task_info);

}  // namespace executor
