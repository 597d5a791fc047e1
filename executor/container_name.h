// The Docker container name for a Mesos task.
//
// "mesos-" + the version-5 (SHA-1) UUID of the raw task ID in the nil
// namespace, exactly as upstream named containers: the name must stay stable
// across the migration so that tooling (and Mesos agent recovery, which
// looks for the "mesos-" prefix) keeps recognising them.
#pragma once

#include <string>
#include <string_view>

namespace executor {

// ContainerNameForTask("task_42") == "mesos-5cf434e4-0723-522d-aea0-1a344f913c23"
std::string ContainerNameForTask(std::string_view task_id);

}  // namespace executor
