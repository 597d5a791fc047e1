// The daemon's JSON answers (docker/responses.h: image and container
// inspect, wait, list, create) and its error bodies (docker/api_error.h).
// Every parser reads every input: the fuzzer does not need to know which
// endpoint a body came from.
// Invariant: a container name is given without Docker's leading '/'.
#include <cstddef>
#include <cstdint>
#include <string>

#include "docker/api_error.h"
#include "docker/responses.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)docker::ParseImageInfo(body);
  (void)docker::ParseExitStatus(body);
  (void)docker::ParseCreatedId(body);
  const base::Result<docker::ContainerState> state = docker::ParseContainerState(body);
  if (state.ok() && state->name.starts_with('/')) __builtin_trap();
  const base::Result<std::vector<docker::ContainerSummary>> list = docker::ParseContainerList(body);
  if (list.ok()) {
    for (const docker::ContainerSummary& summary : *list) {
      for (const std::string& name : summary.names) {
        if (name.starts_with('/')) __builtin_trap();
      }
    }
  }
  const base::Status error = docker::ErrorFromResponse("create container mesos-1", 500, body);
  if (error.ok()) __builtin_trap();
  (void)docker::PullFailure("registry.example", 500, docker::DockerMessage(body));
  return 0;
}
