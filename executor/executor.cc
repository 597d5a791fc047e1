#include "executor/executor.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <csignal>
#include <cstring>

#include "executor/extensions.h"
#include "executor/kill_policy.h"
#include "executor/stop_attribution.h"
#include "executor/timeline.h"

namespace executor {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using mesos::TaskState;
using mesos::TaskStatus;

namespace {

// The agent delivers the task right after SUBSCRIBED; an executor that has
// nothing to run after this long is of no use to anyone.
constexpr auto kLaunchWait = 10min;
// How long the terminal update may stay unacknowledged before we exit
// anyway (the Mesos built-in executors use the same bound).
constexpr auto kAcknowledgementWait = 60s;
// Kept back from the agent's shutdown grace period so that our own cleanup
// happens before the agent's SIGKILL.
constexpr auto kSelfDestructMargin = 500ms;

using Fields = boost::json::object;

void RecordAgentActivity(const mesos::AgentActivity& activity) {
  using Kind = mesos::AgentActivity::Kind;
  Timeline& timeline = GlobalTimeline();
  switch (activity.kind) {
    case Kind::kSubscribed:
      timeline.Record(timeline_event::kSubscribed, Fields{{"subscription", activity.subscription}});
      return;
    case Kind::kDisconnected:
      timeline.Record(timeline_event::kAgentDisconnected,
                      Fields{{"subscription", activity.subscription}, {"error", activity.detail}});
      return;
    case Kind::kUpdateSent:
    case Kind::kUpdateAcknowledged:
    case Kind::kUpdateRejected: break;
  }
  Fields fields{{"task_id", activity.task_id}, {"state", activity.state}, {"uuid", activity.uuid}};
  if (activity.resent) fields["resent_in_subscribe"] = true;
  if (!activity.detail.empty()) fields["error"] = activity.detail;
  const std::string_view event = activity.kind == Kind::kUpdateSent           ? timeline_event::kUpdateSent
                                 : activity.kind == Kind::kUpdateAcknowledged ? timeline_event::kUpdateAcknowledged
                                                                              : timeline_event::kUpdateRejected;
  timeline.Record(event, std::move(fields));
}

}  // namespace

Executor::Executor(asio::any_io_executor executor, ExecutorConfig config)
    : config_(std::move(config)),
      docker_(config_.docker_endpoint, config_.settings.docker_timeout),
      agent_(executor, config_.agent, [this](const mesos::Event& event) { OnEvent(event); }),
      runner_(executor, docker_, config_.settings, [this](const TaskStatus& status) { return Update(status); },
              MakeTaskExtensions(executor, config_)),
      signals_(executor, SIGTERM, SIGINT, SIGUSR1),
      launch_or_stop_(executor),
      self_destruct_armed_(executor) {
  if (!config_.agent.sandbox.empty()) {
    GlobalTimeline().Open(config_.agent.sandbox + "/" + std::string(kTimelineFile));
  }
  agent_.SetActivityObserver(RecordAgentActivity);
}

std::string Executor::Update(const TaskStatus& status) {
  std::string uuid = agent_.Update(status);
  Fields fields{{"task_id", status.task_id}, {"state", mesos::TaskStateName(status.state)}};
  if (status.reason != mesos::Reason::kNone) fields["reason"] = mesos::ReasonName(status.reason);
  if (status.healthy) fields["healthy"] = *status.healthy;
  fields["message"] = status.message;
  GlobalTimeline().Record(timeline_event::kStatusUpdate, std::move(fields));
  return uuid;
}

void Executor::ArmSignals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;  // cancelled at exit
    OnSignal(signal);
    ArmSignals();
  });
}

void Executor::OnSignal(int signal) {
  const std::string name = std::string("SIG") + (sigabbrev_np(signal) ? sigabbrev_np(signal) : "?");
  spdlog::warn("Received signal {}, attempting clean shutdown", name);
  RequestStop(KillRequest{KillCause::kSignal, ShutdownGrace(config_.agent.shutdown_grace), name});
}

