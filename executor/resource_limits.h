// cgroup limits from the task's cpus and mem resources.
//
// Upstream's formulas (ForceCpuLimit: CFS quota over a 50 ms period, or
// with UseCpuShares 1024 x cpus / host CPUs; ForceMemoryLimit: mem MB as
// bytes), with the D31 fixes: every cpus/mem entry counts (split
// reservations), shares are at least 2 and a quota at least 1 ms, values
// Docker would reject or silently replace. A forced limit is the operator's
// policy, so it overrides CPU or memory Docker parameters, with a warning.
#pragma once

#include <string>
#include <vector>

#include "docker/container_config.h"
#include "executor/settings.h"
#include "executor/task_spec.h"

namespace executor {

// host_cpus: logical CPUs visible to the executor (at least 1).
// Returns warnings for the operator's log.
std::vector<std::string> ApplyResourceLimits(const std::vector<ScalarResource>& resources,
                                             const Settings& settings, int host_cpus,
                                             docker::ContainerConfig& config);

}  // namespace executor
