// Timeline: every step of the executor's life as it happens, one JSON object
// per line in <sandbox>/timeline.jsonl, so that the order of what happened
// (and how long each step took) can be read afterwards, even after a crash.
//
//   {"mono_ms":1834,"time":"2026-11-26T10:02:11.123Z","event":"container_started","container_id":"3f2a..."}
//
// mono_ms counts steady-clock milliseconds since the executor opened the
// timeline (immune to clock steps); time is the wall clock, UTC. Each line
// is one write(2) on an O_APPEND descriptor: nothing is buffered in the
// process, so nothing recorded is lost when the process dies. Every string
// is scrubbed of known secrets. Writing is best-effort: the first failure is
// logged once, later records are dropped, the task never notices.
//
// One process-wide instance, like the default logger, so that the core,
// Sidecar's extension and the agent client's observer record without
// plumbing. Until Open() it records nothing (unit tests, no sandbox).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "base/deadline.h"
#include "executor/redactor.h"

namespace executor {

// The event names: stable, listed in the README, read by tests and by the
// post-mortem. A rename is a breaking change for whoever parses the file.
namespace timeline_event {
inline constexpr std::string_view kExecutorStarted = "executor_started";
inline constexpr std::string_view kExecutorExiting = "executor_exiting";
inline constexpr std::string_view kSubscribed = "subscribed";
inline constexpr std::string_view kAgentDisconnected = "agent_disconnected";
inline constexpr std::string_view kLaunchReceived = "launch_received";
inline constexpr std::string_view kStatusUpdate = "status_update";
inline constexpr std::string_view kUpdateSent = "update_sent";
inline constexpr std::string_view kUpdateAcknowledged = "update_acknowledged";
inline constexpr std::string_view kUpdateRejected = "update_rejected";
inline constexpr std::string_view kKillRequested = "kill_requested";
inline constexpr std::string_view kImagePresent = "image_present";
inline constexpr std::string_view kPullStarted = "pull_started";
inline constexpr std::string_view kPullProgress = "pull_progress";
inline constexpr std::string_view kPullFinished = "pull_finished";
inline constexpr std::string_view kContainerCreated = "container_created";
inline constexpr std::string_view kContainerStarted = "container_started";
inline constexpr std::string_view kHealthChecksStarted = "health_checks_started";
inline constexpr std::string_view kHealthChecksOff = "health_checks_off";
inline constexpr std::string_view kHealthObservation = "health_observation";
inline constexpr std::string_view kDrainRequested = "drain_requested";
inline constexpr std::string_view kDrainOutcome = "drain_outcome";
inline constexpr std::string_view kContainerStopping = "container_stopping";
inline constexpr std::string_view kContainerSigkill = "container_sigkill";
inline constexpr std::string_view kDockerEventsLost = "docker_events_lost";
inline constexpr std::string_view kContainerExited = "container_exited";
inline constexpr std::string_view kLogsCopied = "logs_copied";
inline constexpr std::string_view kPostmortemWritten = "postmortem_written";
inline constexpr std::string_view kContainerRemoved = "container_removed";
inline constexpr std::string_view kContainerKept = "container_kept";
// Docker's own container events are recorded as "docker_<action>":
// docker_kill, docker_oom, docker_die, docker_stop.
inline constexpr std::string_view kDockerEventPrefix = "docker_";
}  // namespace timeline_event

inline constexpr std::string_view kTimelineFile = "timeline.jsonl";

class Timeline {
 public:
  Timeline() = default;
  ~Timeline();
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;

  // Records from now on to `path`, created (or appended to) at the first
  // record; mono_ms counts from this call.
  void Open(std::string path);
  // Stops recording and closes the file.
  void Close();

  void Record(std::string_view event, boost::json::object fields = {});

  bool enabled() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

 private:
  bool EnsureOpen();
  void Fail(std::string_view what, int error);

  std::string path_;
  base::Clock::time_point start_{};
  int fd_ = -1;
  bool failed_ = false;
};

// The process-wide timeline.
Timeline& GlobalTimeline();

// Replaces known secrets in every string of `value`, at any depth.
void ScrubStrings(boost::json::value& value, const Redactor& redactor);

// The records of the timeline at `path` whose event is one of `events`,
// oldest first, at most the last `keep` of them. Lines that do not parse
// are skipped; an unreadable file gives none.
std::vector<boost::json::object> ReadTimelineRecords(const std::string& path,
                                                     std::initializer_list<std::string_view> events,
                                                     std::size_t keep);

}  // namespace executor
