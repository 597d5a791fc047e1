#include "executor/task_runner.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "docker/create_request.h"
#include "executor/go_duration.h"
#include "executor/kill_policy.h"
#include "executor/logging.h"
#include "executor/process_title.h"
#include "executor/redactor.h"
#include "executor/resident_memory.h"
#include "executor/timeline.h"
#include "base/deadline.h"

namespace executor {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using mesos::TaskState;
using mesos::TaskStatus;

namespace {

// A wait on the container broke (dockerd restarted, socket gone): how long
// we keep trying to find out what became of the container.
constexpr auto kReattachLimit = 2min;
// Docker unreachable when the container is to be removed: how long the
// removal is retried (a daemon restart takes seconds).
constexpr auto kRemoveRetryLimit = 30s;
// A stop or kill that did not take: when to insist with SIGKILL.
constexpr auto kKillRetryInterval = 10s;
// How long after the start the executor counts as settled: the RUNNING
// update has long been acknowledged by then.
constexpr auto kSettleTime = 2s;
// Docker answers the wait before it publishes the die event, and the
// post-mortem needs that event and what came before it. Milliseconds
// apart in practice.
constexpr auto kDieEventWait = 2s;
// A broken event stream is followed again after this, doubling up to 5 s.
constexpr auto kEventsRetryDelay = 500ms;
// The container's kill/oom/die/stop events kept for the post-mortem; an
// outside process that keeps signalling the container cannot grow them.
constexpr std::size_t kMaxDockerEvents = 32;

using Fields = boost::json::object;

int64_t UnixNanos(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
}

int64_t Millis(std::chrono::nanoseconds d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

std::string ShortId(const std::string& id) { return id.substr(0, 12); }

std::string JoinNotes(const std::string& first, const std::string& second) {
  return first.empty() ? second : first + "; " + second;
}

std::string Seconds(std::chrono::nanoseconds d) {
  return fmt::format("{:.3g}s", std::chrono::duration<double>(d).count());
}

}  // namespace

TaskRunner::TaskRunner(asio::any_io_executor executor, docker::Client& docker, const Settings& settings,
                       UpdateSink send_update, std::vector<std::unique_ptr<TaskExtension>> extensions)
    : docker_(docker),
      settings_(settings),
      send_update_(std::move(send_update)),
      extensions_(std::move(extensions)),
      docker_event_seen_(executor),
      kill_changed_(executor) {}

std::string TaskRunner::Send(TaskStatus status) {
  // Messages carry Docker's and Vault's words; no secret may ride along.
  status.message = GlobalRedactor().Scrub(status.message);
  spdlog::info("Sending {} for task {}{}{}", mesos::TaskStateName(status.state), status.task_id,
               status.reason == mesos::Reason::kNone ? "" : std::string(" (") + mesos::ReasonName(status.reason) + ")",
               status.message.empty() ? "" : ": " + status.message);
  return send_update_(status);
}

std::string TaskRunner::Notes() const {
  std::string notes;
  for (const auto& extension : extensions_) {
    const std::string note = extension->StatusNote();
    if (note.empty()) continue;
    notes += notes.empty() ? "" : "; ";
    notes += note;
  }
  return notes;
}

void TaskRunner::ReportHealth(bool healthy, const std::string& message) {
  if (kill_) return;  // no health updates once a kill started (as the Mesos executors)
  TaskStatus status{task_id_, TaskState::kRunning, mesos::Reason::kTaskHealthCheckStatusUpdated, message, healthy};
  Send(status);
}

TaskRunner::Finished TaskRunner::Finish(TaskStatus status) {
  if (const std::string notes = Notes(); !notes.empty()) status.message += " [" + notes + "]";
  std::string uuid = Send(status);
  finished_ = true;
  return Finished{std::move(status), std::move(uuid)};
}

std::string TaskRunner::FinishCutShort(const std::string& why) {
  if (finished_ || task_id_.empty()) return "";
  TaskStatus status{task_id_, TaskState::kFailed, mesos::Reason::kNone, why};
  if (kill_) {
    status.state = TerminalStateFor(kill_->cause);
    status.message = (status.state == TaskState::kKilled ? "Task killed after " : "Task stopped after ") +
                     DescribeKill(*kill_) + "; " + why;
  }
  return Finish(std::move(status)).update_uuid;
}

void TaskRunner::RequestKill(KillRequest request) {
  Fields recorded = DescribeKillRequest(request);
  recorded["effect"] = !kill_ ? "stop" : request.grace < kill_->grace ? "shorter_grace" : "none";
  GlobalTimeline().Record(timeline_event::kKillRequested, std::move(recorded));
  if (kill_ && request.grace >= kill_->grace) {
    spdlog::info("Already stopping the task after {}; {} changes nothing", DescribeKill(*kill_),
                 DescribeKill(request));
    return;
  }
  if (kill_) {
    spdlog::info("{} shortens the grace period to {}", DescribeKill(request), Seconds(request.grace));
    kill_->grace = request.grace;  // the first cause stays the reported one
  } else {
    spdlog::info("Stopping the task after {} (grace {})", DescribeKill(request), Seconds(request.grace));
    kill_ = std::move(request);
  }
  ++kill_generation_;
  kill_changed_.Notify();
}

asio::awaitable<void> TaskRunner::WaitForKillChange(uint64_t seen) {
  while (kill_generation_ == seen) {
    co_await kill_changed_.Wait();
    const bool cancelled = co_await base::Cancelled();
    if (cancelled) co_return;
  }
}

asio::awaitable<TaskRunner::Finished> TaskRunner::Run(const mesos::Launch& launch, const LaunchContext& context) {
  task_id_ = launch.task_id;
  SetLogContext(task_id_, "");
  launch_ = &launch;
  task_killing_capability_ = context.task_killing_capability;
  sandbox_ = context.sandbox;
  spdlog::info("Task ID {}", task_id_);
  Send(TaskStatus{task_id_, TaskState::kStarting, mesos::Reason::kNone, "Preparing the container"});

  if (!context.configuration_error.empty()) {
    co_return Finish(StatusForInvalidTask(task_id_, "Executor configuration is invalid: " + context.configuration_error));
  }
  base::Result<ContainerPlan> plan = MapTaskToContainer(launch.task, context.mapping);
  if (!plan.ok()) {
    co_return Finish(StatusForInvalidTask(task_id_, "Cannot run this TaskInfo: " + plan.status().message()));
  }
  for (const std::string& warning : plan->warnings) spdlog::warn("{}", warning);
  plan_ = std::move(plan).value();
  container_name_ = plan_->config.name;
  task_kill_grace_ = plan_->kill_grace;

  if (kill_) co_return Finish(StatusForKillBeforeStart(task_id_, *kill_));
  auto launched = co_await (LaunchContainer(*plan_, context) || WaitForKillChange(0));
  if (launched.index() == 1) {
    spdlog::info("Aborting the launch of {}", container_name_);
    co_await RemoveContainer(container_name_);
    co_return Finish(StatusForKillBeforeStart(task_id_, *kill_));
  }
  base::Result<Container>& container = std::get<0>(launched);
  if (!container.ok()) {
    if (!container_id_.empty()) {
      co_await RemoveContainer(container_id_);
    }
    co_return Finish(TaskStatus{task_id_, TaskState::kFailed, mesos::Reason::kContainerLaunchFailed,
                                container.status().message()});
  }
  launched_ = true;
  running_.emplace(RunningTask{task_id_, container->id, *plan_});
  SetProcessTitle(UpstreamTitle(container->id, plan_->config.image));
  Send(TaskStatus{task_id_, TaskState::kRunning, mesos::Reason::kNone,
                  "Container " + ShortId(container->id) + " started"});

  const ContainerExit exit = co_await Supervise(*container);
  co_return Finish(StatusForExit(task_id_, exit, kill_));
}

void TaskRunner::LogContainerConfig(const ContainerPlan& plan) const {
  const docker::ContainerConfig& c = plan.config;
  if (spdlog::should_log(spdlog::level::debug)) {
    // Upstream's Debug dump; the environment's secrets are known to the redactor by now.
    spdlog::debug("TaskInfo {}", boost::json::serialize(launch_->task));
    spdlog::debug("Docker container config {}", boost::json::serialize(docker::CreateRequestBody(c)));
  }
  spdlog::info("Container {} from image {}, network {}, command {}", c.name, c.image, c.network_mode,
               c.cmd ? fmt::format("'{}'", fmt::join(*c.cmd, " ")) : "(image default)");
  if (c.env.empty()) {
    spdlog::info("No Docker environment provided");
  } else {
    spdlog::info("Docker Environment --------------------");
    for (const std::string& entry : c.env) spdlog::info(" * {}", GlobalRedactor().MaskEntry(entry));
    spdlog::info("---------------------------------------");
  }
  for (const auto& [key, value] : c.labels) spdlog::debug("Label {}={}", key, value);
  for (const std::string& bind : c.binds) spdlog::info("Bind {}", bind);
  for (const docker::PortBinding& port : c.port_bindings) {
    spdlog::info("Port {} -> host {}", port.container_port_proto, port.host_port);
  }
  if (c.memory_bytes) spdlog::info("Memory limit set to {} bytes", *c.memory_bytes);
  if (c.cpu_quota_us) spdlog::info("CPU quota {}us per {}us", *c.cpu_quota_us, c.cpu_period_us.value_or(0));
  if (c.cpu_shares) spdlog::info("CPU shares {}", *c.cpu_shares);
}

asio::awaitable<base::Status> TaskRunner::EnsureImage(const ContainerPlan& plan, const std::string& registry_auth) {
  const std::string& image = plan.config.image;
  const std::string failed = "Failed to pull image " + image;
  base::Result<docker::ImageReference> reference = docker::ParseImageReference(image);
  if (!reference.ok()) co_return reference.status().Wrap("image '" + image + "'").Wrap(failed);
  if (!plan.force_pull) {
    base::Result<docker::ImageInfo> present = co_await docker_.InspectImage(image);
    if (present.ok()) {
      spdlog::info("Image {} is present ({})", image, present->id.substr(0, 19));
      GlobalTimeline().Record(timeline_event::kImagePresent, Fields{{"image", image}, {"image_id", present->id}});
      co_return base::Status::Ok();
    }
    if (present.status().code() != base::StatusCode::kNotFound) co_return present.status().Wrap(failed);
    spdlog::info("Pulling Docker image '{}' (not present locally)", image);
  } else {
    spdlog::info("Pulling Docker image '{}' (force_pull_image is set)", image);
  }
  GlobalTimeline().Record(timeline_event::kPullStarted,
                          Fields{{"image", image}, {"why", plan.force_pull ? "force_pull_image" : "not_present"}});
  auto progress = [&](const docker::PullProgress& p) {
    spdlog::info("Pull {}: {}{}", image, p.id.empty() ? "" : p.id + " ", p.status);
    GlobalTimeline().Record(timeline_event::kPullProgress, Fields{{"layer", p.id}, {"status", p.status}});
  };
  const base::Clock::time_point pull_start = base::Clock::now();
  base::Status pulled =
      co_await docker_.PullWithRetry(*reference, registry_auth, progress, settings_.pull_stall_timeout);
  Fields outcome{{"image", image}, {"ok", pulled.ok()}, {"duration_ms", Millis(base::Clock::now() - pull_start)}};
  if (!pulled.ok()) outcome["error"] = pulled.message();
  GlobalTimeline().Record(timeline_event::kPullFinished, std::move(outcome));
  if (pulled.ok()) {
    spdlog::info("Pulled {}", image);
    co_return pulled;
  }
  // The client's message names the step already: "pull image <reference>: ...".
  co_return base::Status::Error(pulled.code(), "Failed to " + pulled.message());
}

asio::awaitable<base::Result<TaskRunner::Container>> TaskRunner::LaunchContainer(ContainerPlan& plan,
                                                                                  const LaunchContext& context) {
  LaunchPreparation preparation{plan};
  for (const auto& extension : extensions_) {
    const base::Status prepared = co_await extension->PrepareLaunch(preparation);
    if (!prepared.ok()) co_return prepared.Wrap("Failed to prepare the launch");
  }
  if (!preparation.extra_env.empty()) {
    // Mapped again so the extra entries take their place in upstream's order.
    MappingInputs inputs = context.mapping;
    inputs.extra_env = preparation.extra_env;
    base::Result<ContainerPlan> remapped = MapTaskToContainer(launch_->task, inputs);
    if (!remapped.ok()) co_return remapped.status().Wrap("Failed to prepare the launch");
    plan = std::move(remapped).value();
  }
  GlobalRedactor().AddSecretsFromEnvironment(plan.config.env);
  LogContainerConfig(plan);
  for (const auto& extension : extensions_) {
    const base::Status finished = co_await extension->FinishEnvironment(plan.config.env);
    if (!finished.ok()) co_return finished.Wrap("Failed to prepare the container environment");
  }
  const base::Status image = co_await EnsureImage(plan, preparation.registry_auth);
  if (!image.ok()) co_return image;
  docker_events_since_nano_ = UnixNanos(std::chrono::system_clock::now());
  // Docker completes a create it has received even when the client hangs
  // up, possibly after an abort's removal by name has found nothing: so a
  // kill waits for the create (bounded by the Docker timeout), and the
  // abort then removes what it made.
  co_await asio::this_coro::reset_cancellation_state(asio::disable_cancellation());
  base::Result<std::string> id = co_await docker_.Create(plan.config);
  if (!id.ok() && id.status().code() == base::StatusCode::kConflict) {
    // The name is derived from the task id: an earlier run of the same task
    // left its container. It cannot be ours to keep.
    spdlog::warn("A container named {} already exists; removing it before creating ours", container_name_);
    co_await RemoveContainer(container_name_);
    id = co_await docker_.Create(plan.config);
  }
  co_await asio::this_coro::reset_cancellation_state();
  if (kill_) co_return base::Status::Cancelled("the launch was aborted");
  if (!id.ok()) co_return id.status().Wrap("Failed to create the container");
  container_id_ = *id;
  SetLogContext(task_id_, container_id_);
  spdlog::info("Created container {} ({})", ShortId(container_id_), container_name_);
  GlobalTimeline().Record(timeline_event::kContainerCreated,
                          Fields{{"container_id", container_id_}, {"name", container_name_}});

  // Registered before the start, so no exit can slip past unseen.
  base::Result<docker::ExitWaiter> waiter = co_await docker_.WaitForExit(container_id_);
  if (!waiter.ok()) co_return waiter.status().Wrap("Failed to watch the container");
  const base::Status started = co_await docker_.Start(container_id_);
  if (!started.ok()) co_return started.Wrap("Failed to start the container");
  spdlog::info("Starting container with ID {}", ShortId(container_id_));
  GlobalTimeline().Record(timeline_event::kContainerStarted, Fields{{"container_id", container_id_}});
  co_return Container{container_id_, std::move(waiter).value()};
}

asio::awaitable<ContainerExit> TaskRunner::Supervise(Container& container) {
  auto ended = co_await (SuperviseUntilExit(container) || FollowDockerEvents(container.id));
  co_return std::get<0>(ended);
}

asio::awaitable<ContainerExit> TaskRunner::SuperviseUntilExit(Container& container) {
  auto ended = co_await (WatchExit(container) || EnforceKills(container.id) || SuperviseExtensions());
  const ContainerExit exit = std::get<0>(ended);
  exit_ = exit;
  if (StatusForExit(task_id_, exit, kill_).state != TaskState::kFinished) {
    co_await base::WithDeadline(WaitForDieEvent(), base::After(kDieEventWait));
  }
  // After the die event, so that the timeline reads in cause-and-effect order.
  Fields exited{{"exit_code", exit.exit_code}, {"oom_killed", exit.oom_killed}};
  if (!exit.docker_error.empty()) exited["error"] = exit.docker_error;
  if (exit.lost) exited["lost"] = true;
  GlobalTimeline().Record(timeline_event::kContainerExited, std::move(exited));
  co_return exit;
}

asio::awaitable<void> TaskRunner::FollowDockerEvents(std::string container_id) {
  const docker::ContainerEventHandler handler = [this](const docker::ContainerEvent& event) { OnDockerEvent(event); };
  std::chrono::milliseconds retry_delay = kEventsRetryDelay;
  for (;;) {
    const base::Status ended = co_await docker_.Events(container_id, docker_events_since_nano_, handler);
    const bool cancelled = co_await base::Cancelled();
    if (cancelled) co_return;
    if (!docker_events_broken_) {
      // Once per break, however often following again fails.
      spdlog::warn("Lost Docker's event stream for container {}: {}", ShortId(container_id), ended.message());
      GlobalTimeline().Record(timeline_event::kDockerEventsLost, Fields{{"error", ended.message()}});
      AddDockerEvent(ObservedDockerEvent{std::string(kStreamLost), std::nullopt, std::nullopt,
                                         UnixNanos(std::chrono::system_clock::now()), stop_sent_});
      docker_events_broken_ = true;
      retry_delay = kEventsRetryDelay;
    }
    const bool slept = co_await base::SleepUntil(base::After(retry_delay));
    if (!slept) co_return;
    retry_delay = std::min<std::chrono::milliseconds>(retry_delay * 2, 5s);
  }
}

void TaskRunner::AddDockerEvent(ObservedDockerEvent event) {
  if (event.action == "die") die_seen_ = true;
  docker_events_.push_back(std::move(event));
  if (docker_events_.size() > kMaxDockerEvents) docker_events_.pop_front();
  docker_event_seen_.Notify();
}

void TaskRunner::OnDockerEvent(const docker::ContainerEvent& event) {
  docker_events_broken_ = false;
  // A stream followed again replays from `since`: what was seen already comes twice.
  if (event.time_nano < docker_events_since_nano_) return;
  docker_events_since_nano_ = event.time_nano + 1;
  if (event.action != "kill" && event.action != "oom" && event.action != "die" && event.action != "stop") return;
  Fields recorded{{"after_our_stop", stop_sent_}};
  if (event.signal) {
    recorded["signal"] = *event.signal;
    recorded["signal_name"] = SignalName(*event.signal);
  }
  if (event.exit_code) recorded["exit_code"] = *event.exit_code;
  GlobalTimeline().Record(std::string(timeline_event::kDockerEventPrefix) + event.action, std::move(recorded));
  AddDockerEvent(ObservedDockerEvent{event.action, event.signal, event.exit_code, event.time_nano, stop_sent_});
}

asio::awaitable<void> TaskRunner::WaitForDieEvent() {
  // A stream that is down will not bring it.
  while (!die_seen_ && !docker_events_broken_) {
    co_await docker_event_seen_.Wait();
    const bool cancelled = co_await base::Cancelled();
    if (cancelled) co_return;
  }
}

asio::awaitable<void> TaskRunner::SuperviseExtensions() {
  // Extensions watch the task until a kill starts; this branch itself must
  // never end the supervision, so it then waits for the exit watcher.
  co_await (SuperviseAll(0) || WaitForKillChange(0));
  co_await base::SleepUntil(base::kNoDeadline);
}

asio::awaitable<void> TaskRunner::SuperviseAll(std::size_t first) {
  if (first >= extensions_.size()) {
    co_await base::SleepUntil(base::kNoDeadline);
    co_return;
  }
  if (first + 1 == extensions_.size()) {
    co_await extensions_[first]->Supervise(*this);
    co_return;
  }
  co_await (extensions_[first]->Supervise(*this) || SuperviseAll(first + 1));
}

asio::awaitable<void> TaskRunner::BeforeStop(const KillRequest& kill, base::Deadline deadline) {
  for (const auto& extension : extensions_) {
    co_await base::WithDeadline(extension->BeforeStop(*running_, kill, deadline), deadline);
  }
}

asio::awaitable<void> TaskRunner::Release() {
  if (released_) co_return;
  released_ = true;
  for (const auto& extension : extensions_) {
    co_await extension->Release();
  }
}

asio::awaitable<ContainerExit> TaskRunner::WatchExit(Container& container) {
  base::Result<docker::ExitStatus> waited = co_await container.waiter.Result();
  // Counted from each break: a daemon restarted twice in a long task gets
  // the full bound both times.
  base::Deadline give_up = base::After(kReattachLimit);
  auto backoff = 500ms;
  for (;;) {
    if (waited.ok()) {
      ContainerExit exit{waited->status_code, false, waited->error};
      base::Result<docker::ContainerState> state = co_await docker_.Inspect(container.id);
      if (state.ok()) {
        exit.oom_killed = state->oom_killed;
        if (exit.docker_error.empty()) exit.docker_error = state->error;
      }
      // Only CleanUp() removes ours, after this: someone else did (docker rm -f
      // marks the container for removal before it kills it).
      if ((state.ok() && state->status == "removing") ||
          (!state.ok() && state.status().code() == base::StatusCode::kNotFound)) {
        exit.docker_error = JoinNotes(exit.docker_error, "the container was removed (not by the executor) while it ran");
      } else if (!state.ok() && state.status().code() == base::StatusCode::kUnavailable) {
        // A daemon shutting down without live-restore stops its containers,
        // answers their waits, and is gone the moment after.
        exit.docker_error = JoinNotes(exit.docker_error,
                                      "the Docker daemon stopped answering as the container exited (a daemon "
                                      "shutdown or restart stops containers)");
      }
      spdlog::info("Container {} exited with {}{}", ShortId(container.id), DescribeExitCode(exit.exit_code),
                   exit.oom_killed ? " (OOM killed)" : "");
      co_return exit;
    }
    const bool cancelled = co_await base::Cancelled();
    if (cancelled) co_return ContainerExit{};
    // The wait itself broke (daemon restart, socket trouble): find out
    // whether the container still runs and wait again, within a bound.
    spdlog::warn("Lost the wait on container {}: {}", ShortId(container.id), waited.status().message());
    if (base::Clock::now() >= give_up) {
      co_return ContainerExit{-1, false, "no answer from Docker about container " + ShortId(container.id) + " for " +
                                             Seconds(kReattachLimit) + " (Docker daemon unreachable): " +
                                             waited.status().message(), true};
    }
    co_await base::SleepUntil(base::After(backoff));
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, 5s);
    base::Result<docker::ContainerState> state = co_await docker_.Inspect(container.id);
    if (!state.ok() && state.status().code() == base::StatusCode::kNotFound) {
      co_return ContainerExit{-1, false, "container " + ShortId(container.id) + " no longer exists", true};
    }
    if (state.ok() && !state->running) {
      // Docker could not tell us as it happened: a daemon restart (without
      // live-restore it stops containers) is the usual cause.
      spdlog::warn("Container {} ended while Docker was out of reach", ShortId(container.id));
      co_return ContainerExit{state->exit_code, state->oom_killed,
                              JoinNotes(state->error, "it ended while the executor had lost contact with the Docker "
                                                      "daemon (a daemon shutdown or restart, or no way to reach it)")};
    }
    if (!state.ok()) {
      waited = state.status();
      continue;
    }
    spdlog::info("Container {} is still running; watching it again", ShortId(container.id));
    base::Result<docker::ExitWaiter> waiter = co_await docker_.WaitForExit(container.id, docker::WaitCondition::kNotRunning);
    if (!waiter.ok()) {
      waited = waiter.status();
      continue;
    }
    container.waiter = std::move(waiter).value();
    waited = co_await container.waiter.Result();
    give_up = base::After(kReattachLimit);
    backoff = 500ms;
  }
}

asio::awaitable<void> TaskRunner::EnforceKills(const std::string& container_id) {
  // A task that runs quietly for a moment has its executor settled into
  // waiting: the memory of start-up can go (see resident_memory.h).
  const bool early_kill = co_await base::WithDeadline(WaitForKillChange(0), base::After(kSettleTime));
  if (!early_kill) ReleaseStartupMemory();
  uint64_t handled = 0;
  bool killing_sent = false;
  bool insist = false;  // the last attempt did not take: SIGKILL at once
  for (;;) {
    if (!insist) {
      co_await WaitForKillChange(handled);
    }
    const bool cancelled = co_await base::Cancelled();
    if (cancelled) co_return;
    handled = kill_generation_;
    const bool first_attempt = !killing_sent;
    if (!killing_sent && task_killing_capability_) {
      Send(TaskStatus{task_id_, TaskState::kKilling, mesos::Reason::kNone, "Stopping after " + DescribeKill(*kill_)});
    }
    killing_sent = true;
    if (first_attempt) {
      // Extensions (a Sidecar drain) share the kill's grace with the stop.
      const base::Deadline deadline = base::After(kill_->grace);
      co_await BeforeStop(*kill_, deadline);
      kill_->grace = std::max<std::chrono::nanoseconds>(deadline - base::Clock::now(), std::chrono::nanoseconds(0));
    }
    base::Status stopped = base::Status::Failed("the container outlived its grace period");
    if (!insist) {
      const std::chrono::seconds timeout = DockerStopTimeout(kill_->grace);
      spdlog::info("Stopping container {} (stop signal, then SIGKILL after {}s)", ShortId(container_id),
                   timeout.count());
      NoteOurStop(timeline_event::kContainerStopping, Fields{{"timeout_s", timeout.count()}});
      stopped = co_await docker_.Stop(container_id, timeout);
    }
    if (!stopped.ok()) {
      spdlog::warn("Stopping container {} did not work ({}); sending SIGKILL", ShortId(container_id),
                   stopped.message());
      NoteOurStop(timeline_event::kContainerSigkill, Fields{{"why", stopped.message()}});
      base::Status killed = co_await docker_.Kill(container_id, "SIGKILL");
      if (!killed.ok() && killed.code() != base::StatusCode::kConflict) {
        spdlog::error("Killing container {} failed: {}", ShortId(container_id), killed.message());
      }
    }
    // The exit watcher ends this loop when the container is gone; if it is
    // still there after another grace period, insist.
    const bool changed =
        co_await base::WithDeadline(WaitForKillChange(handled), base::After(kill_->grace + kKillRetryInterval));
    insist = !changed;
  }
}

void TaskRunner::NoteOurStop(std::string_view step, Fields fields) {
  // Docker's kill events from now on are answers to ours.
  stop_sent_ = true;
  GlobalTimeline().Record(step, std::move(fields));
}

asio::awaitable<void> TaskRunner::RemoveContainer(const std::string& name_or_id) {
  base::Status removed = co_await docker_.Remove(name_or_id, /*force=*/true, /*remove_volumes=*/true);
  // Docker away for a moment (a daemon restart) must not leave the container behind.
  const base::Deadline give_up = base::After(kRemoveRetryLimit);
  auto backoff = 500ms;
  while (removed.code() == base::StatusCode::kUnavailable && base::After(backoff) < give_up) {
    spdlog::warn("Docker is unreachable ({}); trying again to remove container {} in {}", removed.message(),
                 name_or_id.size() == 64 ? ShortId(name_or_id) : name_or_id, Seconds(backoff));
    co_await base::SleepUntil(base::After(backoff));
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, 5s);
    removed = co_await docker_.Remove(name_or_id, /*force=*/true, /*remove_volumes=*/true);
  }
  if (removed.ok()) {
    spdlog::info("Removed container {}", name_or_id.size() == 64 ? ShortId(name_or_id) : name_or_id);
    GlobalTimeline().Record(timeline_event::kContainerRemoved, Fields{{"container", name_or_id}});
  } else if (removed.code() != base::StatusCode::kNotFound) {
    spdlog::error("Failed to remove container {}: {}", name_or_id, removed.message());
  }
}

