// DockerInfo.parameters: the `docker run` flags a task may pass.
//
// Upstream honoured only env, label, cap-add, cap-drop and volume-driver and
// silently dropped everything else (D32: `privileged` ran unprivileged). We
// honour a documented set of common flags, warn about every other key, and
// fail the task on a malformed value of a supported one, naming it.
// Parameters are applied in order; for single-valued flags the last one
// wins, as with repeated docker run flags, except net/network where the
// first one picks the network, as in the Mesos Docker containerizer.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "docker/container_config.h"

namespace executor {

// What the parameters ask for that the caller places itself.
struct ParameterRequests {
  std::vector<std::string> env;               // `env` values, for step 2 of the environment
  std::map<std::string, std::string> labels;  // `label` values split at the first '='
  std::optional<std::string> network;         // the first net/network value
  std::vector<std::string> warnings;          // unsupported keys, dropped labels
};

// Sets the ContainerConfig fields the parameters name; Invalid reads like
// "Docker parameter memory='12q' is invalid: expected a size like 512m or 1g".
base::Result<ParameterRequests> ApplyDockerParameters(
    const std::vector<std::pair<std::string, std::string>>& parameters,
    docker::ContainerConfig& config);

// The supported keys, in the order the README lists them.
std::vector<std::string_view> SupportedDockerParameters();

}  // namespace executor
