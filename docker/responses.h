// What the daemon answers, as plain data, and the parsers from its JSON.
//
// Only the fields the executor, tests and benchmarks use are kept; unknown
// and missing keys are tolerated, since later API versions add and drop
// fields (docker-engine-api.md §8).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace docker {

// GET /images/{name}/json
struct ImageInfo {
  std::string id;                          // "sha256:..."
  std::vector<std::string> repo_tags;      // familiar form: "busybox:1", "reg:5000/x:1"
  std::optional<std::string> stop_signal;  // Config.StopSignal, when the image sets one
};

// GET /containers/{id}/json
struct ContainerState {
  std::string id;
  std::string name;      // without Docker's leading '/'
  std::string image;     // Config.Image: the reference the container was created from
  std::string image_id;  // top-level Image: the resolved "sha256:..."
  std::string status;    // created, running, paused, restarting, removing, exited, dead
  bool running = false;
  int exit_code = 0;
  bool oom_killed = false;
  std::string error;  // State.Error, e.g. why a start failed
  int64_t pid = 0;
  std::string started_at;   // RFC 3339; empty when never started
  std::string finished_at;  // empty when never finished
  bool tty = false;         // logs are a raw stream, not frames
  std::optional<std::string> stop_signal;
  std::map<std::string, std::string> labels;
};

// The body of POST /containers/{id}/wait.
struct ExitStatus {
  int status_code = 0;
  std::string error;  // Error.Message; empty when Docker sent null
};

// One entry of GET /containers/json.
struct ContainerSummary {
  std::string id;
  std::vector<std::string> names;  // without the leading '/'
  std::string image;
  std::string state;  // "running", "exited", ...
  std::map<std::string, std::string> labels;
};

base::Result<ImageInfo> ParseImageInfo(std::string_view body);
base::Result<ContainerState> ParseContainerState(std::string_view body);
base::Result<ExitStatus> ParseExitStatus(std::string_view body);
base::Result<std::vector<ContainerSummary>> ParseContainerList(std::string_view body);
// {"Id": "...", "Warnings": [...]} of POST /containers/create -> the id.
base::Result<std::string> ParseCreatedId(std::string_view body);

}  // namespace docker
