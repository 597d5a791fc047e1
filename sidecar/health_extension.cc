#include "sidecar/health_extension.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "executor/go_duration.h"
#include "executor/kill_policy.h"
#include "executor/timeline.h"

namespace sidecar {

namespace asio = boost::asio;
using executor::FormatGoDuration;
using executor::GlobalTimeline;
namespace timeline_event = executor::timeline_event;
using Fields = boost::json::object;

namespace {

ClientSettings ClientSettingsOf(const executor::Settings& settings) {
  return ClientSettings{settings.sidecar_url, settings.http_timeout, settings.sidecar_retry_count,
                        settings.sidecar_retry_delay};
}

std::string ShortId(const std::string& container_id) { return container_id.substr(0, 12); }

// Waits until the supervision is cancelled (the task is being stopped).
asio::awaitable<void> Idle() { co_await base::SleepUntil(base::kNoDeadline); }

std::string ObservationName(const Observation& observation) {
  switch (observation.kind) {
    case Observation::Kind::kStatus: return StatusName(observation.status);
    case Observation::Kind::kUnreachable: return "unreachable";
    case Observation::Kind::kUndecodable: return "undecodable";
    case Observation::Kind::kHostMissing: return "host_missing";
    case Observation::Kind::kServiceMissing: return "service_missing";
  }
  return "unknown";
}

int64_t Millis(std::chrono::nanoseconds d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

void RecordDrainSkipped(const std::string& why) {
  GlobalTimeline().Record(timeline_event::kDrainOutcome, Fields{{"outcome", "skipped"}, {"why", why}});
}

}  // namespace

base::Deadline DrainDeadline(base::Clock::time_point now, base::Deadline stop_deadline) {
  if (stop_deadline <= now) return now;
  return now + (stop_deadline - now) / 2;
}

HealthExtension::HealthExtension(const executor::Settings& settings, std::optional<std::string> task_host)
    : settings_(settings), task_host_(task_host.value_or("")), client_(Client::Create(ClientSettingsOf(settings))) {}

std::string HealthExtension::ChecksOffReason(const executor::RunningTask& task) const {
  if (!task.plan.sidecar_discover) return "its label SidecarDiscover is false";
  if (!client_.ok()) return client_.status().message();
  if (task_host_.empty()) {
    return "TASK_HOST is not set, and Sidecar lists services under that host name (the scheduler must set it)";
  }
  return {};
}

asio::awaitable<void> HealthExtension::Supervise(executor::TaskControl& control) {
  const executor::RunningTask& task = control.task();
  const std::string off = ChecksOffReason(task);
  if (!off.empty()) {
    // A problem to note for Mesos, unless the task itself asked for it (SidecarDiscover=false).
    GlobalTimeline().Record(timeline_event::kHealthChecksOff, Fields{{"why", off}});
    if (task.plan.sidecar_discover) {
      spdlog::warn("Sidecar health checks are off for this task: {}", off);
      checks_off_note_ = task_host_.empty() ? "Sidecar health checks off: TASK_HOST is not set"
                                            : "Sidecar health checks off: " + off;
    } else {
      spdlog::info("Sidecar health checks are off for this task: {}", off);
    }
    co_await Idle();
    co_return;
  }
  const ServiceKey key{task_host_, ShortId(task.container_id)};
  tracker_.emplace(key, settings_.sidecar_max_fails);
  reader_.emplace(key);
  spdlog::info("Checking service {} on host {} with Sidecar ({}) every {} after a backoff of {}; {} consecutive "
               "unhealthy polls kill the task",
               key.service_id, key.host, client_->state_url(), FormatGoDuration(settings_.sidecar_poll_interval),
               FormatGoDuration(settings_.sidecar_backoff), tracker_->kill_threshold());
  GlobalTimeline().Record(timeline_event::kHealthChecksStarted,
                          Fields{{"service_id", key.service_id},
                                 {"host", key.host},
                                 {"backoff_ms", Millis(settings_.sidecar_backoff)},
                                 {"interval_ms", Millis(settings_.sidecar_poll_interval)},
                                 {"threshold", tracker_->kill_threshold()}});
  const bool backed_off = co_await base::SleepUntil(base::After(settings_.sidecar_backoff));
  if (!backed_off) co_return;
  for (;;) {
    const base::Result<StateLookup> polled = co_await client_->Poll(*reader_);
    const bool cancelled = co_await base::Cancelled();
    if (cancelled) co_return;
    const Observation observation =
        polled.ok() ? Observation::Of(*polled) : Observation::Unreachable(polled.status().message());
    const HealthVerdict verdict = tracker_->Observe(observation, std::chrono::system_clock::now());
    Act(observation, verdict, control);
    if (verdict.kill_evidence) {
      co_await Idle();
      co_return;
    }
    const bool waited = co_await base::SleepUntil(base::After(settings_.sidecar_poll_interval));
    if (!waited) co_return;
  }
}

void HealthExtension::Act(const Observation& observation, const HealthVerdict& verdict,
                          executor::TaskControl& control) {
  if (verdict.fail_open_change) {
    if (verdict.fail_open_started) {
      spdlog::warn("{}", *verdict.fail_open_change);
    } else {
      spdlog::info("{}", *verdict.fail_open_change);
    }
  }
  if (verdict.healthy) control.ReportHealth(*verdict.healthy, verdict.health_message);
  const bool counted = observation.kind == Observation::Kind::kStatus && KillEligible(observation.status);
  RecordObservation(observation, verdict, counted);
  if (counted && !verdict.kill_evidence) {
    spdlog::warn("Failed Sidecar health check, but below fail limit ({} of {})", verdict.unhealthy_streak,
                 tracker_->kill_threshold());
  }
  if (verdict.kill_evidence) {
    spdlog::error("Health failure count exceeded {}: {}", settings_.sidecar_max_fails, *verdict.kill_evidence);
    const auto grace = executor::KillGrace(std::nullopt, control.task().plan.kill_grace,
                                           std::chrono::seconds(settings_.kill_task_timeout_seconds));
    control.RequestKill(executor::KillRequest{executor::KillCause::kHealthCheck, grace, *verdict.kill_evidence});
  }
}

void HealthExtension::RecordObservation(const Observation& observation, const HealthVerdict& verdict,
                                        bool counted) {
  // The kill resets the tracker's count; the observation that killed is the threshold's.
  const int64_t streak = verdict.kill_evidence ? tracker_->kill_threshold() : verdict.unhealthy_streak;
  const bool changed = verdict.healthy || verdict.fail_open_change || counted || streak != recorded_streak_;
  recorded_streak_ = verdict.kill_evidence ? 0 : streak;
  if (!changed) return;  // a poll that confirms what is known
  Fields fields{
      {"status", ObservationName(observation)}, {"streak", streak}, {"threshold", tracker_->kill_threshold()}};
  if (verdict.healthy) fields["healthy"] = *verdict.healthy;
  if (!observation.detail.empty()) fields["detail"] = observation.detail;
  if (verdict.fail_open_change) fields["fail_open"] = *verdict.fail_open_change;
  if (verdict.kill_evidence) fields["kill"] = *verdict.kill_evidence;
  GlobalTimeline().Record(timeline_event::kHealthObservation, std::move(fields));
}

asio::awaitable<void> HealthExtension::BeforeStop(const executor::RunningTask& task, const executor::KillRequest&,
                                                  base::Deadline deadline) {
  if (!task.plan.sidecar_discover) {
    RecordDrainSkipped("its label SidecarDiscover is false");
    co_return;  // Sidecar does not list it
  }
  if (settings_.sidecar_draining_duration <= std::chrono::nanoseconds(0)) {
    spdlog::info("Not draining in Sidecar: EXECUTOR_SIDECAR_DRAINING_DURATION is 0");
    RecordDrainSkipped("EXECUTOR_SIDECAR_DRAINING_DURATION is 0");
    co_return;
  }
  if (!client_.ok()) {
    spdlog::warn("Not draining in Sidecar: {}", client_.status().message());
    RecordDrainSkipped(client_.status().message());
    co_return;
  }
  const base::Clock::time_point start = base::Clock::now();
  const base::Deadline budget = DrainDeadline(start, deadline);
  const std::string id = ShortId(task.container_id);
  spdlog::warn("Setting service ID \"{}\" status to DRAINING in Sidecar ({} of the kill's {} for draining)", id,
               FormatGoDuration(std::chrono::round<std::chrono::milliseconds>(budget - start)),
               FormatGoDuration(std::chrono::round<std::chrono::milliseconds>(deadline - start)));
  GlobalTimeline().Record(timeline_event::kDrainRequested,
                          Fields{{"service_id", id}, {"budget_ms", Millis(budget - start)}});
  const base::Status drained = co_await client_->Drain(id, budget);
  if (!drained.ok()) {
    spdlog::warn("Could not set service {} DRAINING in Sidecar, stopping it without the drain wait: {}", id,
                 drained.message());
    GlobalTimeline().Record(timeline_event::kDrainOutcome, Fields{{"outcome", "failed"}, {"error", drained.message()}});
    co_return;
  }
  const base::Deadline wanted = base::After(settings_.sidecar_draining_duration);
  const base::Deadline until = std::min(wanted, budget);
  const int64_t wait_ms = std::max<int64_t>(Millis(until - base::Clock::now()), 0);
  GlobalTimeline().Record(timeline_event::kDrainOutcome, Fields{{"outcome", "drained"}, {"wait_ms", wait_ms}});
  if (until < wanted) {
    spdlog::warn("Draining for {} instead of EXECUTOR_SIDECAR_DRAINING_DURATION={}: the kill allows {} and the "
                 "container keeps half of it for its own stop",
                 FormatGoDuration(std::chrono::round<std::chrono::milliseconds>(until - base::Clock::now())),
                 FormatGoDuration(settings_.sidecar_draining_duration),
                 FormatGoDuration(std::chrono::round<std::chrono::milliseconds>(deadline - start)));
  } else {
    spdlog::info("Service {} is DRAINING in Sidecar; waiting {} before stopping it", id,
                 FormatGoDuration(settings_.sidecar_draining_duration));
  }
  co_await base::SleepUntil(until);
}

std::string HealthExtension::StatusNote() const {
  if (tracker_) return tracker_->FailOpenNote();
  return checks_off_note_;
}

}  // namespace sidecar
