// TaskRunner: one Mesos task as one Docker container, from LAUNCH to the
// terminal update (the role of the Mesos docker executor's main class).
//
//   STARTING -> pull/create/watch/start -> RUNNING -> exit -> terminal update
//
// A kill may arrive at any point: during the launch it aborts the launch
// and removes whatever was created; once running it stops the container
// with the grace the kill allows. Exits are seen through Docker's wait
// endpoint as they happen. Decisions (mapping, grace, outcome, who stopped
// the container) are pure functions elsewhere; this class only sequences
// the I/O. Every step goes to the timeline (timeline.h); a task that does
// not finish leaves a post-mortem (postmortem.h).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "base/async_event.h"
#include "docker/client.h"
#include "executor/container_mapping.h"
#include "executor/postmortem.h"
#include "executor/settings.h"
#include "executor/stop_attribution.h"
#include "executor/task_extension.h"
#include "executor/task_outcome.h"
#include "mesos/messages.h"

namespace executor {

// What the runner needs to know about its surroundings.
struct LaunchContext {
  MappingInputs mapping;
  bool task_killing_capability = false;  // the framework understands TASK_KILLING
  std::string configuration_error;       // non-empty: settings are unusable, fail the task
  std::string sandbox;                   // where the post-mortem goes; empty: nowhere
};

class TaskRunner : private TaskControl {
 public:
  // Sends a status update; returns its uuid.
  using UpdateSink = std::function<std::string(const mesos::TaskStatus&)>;

  struct Finished {
    mesos::TaskStatus status;  // the terminal status that was sent
    std::string update_uuid;
  };

  TaskRunner(boost::asio::any_io_executor executor, docker::Client& docker, const Settings& settings,
             UpdateSink send_update, std::vector<std::unique_ptr<TaskExtension>> extensions = {});

  // Runs the task to its end and sends its terminal update (exactly one).
  boost::asio::awaitable<Finished> Run(const mesos::Launch& launch, const LaunchContext& context);

  // Asks the task to stop. Valid in every phase; a later request may only
  // shorten the grace of an earlier one.
  void RequestKill(KillRequest request) override;

  // After Run(): when the task did not finish successfully, copies the
  // container's recent logs to our stdout/stderr and writes the post-mortem
  // to the sandbox; then removes the container (unless
  // EXECUTOR_REMOVE_CONTAINER=false).
  boost::asio::awaitable<void> CleanUp(const mesos::TaskStatus& terminal);

  // For exits that cannot report anything (agent lost, self-destruct):
  // stops the container within `grace` and removes it. Works from any
  // state, including a cancelled Run().
  boost::asio::awaitable<void> StopAndRemove(std::chrono::nanoseconds grace);

  // For a task cut short before its own terminal update (the agent's
  // shutdown grace period ran out mid-stop): sends that update now. Returns
  // its uuid; empty when a terminal update was sent already or no task ran.
  std::string FinishCutShort(const std::string& why);

  // Lets every extension release what it holds (leases, tokens). Called on
  // every way out; runs each extension's Release() once.
  boost::asio::awaitable<void> Release();

  // TaskInfo.kill_policy's grace, once the task is mapped.
  std::optional<std::chrono::nanoseconds> task_kill_grace() const { return task_kill_grace_; }
  bool launched() const { return launched_; }
  const std::optional<KillRequest>& kill_request() const { return kill_; }

 private:
  struct Container {
    std::string id;
    docker::ExitWaiter waiter;
  };

  boost::asio::awaitable<base::Result<Container>> LaunchContainer(ContainerPlan& plan, const LaunchContext& context);
  boost::asio::awaitable<base::Status> EnsureImage(const ContainerPlan& plan, const std::string& registry_auth);
  boost::asio::awaitable<ContainerExit> Supervise(Container& container);
  boost::asio::awaitable<ContainerExit> SuperviseUntilExit(Container& container);
  boost::asio::awaitable<ContainerExit> WatchExit(Container& container);
  // Follows Docker's events about the container (for the timeline and the
  // post-mortem's "who stopped it"); ends only when cancelled.
  boost::asio::awaitable<void> FollowDockerEvents(std::string container_id);
  void OnDockerEvent(const docker::ContainerEvent& event);
  void AddDockerEvent(ObservedDockerEvent event);
  boost::asio::awaitable<void> WaitForDieEvent();
  void NoteOurStop(std::string_view step, boost::json::object fields);
  boost::asio::awaitable<void> EnforceKills(const std::string& container_id);
  boost::asio::awaitable<void> SuperviseExtensions();
  boost::asio::awaitable<void> SuperviseAll(std::size_t first);
  boost::asio::awaitable<void> BeforeStop(const KillRequest& kill, base::Deadline deadline);

  // TaskControl, for the extensions.
  const RunningTask& task() const override { return *running_; }
  void ReportHealth(bool healthy, const std::string& message) override;
  // Returns once a kill request newer than generation `seen` exists.
  boost::asio::awaitable<void> WaitForKillChange(uint64_t seen);
  void LogContainerConfig(const ContainerPlan& plan) const;
  boost::asio::awaitable<void> RemoveContainer(const std::string& name_or_id);
  // Copies the recent logs, keeping their tail; returns the container's final state.
  boost::asio::awaitable<std::optional<docker::ContainerState>> CopyLogs(OutputTail& tail);
  void WritePostmortem(const mesos::TaskStatus& terminal, const std::optional<docker::ContainerState>& state,
                       const OutputTail& tail) const;
  std::string Send(mesos::TaskStatus status);
  Finished Finish(mesos::TaskStatus status);
  std::string Notes() const;

  docker::Client& docker_;
  const Settings& settings_;
  UpdateSink send_update_;

  std::string task_id_;
  const mesos::Launch* launch_ = nullptr;  // valid during Run()
  std::string container_name_;
  std::string container_id_;
  bool launched_ = false;
  bool finished_ = false;  // the terminal update was sent
  bool task_killing_capability_ = false;
  std::optional<std::chrono::nanoseconds> task_kill_grace_;

  std::vector<std::unique_ptr<TaskExtension>> extensions_;
  bool released_ = false;
  std::optional<ContainerPlan> plan_;
  std::optional<RunningTask> running_;

  std::string sandbox_;
  std::optional<ContainerExit> exit_;
  // The container's kill/oom/die/stop events and the breaks of their
  // stream, as received (the latest kMaxDockerEvents).
  std::deque<ObservedDockerEvent> docker_events_;
  // Where a (re)followed stream starts: the create, then just after the
  // last event seen. Earlier events are not the container's or seen already.
  int64_t docker_events_since_nano_ = 0;
  bool docker_events_broken_ = false;  // lost, and no event since
  bool die_seen_ = false;
  bool stop_sent_ = false;  // we sent the container a stop or a kill
  base::AsyncEvent docker_event_seen_;

  std::optional<KillRequest> kill_;
  uint64_t kill_generation_ = 0;  // > 0 once kill_ is set; bumped by every change to it
  base::AsyncEvent kill_changed_;
};

}  // namespace executor
