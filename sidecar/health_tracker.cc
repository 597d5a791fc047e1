#include "sidecar/health_tracker.h"

#include <ctime>

#include "base/text_format.h"
#include "executor/go_duration.h"

namespace sidecar {

namespace {

using Kind = Observation::Kind;

// Readable spans: whole seconds from 10 s on, milliseconds below.
std::string Span(std::chrono::nanoseconds d) {
  if (d < std::chrono::nanoseconds(0)) d = std::chrono::nanoseconds(0);  // the wall clock stepped back
  if (d >= std::chrono::seconds(10)) return executor::FormatGoDuration(std::chrono::round<std::chrono::seconds>(d));
  return executor::FormatGoDuration(std::chrono::round<std::chrono::milliseconds>(d));
}

// Upstream's own log lines, so operators' greps keep working.
std::string FailOpenLogLine(Kind kind, const ServiceKey& key, const std::string& detail) {
  switch (kind) {
    case Kind::kUnreachable: return "Can't contact Sidecar! Assuming healthy... (" + detail + ")";
    case Kind::kUndecodable: return "Can't parse Sidecar results! Assuming healthy... (" + detail + ")";
    case Kind::kHostMissing:
      return "Host not found in Sidecar, can't manage this container! (" + key.host + ") Assuming healthy...";
    case Kind::kServiceMissing:
      return "Can't find this service in Sidecar yet! Assuming healthy... (service " + key.service_id +
             " on host " + key.host + ")";
    case Kind::kStatus: break;
  }
  return {};
}

std::string FailOpenCondition(Kind kind, const ServiceKey& key, const std::string& detail) {
  switch (kind) {
    case Kind::kUnreachable: return "Sidecar unreachable (" + detail + ")";
    case Kind::kUndecodable: return "Sidecar's state unreadable (" + detail + ")";
    case Kind::kHostMissing: return "Sidecar does not list host " + key.host;
    case Kind::kServiceMissing: return "Sidecar does not list service " + key.service_id + " on host " + key.host;
    case Kind::kStatus: break;
  }
  return {};
}

}  // namespace

Observation Observation::Of(const StateLookup& lookup) {
  Observation observation;
  switch (lookup.outcome) {
    case StateLookup::Outcome::kFound:
      observation.kind = Kind::kStatus;
      observation.status = lookup.status;
      break;
    case StateLookup::Outcome::kHostMissing: observation.kind = Kind::kHostMissing; break;
    case StateLookup::Outcome::kServiceMissing: observation.kind = Kind::kServiceMissing; break;
    case StateLookup::Outcome::kUndecodable:
      observation.kind = Kind::kUndecodable;
      observation.detail = lookup.error;
      break;
  }
  return observation;
}

Observation Observation::Unreachable(std::string why) {
  Observation observation;
  observation.kind = Kind::kUnreachable;
  observation.detail = std::move(why);
  return observation;
}

bool KillEligible(int64_t status) { return status == 1 || status == 2; }

HealthTracker::HealthTracker(ServiceKey key, int64_t max_fails) : key_(std::move(key)), max_fails_(max_fails) {}

std::string HealthTracker::Service() const { return "service " + key_.service_id + " on host " + key_.host; }

HealthVerdict HealthTracker::Observe(const Observation& observation, WallTime now) {
  HealthVerdict verdict;
  TrackFailOpen(observation, now, verdict);
  if (observation.kind == Kind::kStatus) {
    const int64_t status = observation.status;
    if (KillEligible(status)) {
      CountUnhealthy(status, now, verdict);
    } else {
      streak_ = 0;
      streak_tombstones_ = 0;
      // ALIVE and DRAINING affirm health; UNKNOWN (no check yet) and
      // unexpected values reset the count, as upstream, but affirm nothing.
      if (status == 0 || status == 4) {
        last_healthy_ = now;
        ReportHealth(true, status, verdict);
      }
    }
  }
  verdict.unhealthy_streak = streak_;
  return verdict;
}

void HealthTracker::CountUnhealthy(int64_t status, WallTime now, HealthVerdict& verdict) {
  if (streak_ == 0) streak_start_ = now;
  ++streak_;
  if (status == 1) ++streak_tombstones_;
  ReportHealth(false, status, verdict);
  // Upstream: a bad poll with the counter at MaxFails kills; below, counts.
  if (streak_ > max_fails_) {
    verdict.kill_evidence = KillEvidence(now);
    streak_ = 0;
    streak_tombstones_ = 0;
  }
}

void HealthTracker::ReportHealth(bool healthy, int64_t status, HealthVerdict& verdict) {
  if (reported_healthy_ == healthy) return;
  reported_healthy_ = healthy;
  verdict.healthy = healthy;
  verdict.health_message = "Sidecar reports " + Service() + " " + StatusName(status);
  if (!healthy) {
    verdict.health_message += " (" + std::to_string(streak_) + " of " + std::to_string(kill_threshold()) +
                              " consecutive unhealthy polls before the task is killed)";
  }
}

std::string HealthTracker::KillEvidence(WallTime now) const {
  const int64_t unhealthy = streak_ - streak_tombstones_;
  std::string counts;
  if (unhealthy > 0) counts += std::to_string(unhealthy) + " UNHEALTHY";
  if (streak_tombstones_ > 0) counts += (counts.empty() ? "" : ", ") + std::to_string(streak_tombstones_) + " TOMBSTONE";
  std::string evidence = "Sidecar reported " + Service() + " unhealthy in " + std::to_string(streak_) +
                         " consecutive polls (" + counts + ") over " + Span(now - streak_start_) + " since " +
                         base::FormatUtcSeconds(streak_start_) + ", the limit being EXECUTOR_SIDECAR_MAX_FAILS=" +
                         std::to_string(max_fails_) + " + 1; ";
  evidence += last_healthy_ ? "last healthy at " + base::FormatUtcSeconds(*last_healthy_) : std::string("never seen healthy");
  return evidence;
}

void HealthTracker::TrackFailOpen(const Observation& observation, WallTime now, HealthVerdict& verdict) {
  if (observation.kind == fail_open_) {
    fail_open_detail_ = observation.detail;  // same condition: the latest reason, no new log line
    return;
  }
  if (observation.kind == Kind::kStatus) {
    verdict.fail_open_change = "Sidecar lists " + Service() + " again (" + StatusName(observation.status) + ") after " +
                               Span(now - fail_open_since_) + " of: " +
                               FailOpenCondition(fail_open_, key_, fail_open_detail_);
  } else {
    verdict.fail_open_change = FailOpenLogLine(observation.kind, key_, observation.detail);
    verdict.fail_open_started = true;
  }
  fail_open_ = observation.kind;
  fail_open_detail_ = observation.detail;
  fail_open_since_ = now;
}

std::string HealthTracker::FailOpenNote() const {
  if (fail_open_ == Kind::kStatus) return {};
  return FailOpenCondition(fail_open_, key_, fail_open_detail_) + " since " + base::FormatUtcSeconds(fail_open_since_) +
         "; the task is assumed healthy";
}

}  // namespace sidecar
