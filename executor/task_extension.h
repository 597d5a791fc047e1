// TaskExtension: what a feature (Sidecar health, Vault secrets, registry
// credentials, AWS leases) adds to a task's life, without TaskRunner knowing
// the feature.
//
// TaskRunner calls every extension at fixed points:
//
//   PrepareLaunch      before the image pull: registry credentials, extra
//                      environment (SIDECAR_SEEDS, AWS credentials)
//   FinishEnvironment  on the container's final environment, before create
//                      (vault:// values are resolved here)
//   Supervise          while the container runs; may report health and ask
//                      for the task to be killed; ends only when cancelled
//   BeforeStop         before the container is stopped, whatever the cause
//                      (drain in Sidecar), within the given deadline
//   Release            on every way out, once (revoke leases and tokens)
//
// A failure in PrepareLaunch or FinishEnvironment fails the launch with
// REASON_CONTAINER_LAUNCH_FAILED and the Status message; nothing is created.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "base/status.h"
#include "executor/container_mapping.h"
#include "executor/task_outcome.h"
#include "base/deadline.h"

namespace executor {

struct LaunchPreparation {
  const ContainerPlan& plan;  // as mapped from the TaskInfo, before extra environment
  std::string registry_auth = "e30=";  // X-Registry-Auth of the pull; "{}" = anonymous
  // NAME=value entries for upstream's step 3 of the environment order
  // (after the `env` parameters): SIDECAR_SEEDS, then AWS credentials.
  std::vector<std::string> extra_env;
};

// A running task, as extensions see it.
struct RunningTask {
  std::string task_id;
  std::string container_id;  // full 64-character Docker id
  const ContainerPlan& plan;
};

// What an extension may do to the task while it runs.
class TaskControl {
 public:
  virtual ~TaskControl() = default;
  virtual const RunningTask& task() const = 0;
  // Sends TASK_RUNNING with `healthy` and REASON_TASK_HEALTH_CHECK_STATUS_UPDATED.
  virtual void ReportHealth(bool healthy, const std::string& message) = 0;
  virtual void RequestKill(KillRequest request) = 0;
};

class TaskExtension {
 public:
  virtual ~TaskExtension() = default;

  virtual boost::asio::awaitable<base::Status> PrepareLaunch(LaunchPreparation& preparation);
  virtual boost::asio::awaitable<base::Status> FinishEnvironment(std::vector<std::string>& env);
  virtual boost::asio::awaitable<void> Supervise(TaskControl& control);
  virtual boost::asio::awaitable<void> BeforeStop(const RunningTask& task, const KillRequest& kill,
                                                  base::Deadline deadline);
  virtual boost::asio::awaitable<void> Release();

  // A condition worth telling the scheduler in the next status update
  // ("Sidecar unreachable since ..."); empty when there is none.
  virtual std::string StatusNote() const { return {}; }
};

}  // namespace executor