// SHUTDOWN and signals: stop within the agent's grace period, report
// TASK_KILLED, and make sure we are gone before the agent kills us.
void Executor::RequestStop(KillRequest request) {
  if (!self_destruct_at_) {
    self_destruct_at_ = base::After(config_.agent.shutdown_grace - kSelfDestructMargin);
    self_destruct_armed_.Set();
  }
  if (!launch_) {
    Fields recorded = DescribeKillRequest(request);
    recorded["effect"] = "exit_before_launch";
    GlobalTimeline().Record(timeline_event::kKillRequested, std::move(recorded));
    stop_before_launch_ = true;
    launch_or_stop_.Set();
    return;
  }
  runner_.RequestKill(std::move(request));
}

void Executor::OnEvent(const mesos::Event& event) {
  std::visit(
      [this](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, mesos::Subscribed>) {
          spdlog::info("Executor subscribed to events (agent {}, container {})", e.agent_hostname, e.container_id);
          task_killing_capability_ = e.task_killing_capability;
        } else if constexpr (std::is_same_v<E, mesos::Launch>) {
          if (launch_ || stop_before_launch_) {
            spdlog::error("Refusing task {}: this executor runs a single task", e.task_id);
            Update(TaskStatus{e.task_id, TaskState::kFailed, mesos::Reason::kTaskInvalid,
                              "This executor runs one task and already has " +
                                  (launch_ ? "task " + launch_->task_id : std::string("been told to stop"))});
            return;
          }
          launch_ = e;
          GlobalTimeline().Record(timeline_event::kLaunchReceived, Fields{{"task_id", e.task_id}});
          launch_or_stop_.Set();
        } else if constexpr (std::is_same_v<E, mesos::LaunchGroup>) {
          for (const mesos::Launch& task : e.tasks) {
            spdlog::error("Refusing task {}: task groups are not supported", task.task_id);
            Update(TaskStatus{task.task_id, TaskState::kFailed, mesos::Reason::kTaskInvalid,
                              "sidecar-executor does not run task groups (LAUNCH_GROUP)"});
          }
        } else if constexpr (std::is_same_v<E, mesos::Kill>) {
          spdlog::info("Received kill from Mesos for {}", e.task_id);
          if (!launch_ || e.task_id != launch_->task_id) {
            // The agent believes the task is here; a terminal update settles it.
            spdlog::warn("Task {} is not running on this executor; reporting it killed", e.task_id);
            Update(TaskStatus{e.task_id, TaskState::kKilled, mesos::Reason::kNone,
                              "Task is not known to this executor"});
            return;
          }
          const auto grace = KillGrace(e.grace, runner_.task_kill_grace(),
                                       std::chrono::seconds(config_.settings.kill_task_timeout_seconds));
          runner_.RequestKill(KillRequest{KillCause::kScheduler, grace, ""});
        } else if constexpr (std::is_same_v<E, mesos::Acknowledged>) {
          spdlog::info("Acknowledged: {}", e.task_id);
        } else if constexpr (std::is_same_v<E, mesos::Shutdown>) {
          spdlog::info("Shutting down the executor (SHUTDOWN from the agent)");
          RequestStop(KillRequest{KillCause::kShutdown, ShutdownGrace(config_.agent.shutdown_grace), ""});
        } else if constexpr (std::is_same_v<E, mesos::Error>) {
          spdlog::warn("The agent reported an error: {}", e.message);
        } else if constexpr (std::is_same_v<E, mesos::Message>) {
          spdlog::debug("Ignoring a framework message of {} bytes", e.data.size());
        } else if constexpr (std::is_same_v<E, mesos::Heartbeat>) {
          spdlog::debug("Heartbeat from the agent");
        } else {
          spdlog::warn("Ignoring an event of unknown type '{}'", e.type);
        }
      },
      event);
}

