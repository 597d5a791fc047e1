// TaskInfo -> Docker container: what to create for a launched task.
//
// A pure function reproducing upstream's mapping (upstream-behavior.md
// 4.3-4.9: name, environment order, labels, ports, binds, network, cgroup
// limits), with the fixes the compatibility contract asks for: every cpus/mem
// entry counts, SERVICE_VERSION respects registry ports and digests,
// ENVIRONMENT_NAME joins ENVIRONMENT, TaskInfo.command and common docker run
// parameters are honoured, anything ignored is warned about, and a TaskInfo
// we cannot run is Invalid with a message for TASK_FAILED instead of a crash.
//
// Labels added to every container, so that `docker ps` and cleanup tools can
// tie a container to Mesos without our state: mesos.task_id,
// mesos.framework_id, mesos.executor_id, mesos.agent_id (they override
// `label` parameters of the same name).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "base/status.h"
#include "docker/container_config.h"
#include "executor/settings.h"

namespace executor {

struct MappingInputs {
  const Settings& settings;
  std::string framework_id;
  std::string executor_id;
  std::string agent_id;
  int host_cpus = 1;          // logical CPUs visible to the executor (CPU shares formula)
  std::string sandbox_path;   // the task sandbox on the host (SANDBOX_PATH volumes)
  // NAME=value entries placed after the `env` parameters, as upstream did
  // with SIDECAR_SEEDS and AWS credentials.
  std::vector<std::string> extra_env;
};

struct ContainerPlan {
  docker::ContainerConfig config;
  std::vector<std::string> warnings;  // for the executor log; none is fatal
  std::string task_id;
  std::string task_host;  // TASK_HOST of the executor's declared env ("" if none)
  bool sidecar_discover = true;  // label SidecarDiscover; missing or unparsable = true
  std::optional<std::chrono::nanoseconds> kill_grace;  // TaskInfo.kill_policy.grace_period
  bool force_pull = false;                             // DockerInfo.force_pull_image
  // The `label` parameters (without executor.ShellCommand), for the log relay's
  // SendDockerLabels.
  std::map<std::string, std::string> task_labels;
};

// The command, in order of precedence:
//  1. label executor.ShellCommand: split on single spaces into Cmd (no shell,
//     image entrypoint kept). It wins over TaskInfo.command because upstream
//     ignored the latter and schedulers written for upstream may send both.
//  2. TaskInfo.command, as the Mesos Docker executor runs it: shell=true ->
//     Entrypoint ["/bin/sh","-c"], Cmd [value]; shell=false -> Cmd = value (if
//     set) followed by the arguments.
//  3. Neither: the image's own entrypoint and cmd.
base::Result<ContainerPlan> MapTaskToContainer(const boost::json::object& task_info,
                                               const MappingInputs& in);

}  // namespace executor