asio::awaitable<void> TaskRunner::CleanUp(const TaskStatus& terminal) {
  if (terminal.state != TaskState::kFinished) {
    OutputTail tail(kPostmortemOutputLines);
    const std::optional<docker::ContainerState> state = co_await CopyLogs(tail);
    WritePostmortem(terminal, state, tail);
  }
  if (container_id_.empty()) co_return;
  if (settings_.remove_container) {
    co_await RemoveContainer(container_id_);
  } else {
    spdlog::info("Keeping container {} (EXECUTOR_REMOVE_CONTAINER=false)", ShortId(container_id_));
    GlobalTimeline().Record(timeline_event::kContainerKept, Fields{{"container", container_id_}});
  }
}

asio::awaitable<std::optional<docker::ContainerState>> TaskRunner::CopyLogs(OutputTail& tail) {
  if (container_id_.empty()) co_return std::nullopt;
  const auto since = std::chrono::system_clock::now() - settings_.logs_since;
  docker::LogsOptions options;
  options.since_unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(since.time_since_epoch()).count();
  base::Result<docker::ContainerState> state = co_await docker_.Inspect(container_id_);
  options.tty = state.ok() && state->tty;
  spdlog::info("Copying the container's logs of the last {} to the executor's stdout and stderr",
               Seconds(settings_.logs_since));
  const Redactor& redactor = GlobalRedactor();
  auto copy = [&](docker::LogStream stream, std::string_view line) {
    std::string clean = redactor.Scrub(line);
    const bool is_stderr = stream == docker::LogStream::kStderr;
    tail.Add(is_stderr ? "stderr" : "stdout", clean);
    clean += '\n';
    std::fwrite(clean.data(), 1, clean.size(), is_stderr ? stderr : stdout);
  };
  base::Result<docker::LogsOutcome> copied = co_await docker_.Logs(container_id_, options, copy);
  std::fflush(stdout);
  std::fflush(stderr);
  Fields recorded{{"lines", tail.seen()}};
  if (!copied.ok()) {
    spdlog::warn("Could not copy the container's logs: {}", copied.status().message());
    recorded["error"] = copied.status().message();
  } else if (*copied == docker::LogsOutcome::kNotReadable) {
    spdlog::warn("The container's log driver cannot be read back; no logs copied");
    recorded["error"] = "the log driver cannot be read back";
  }
  GlobalTimeline().Record(timeline_event::kLogsCopied, std::move(recorded));
  if (!state.ok()) co_return std::nullopt;
  co_return std::move(state).value();
}