asio::awaitable<void> Executor::SelfDestructTimer() {
  co_await self_destruct_armed_.Wait();
  const bool cancelled = co_await base::Cancelled();
  if (cancelled || !self_destruct_at_) co_return;
  co_await base::SleepUntil(*self_destruct_at_);
}

asio::awaitable<int> Executor::Run() {
  GlobalTimeline().Record(timeline_event::kExecutorStarted, Fields{{"pid", ::getpid()},
                                                                  {"framework_id", config_.agent.framework_id},
                                                                  {"executor_id", config_.agent.executor_id},
                                                                  {"agent_id", config_.agent.agent_id}});
  ArmSignals();
  auto ended = co_await (agent_.Run() || LifecycleWithinGrace());
  signals_.cancel();
  int exit_status = 1;
  std::string_view why;
  if (ended.index() == 0) {
    const base::Status& lost = std::get<0>(ended);
    spdlog::error("Giving up on the agent: {}", lost.message());
    why = "agent_lost";
    co_await runner_.StopAndRemove(std::chrono::seconds(config_.settings.kill_task_timeout_seconds));
    co_await runner_.Release();
  } else {
    exit_status = std::get<1>(ended);
    why = grace_over_ ? "shutdown_grace_over" : "lifecycle_over";
  }
  GlobalTimeline().Record(timeline_event::kExecutorExiting, Fields{{"exit_status", exit_status}, {"why", why}});
  co_return exit_status;
}

// The agent session stays up meanwhile, so that a task cut short by the
// agent's shutdown grace period still gets its terminal update, sent before
// the removal: the agent's SIGKILL may come before the removal is done.
asio::awaitable<int> Executor::LifecycleWithinGrace() {
  auto ended = co_await (Lifecycle() || SelfDestructTimer());
  if (ended.index() == 0) co_return std::get<0>(ended);
  spdlog::error("The agent's shutdown grace period is nearly over; removing the container and exiting");
  grace_over_ = true;
  const std::string uuid =
      runner_.FinishCutShort("the agent's shutdown grace period ran out before the container stopped; removing it");
  co_await runner_.StopAndRemove(0s);
  co_await runner_.Release();
  if (!uuid.empty()) {
    const base::Deadline grace_end = self_destruct_at_.value_or(base::Clock::now()) + kSelfDestructMargin;
    co_await agent_.WaitAcknowledged(uuid, grace_end);
  }
  co_return 1;
}

asio::awaitable<int> Executor::Lifecycle() {
  const bool woken = co_await base::WithDeadline(launch_or_stop_.Wait(), base::After(kLaunchWait));
  if (!woken) {
    spdlog::error("No task was launched within {} minutes; exiting", kLaunchWait.count());
    co_return 1;
  }
  if (!launch_) {
    spdlog::info("Asked to stop before any task was launched; exiting");
    co_return 0;
  }
  LaunchContext context{MappingInputs{config_.settings, config_.agent.framework_id, config_.agent.executor_id,
                                      config_.agent.agent_id, config_.host_cpus, config_.agent.directory, {}},
                        task_killing_capability_, config_.configuration_error, config_.agent.sandbox};
  const TaskRunner::Finished finished = co_await runner_.Run(*launch_, context);
  co_await runner_.CleanUp(finished.status);
  co_await runner_.Release();

  base::Deadline deadline = base::After(kAcknowledgementWait);
  if (self_destruct_at_) deadline = std::min(deadline, *self_destruct_at_);
  const bool acknowledged = co_await agent_.WaitAcknowledged(finished.update_uuid, deadline);
  if (acknowledged) {
    spdlog::info("The agent acknowledged {} for task {}; exiting", mesos::TaskStateName(finished.status.state),
                 finished.status.task_id);
    co_return 0;
  }
  spdlog::error("Did not receive an acknowledgement of the terminal update for task {}; exiting anyway",
                finished.status.task_id);
  co_return 1;
}

}  // namespace executor
