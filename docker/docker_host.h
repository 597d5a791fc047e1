// Where the Docker daemon is, from the environment the Docker CLI reads:
// DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_CONFIG, HOME.
//
// The environment is passed in as a lookup function so the mapping stays a
// pure decision (docker-engine-api.md §1.1–1.3). The one exception: without
// HOME the home directory comes from the passwd entry of the current uid.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "net/endpoint.h"

namespace docker {

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// unset/empty -> unix:///var/run/docker.sock; unix://<path>; tcp://host[:port]
// (port 2375 by default, even with TLS; IPv6 as [addr]:port). A non-empty
// DOCKER_TLS_VERIFY (even "0") turns on TLS with verification for tcp://,
// using ca.pem, cert.pem and key.pem from the cert directory.
base::Result<net::Endpoint> EndpointFromEnvironment(const EnvLookup& getenv);

}  // namespace docker
