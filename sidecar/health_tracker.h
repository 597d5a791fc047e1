// HealthTracker: what each poll of Sidecar means for the task, decided from
// plain facts (upstream-behavior.md §6.3-6.4). No I/O, no clock of its own.
//
// Counting is upstream's, kept exactly because production thresholds were
// tuned against it: statuses 1 TOMBSTONE and 2 UNHEALTHY are kill-eligible;
// the task is killed on the (SidecarMaxFails + 1)-th consecutive one
// (MaxFails 0: the first); any other status of a found service resets the
// count. Polls that tell nothing about the service (Sidecar unreachable, an
// undecodable answer, host or service not listed) neither count nor reset:
// the task is assumed healthy ("fail-open"), so a broken Sidecar can never
// kill a task.
//
// On top of upstream it reports what Mesos and the operator should see:
// health changes (first affirmed state, healthy <-> unhealthy), fail-open
// conditions once per change instead of once per poll, and the evidence
// behind a kill.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "sidecar/state_document.h"

namespace sidecar {

using WallTime = std::chrono::system_clock::time_point;

// One poll's outcome.
struct Observation {
  enum class Kind { kStatus, kUnreachable, kUndecodable, kHostMissing, kServiceMissing };
  Kind kind = Kind::kUnreachable;
  int64_t status = 0;  // kStatus
  std::string detail;  // kUnreachable, kUndecodable: why

  static Observation Of(const StateLookup& lookup);
  static Observation Unreachable(std::string why);
};

// 1 TOMBSTONE and 2 UNHEALTHY.
bool KillEligible(int64_t status);

struct HealthVerdict {
  // A change of health for Mesos (TASK_RUNNING with `healthy`), and its message.
  std::optional<bool> healthy;
  std::string health_message;
  // The fail-open condition changed: the line to log, and whether it is a
  // problem (warning) or the end of one.
  std::optional<std::string> fail_open_change;
  bool fail_open_started = false;
  // Consecutive kill-eligible polls so far (0 after a reset or a kill).
  int64_t unhealthy_streak = 0;
  // Set when the task must be killed: the evidence, for the terminal update.
  std::optional<std::string> kill_evidence;
};

class HealthTracker {
 public:
  HealthTracker(ServiceKey key, int64_t max_fails);

  HealthVerdict Observe(const Observation& observation, WallTime now);

  // The current fail-open condition, for the next status update; empty
  // while Sidecar answers about the service.
  std::string FailOpenNote() const;
  // How many consecutive kill-eligible polls kill the task.
  int64_t kill_threshold() const { return max_fails_ + 1; }

 private:
  void CountUnhealthy(int64_t status, WallTime now, HealthVerdict& verdict);
  void ReportHealth(bool healthy, int64_t status, HealthVerdict& verdict);
  void TrackFailOpen(const Observation& observation, WallTime now, HealthVerdict& verdict);
  std::string Service() const;
  std::string KillEvidence(WallTime now) const;

  ServiceKey key_;
  int64_t max_fails_;

  int64_t streak_ = 0;
  int64_t streak_tombstones_ = 0;
  WallTime streak_start_{};
  std::optional<WallTime> last_healthy_;
  std::optional<bool> reported_healthy_;

  Observation::Kind fail_open_ = Observation::Kind::kStatus;  // kStatus: none
  std::string fail_open_detail_;
  WallTime fail_open_since_{};
};

}  // namespace sidecar
