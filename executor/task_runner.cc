#include "executor/task_runner.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "executor/kill_policy.h"
#include "executor/process_title.h"
#include "executor/redactor.h"
#include "executor/resident_memory.h"
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
// A stop or kill that did not take: when to insist with SIGKILL.
constexpr auto kKillRetryInterval = 10s;
// How long after the start the executor counts as settled: the RUNNING
// update has long been acknowledged by then.
constexpr auto kSettleTime = 2s;

std::string ShortId(const std::string& id) { return id.substr(0, 12); }

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
  return Finished{std::move(status), std::move(uuid)};
}

void TaskRunner::RequestKill(KillRequest request) {
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
  launch_ = &launch;
  task_killing_capability_ = context.task_killing_capability;
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
      co_return base::Status::Ok();
    }
    if (present.status().code() != base::StatusCode::kNotFound) co_return present.status().Wrap(failed);
    spdlog::info("Pulling Docker image '{}' (not present locally)", image);
  } else {
    spdlog::info("Pulling Docker image '{}' (force_pull_image is set)", image);
  }
  auto progress = [&](const docker::PullProgress& p) {
    spdlog::info("Pull {}: {}{}", image, p.id.empty() ? "" : p.id + " ", p.status);
  };
  base::Status pulled =
      co_await docker_.PullWithRetry(*reference, registry_auth, progress, settings_.pull_stall_timeout);
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
  base::Result<std::string> id = co_await docker_.Create(plan.config);
  if (!id.ok() && id.status().code() == base::StatusCode::kConflict) {
    // The name is derived from the task id: an earlier run of the same task
    // left its container. It cannot be ours to keep.
    spdlog::warn("A container named {} already exists; removing it before creating ours", container_name_);
    co_await RemoveContainer(container_name_);
    id = co_await docker_.Create(plan.config);
  }
  if (!id.ok()) co_return id.status().Wrap("Failed to create the container");
  container_id_ = *id;
  spdlog::info("Created container {} ({})", ShortId(container_id_), container_name_);

  // Registered before the start, so no exit can slip past unseen.
  base::Result<docker::ExitWaiter> waiter = co_await docker_.WaitForExit(container_id_);
  if (!waiter.ok()) co_return waiter.status().Wrap("Failed to watch the container");
  const base::Status started = co_await docker_.Start(container_id_);
  if (!started.ok()) co_return started.Wrap("Failed to start the container");
  spdlog::info("Starting container with ID {}", ShortId(container_id_));
  co_return Container{container_id_, std::move(waiter).value()};
}

asio::awaitable<ContainerExit> TaskRunner::Supervise(Container& container) {
  auto ended = co_await (WatchExit(container) || EnforceKills(container.id) || SuperviseExtensions());
  co_return std::get<0>(ended);
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
  const base::Deadline give_up = base::After(kReattachLimit);
  auto backoff = 500ms;
  for (;;) {
    if (waited.ok()) {
      ContainerExit exit{waited->status_code, false, waited->error};
      base::Result<docker::ContainerState> state = co_await docker_.Inspect(container.id);
      if (state.ok()) {
        exit.oom_killed = state->oom_killed;
        if (exit.docker_error.empty()) exit.docker_error = state->error;
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
      co_return ContainerExit{-1, false, "no answer from Docker about container " + ShortId(container.id) +
                                             " for " + Seconds(kReattachLimit) + ": " + waited.status().message(), true};
    }
    co_await base::SleepUntil(base::After(backoff));
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, 5s);
    base::Result<docker::ContainerState> state = co_await docker_.Inspect(container.id);
    if (!state.ok() && state.status().code() == base::StatusCode::kNotFound) {
      co_return ContainerExit{-1, false, "container " + ShortId(container.id) + " no longer exists", true};
    }
    if (state.ok() && !state->running) {
      co_return ContainerExit{state->exit_code, state->oom_killed, state->error};
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
      stopped = co_await docker_.Stop(container_id, timeout);
    }
    if (!stopped.ok()) {
      spdlog::warn("Stopping container {} did not work ({}); sending SIGKILL", ShortId(container_id),
                   stopped.message());
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

asio::awaitable<void> TaskRunner::RemoveContainer(const std::string& name_or_id) {
  base::Status removed = co_await docker_.Remove(name_or_id, /*force=*/true, /*remove_volumes=*/true);
  if (removed.ok()) {
    spdlog::info("Removed container {}", name_or_id.size() == 64 ? ShortId(name_or_id) : name_or_id);
  } else if (removed.code() != base::StatusCode::kNotFound) {
    spdlog::error("Failed to remove container {}: {}", name_or_id, removed.message());
  }
}

asio::awaitable<void> TaskRunner::CleanUp(const TaskStatus& terminal) {
  if (container_id_.empty()) co_return;
  if (terminal.state != TaskState::kFinished) {
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
      clean += '\n';
      std::fwrite(clean.data(), 1, clean.size(), stream == docker::LogStream::kStderr ? stderr : stdout);
    };
    base::Result<docker::LogsOutcome> copied = co_await docker_.Logs(container_id_, options, copy);
    std::fflush(stdout);
    std::fflush(stderr);
    if (!copied.ok()) {
      spdlog::warn("Could not copy the container's logs: {}", copied.status().message());
    } else if (*copied == docker::LogsOutcome::kNotReadable) {
      spdlog::warn("The container's log driver cannot be read back; no logs copied");
    }
  }
  if (settings_.remove_container) {
    co_await RemoveContainer(container_id_);
  } else {
    spdlog::info("Keeping container {} (EXECUTOR_REMOVE_CONTAINER=false)", ShortId(container_id_));
  }
}

asio::awaitable<void> TaskRunner::StopAndRemove(std::chrono::nanoseconds grace) {
  const std::string target = container_id_.empty() ? container_name_ : container_id_;
  if (target.empty()) co_return;
  base::Status stopped = co_await docker_.Stop(target, DockerStopTimeout(grace));
  if (!stopped.ok() && stopped.code() != base::StatusCode::kNotFound) {
    spdlog::warn("Stopping container {} failed ({}); killing it", target, stopped.message());
    co_await docker_.Kill(target, "SIGKILL");
  }
  if (settings_.remove_container) {
    co_await RemoveContainer(target);
  }
}

}  // namespace executor
