// Post-mortem: the one file to open when a task ended other than
// TASK_FINISHED, <sandbox>/postmortem.json. It says why (the terminal status
// message, verbatim), what Docker last knew of the container and who stopped
// it, the health observations and the drain that led there, and the
// container's last lines of output, every string scrubbed of secrets.
//
// The builder is pure: facts in, document out. The write is atomic (a
// temporary file renamed into place), so a reader never sees half a file.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "executor/redactor.h"
#include "executor/stop_attribution.h"
#include "mesos/messages.h"

namespace executor {

inline constexpr std::string_view kPostmortemFile = "postmortem.json";
// Lines of container output kept for the post-mortem.
inline constexpr std::size_t kPostmortemOutputLines = 50;
// Timeline records kept for the post-mortem: enough health observations
// for any EXECUTOR_SIDECAR_MAX_FAILS in use, the kill requests and the drain.
inline constexpr std::size_t kPostmortemTimelineRecords = 24;

// What Docker last said about the container.
struct ContainerFinalState {
  std::string id;
  std::string name;
  std::string image;
  std::optional<int> exit_code;  // none when Docker could not tell
  bool oom_killed = false;
  std::string error;        // State.Error
  std::string finished_at;  // State.FinishedAt, RFC 3339
  bool lost = false;        // Docker no longer knew the container
};

struct PostmortemFacts {
  mesos::TaskStatus terminal;  // its message is the cause
  std::chrono::system_clock::time_point time;
  std::optional<ContainerFinalState> container;  // none: no container was created
  std::optional<StopAttribution> stopped_by;
  std::vector<ObservedDockerEvent> docker_events;
  // Timeline records (kill_requested, health_observation, drain_requested,
  // drain_outcome), oldest first.
  std::vector<boost::json::object> timeline_records;
  std::vector<std::string> output;  // oldest first, "stdout: ..." / "stderr: ..."
  std::string output_window;        // EXECUTOR_LOGS_SINCE, as written in Go syntax
};

boost::json::object BuildPostmortem(const PostmortemFacts& facts, const Redactor& redactor);

// JSON indented by two spaces, one field per line: readable with `cat`.
std::string FormatIndentedJson(const boost::json::value& value);

// Writes `content` to a temporary file beside `path`, then renames it over `path`.
base::Status WriteFileAtomically(const std::string& path, std::string_view content);

// The last lines of the container's output, as they are copied.
class OutputTail {
 public:
  explicit OutputTail(std::size_t max_lines) : max_lines_(max_lines) {}
  void Add(std::string_view stream, std::string_view line);
  std::vector<std::string> Lines() const { return {lines_.begin(), lines_.end()}; }
  std::size_t seen() const { return seen_; }

 private:
  std::size_t max_lines_;
  std::size_t seen_ = 0;
  std::deque<std::string> lines_;
};

}  // namespace executor