void TaskRunner::WritePostmortem(const TaskStatus& terminal, const std::optional<docker::ContainerState>& state,
                                 const OutputTail& tail) const {
  if (sandbox_.empty()) return;
  PostmortemFacts facts;
  facts.terminal = terminal;
  facts.time = std::chrono::system_clock::now();
  if (!container_id_.empty()) {
    ContainerFinalState container;
    container.id = container_id_;
    container.name = container_name_;
    container.image = plan_ ? plan_->config.image : "";
    if (state) {
      container.exit_code = state->exit_code;
      container.oom_killed = state->oom_killed;
      container.error = state->error;
      container.finished_at = state->finished_at;
    } else if (exit_) {
      // Docker no longer answers about it: what the exit watch saw is all there is.
      if (!exit_->lost) container.exit_code = exit_->exit_code;
      container.oom_killed = exit_->oom_killed;
      container.error = exit_->docker_error;
      container.lost = exit_->lost;
    }
    facts.container = std::move(container);
  }
  facts.docker_events.assign(docker_events_.begin(), docker_events_.end());
  if (launched_) {
    StopFacts stop;
    stop.events = facts.docker_events;
    stop.we_stopped = stop_sent_;
    stop.oom_killed = facts.container && facts.container->oom_killed;
    stop.container_lost = exit_ && exit_->lost;
    facts.stopped_by = AttributeStop(stop);
  }
  facts.timeline_records = ReadTimelineRecords(GlobalTimeline().path(),
                                               {timeline_event::kKillRequested, timeline_event::kHealthObservation,
                                                timeline_event::kDrainRequested, timeline_event::kDrainOutcome},
                                               kPostmortemTimelineRecords);
  facts.output = tail.Lines();
  facts.output_window = FormatGoDuration(settings_.logs_since);

  const std::string path = sandbox_ + "/" + std::string(kPostmortemFile);
  const boost::json::object document = BuildPostmortem(facts, GlobalRedactor());
  const base::Status written = WriteFileAtomically(path, FormatIndentedJson(document));
  if (!written.ok()) {
    spdlog::warn("Could not write the post-mortem: {}", written.message());
    return;
  }
  spdlog::info("Wrote the post-mortem to {}", path);
  Fields recorded{{"path", path}};
  if (facts.stopped_by) recorded["stopped_by"] = StoppedByName(facts.stopped_by->by);
  GlobalTimeline().Record(timeline_event::kPostmortemWritten, std::move(recorded));
}

asio::awaitable<void> TaskRunner::StopAndRemove(std::chrono::nanoseconds grace) {
  const std::string target = container_id_.empty() ? container_name_ : container_id_;
  if (target.empty()) co_return;
  const std::chrono::seconds timeout = DockerStopTimeout(grace);
  NoteOurStop(timeline_event::kContainerStopping, Fields{{"timeout_s", timeout.count()}});
  base::Status stopped = co_await docker_.Stop(target, timeout);
  if (!stopped.ok() && stopped.code() != base::StatusCode::kNotFound) {
    spdlog::warn("Stopping container {} failed ({}); killing it", target, stopped.message());
    NoteOurStop(timeline_event::kContainerSigkill, Fields{{"why", stopped.message()}});
    co_await docker_.Kill(target, "SIGKILL");
  }
  if (settings_.remove_container) {
    co_await RemoveContainer(target);
  }
}

}  // namespace executor
