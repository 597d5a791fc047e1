// The body of POST /containers/create, rendered from a ContainerConfig.
//
// Kept apart from the client so the mapping can be read and tested as data
// (docker-engine-api.md §4.1). Unset optionals, empty lists and false flags
// are left out, so Docker and the image supply their defaults.
#pragma once

#include <boost/json/object.hpp>

#include "docker/container_config.h"

namespace docker {

// Bound ports are also listed in ExposedPorts, as `docker run -p` does: the
// daemon publishes only exposed ports.
boost::json::object CreateRequestBody(const ContainerConfig& config);

}  // namespace docker
