// HealthExtension: ties the task's life to Sidecar's view of its health.
//
//   Supervise   after RUNNING, wait EXECUTOR_SIDECAR_BACKOFF, then poll every
//               EXECUTOR_SIDECAR_POLL_INTERVAL (one timer wait per interval,
//               nothing in between); report health changes to Mesos; on the
//               HealthTracker's kill decision ask for a kill (TASK_FAILED,
//               healthy=false, the evidence as the message).
//   BeforeStop  on every way out (KILL, SHUTDOWN, signals, the health kill):
//               set the service DRAINING in Sidecar, then wait
//               EXECUTOR_SIDECAR_DRAINING_DURATION, all within half of the
//               time the kill allows, so the container keeps the other half
//               for its own stop. A failed drain ends the wait at once.
//   StatusNote  the current fail-open condition, or why checks are off.
//
// The timeline gets every poll that changed something (health, a fail-open
// condition, the unhealthy count) and the drain's request and outcome; the
// post-mortem reads them back from there.
//
// Off for a task whose SidecarDiscover label parses as false (no polls, no
// drain, as upstream). Health checks also need TASK_HOST, Sidecar's name for
// this host: without it they are off (upstream polled in vain), draining is
// not, since it needs only the container id.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "executor/settings.h"
#include "executor/task_extension.h"
#include "sidecar/client.h"
#include "sidecar/health_tracker.h"
#include "sidecar/state_document.h"

namespace sidecar {

// The part of a stop's deadline the drain may use: half of what is left.
base::Deadline DrainDeadline(base::Clock::time_point now, base::Deadline stop_deadline);

class HealthExtension : public executor::TaskExtension {
 public:
  // `task_host`: the executor's TASK_HOST, if set.
  HealthExtension(const executor::Settings& settings, std::optional<std::string> task_host);

  boost::asio::awaitable<void> Supervise(executor::TaskControl& control) override;
  boost::asio::awaitable<void> BeforeStop(const executor::RunningTask& task, const executor::KillRequest& kill,
                                          base::Deadline deadline) override;
  std::string StatusNote() const override;

 private:
  // Why health checks cannot run for `task`; empty when they can.
  std::string ChecksOffReason(const executor::RunningTask& task) const;
  void Act(const Observation& observation, const HealthVerdict& verdict, executor::TaskControl& control);
  // To the timeline, when the poll changed something (health, fail-open, the count).
  void RecordObservation(const Observation& observation, const HealthVerdict& verdict, bool counted);

  executor::Settings settings_;
  std::string task_host_;
  base::Result<Client> client_;
  std::optional<HealthTracker> tracker_;
  std::optional<StateDocumentReader> reader_;
  std::string checks_off_note_;
  int64_t recorded_streak_ = 0;
};

}  // namespace sidecar
