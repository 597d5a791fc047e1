#include "tools/local_agent/fake_agent.h"

#include <boost/json/array.hpp>
#include <spdlog/spdlog.h>

#include <signal.h>
#include <sys/stat.h>

#include <random>

#include "tools/local_agent/agent_json.h"
#include "tools/local_agent/stout_base64.h"
#include "tools/local_agent/events.h"
#include "tools/local_agent/executor_environment.h"
#include "tools/local_agent/recordio.h"
#include "tools/local_agent/task_info_builder.h"
#include "tools/local_agent/task_states.h"

namespace local_agent {
namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using base::Clock;

namespace {

const net::HeaderList kStreamHeaders = {{"Content-Type", "application/json"}};

std::string StringAt(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

std::string IdAt(const json::object& object, std::string_view key) {
  const json::value* id = object.if_contains(key);
  return id != nullptr && id->is_object() ? StringAt(id->get_object(), "value") : std::string();
}

std::optional<std::string> Header(const http::request<http::string_body>& request,
                                  http::field field) {
  auto it = request.find(field);
  if (it == request.end()) return std::nullopt;
  return std::string(it->value());
}

// A random (version 4) UUID's 16 bytes, base64 as in TaskStatus.uuid.
std::string NewUuid() {
  static std::mt19937_64 random{std::random_device{}()};
  std::string bytes(16, '\0');
  for (std::size_t i = 0; i < 16; i += 8) {
    const uint64_t r = random();
    for (std::size_t j = 0; j < 8; ++j) bytes[i + j] = static_cast<char>(r >> (8 * j));
  }
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
  return base::Base64Encode(bytes);
}

double SecondsSinceEpoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

StatusUpdateRecord RecordOf(const json::object& status, UpdateDisposition disposition) {
  StatusUpdateRecord record;
  record.at = Clock::now();
  record.status = status;
  record.task_id = IdAt(status, "task_id");
  record.state = StringAt(status, "state");
  record.reason = StringAt(status, "reason");
  record.source = StringAt(status, "source");
  record.message = StringAt(status, "message");
  record.uuid = StringAt(status, "uuid");
  if (const json::value* healthy = status.if_contains("healthy")) record.healthy = healthy->as_bool();
  record.disposition = disposition;
  return record;
}

}  // namespace

const char* DispositionName(UpdateDisposition disposition) {
  switch (disposition) {
    case UpdateDisposition::kApplied: return "applied";
    case UpdateDisposition::kDuplicate: return "duplicate";
    case UpdateDisposition::kAfterTerminal: return "after terminal";
    case UpdateDisposition::kUnknownTask: return "unknown task";
    case UpdateDisposition::kForeignAgent: return "foreign agent";
    case UpdateDisposition::kSynthesized: return "synthesized";
  }
  return "?";
}

FakeAgent::FakeAgent(asio::any_io_executor executor, AgentOptions options)
    : executor_(executor),
      options_(std::move(options)),
      server_(executor,
              [this](net::ServerExchange& exchange) -> asio::awaitable<void> {
                Serve(exchange);  // answers at once: nothing here waits
                co_return;
              }),
      timers_(executor),
      acknowledge_(options_.acknowledge_updates) {}

FakeAgent::~FakeAgent() = default;

base::Status FakeAgent::Start() { return server_.Listen(options_.port); }

// --- The endpoint --------------------------------------------------------

void FakeAgent::Serve(net::ServerExchange& exchange) {
  const auto& request = exchange.request();
  CallRecord record{Clock::now(), std::string(request.method_string()),
                    std::string(request.target()), request.body()};
  const std::string_view path = std::string_view(request.target()).substr(
      0, std::string_view(request.target()).find('?'));
  if (path != "/api/v1/executor" && path != "/slave(1)/api/v1/executor") {
    record.status = 404;
    calls_.push_back(std::move(record));
    exchange.Reply(404);
    Changed();
    return;
  }

  const CallRequest call_request{record.method, Header(request, http::field::content_type),
                                 Header(request, http::field::accept),
                                 Header(request, http::field::authorization), request.body()};
  AgentView view;
  view.recovery = recovery_;
  view.auth_token = options_.auth_token;
  view.framework_id = options_.framework_id;
  view.executor_id = options_.executor_id;
  view.framework_known = framework_known_;
  view.executor_known = state_ != ExecutorState::kTerminated;
  view.executor_subscribed = state_ != ExecutorState::kRegistering;
  Verdict verdict = JudgeCall(call_request, view);

  record.type = verdict.type ? CallTypeName(*verdict.type) : "";
  record.status = verdict.status;
  record.response_body = verdict.body;
  spdlog::debug("local agent: {} {} {} -> {} {}", record.method, record.target, record.type,
                record.status, record.response_body);
  calls_.push_back(std::move(record));

  if (verdict.status == 200) {
    Subscribe(exchange, verdict.call);
  } else {
    exchange.Reply(verdict.status, verdict.body, verdict.headers);
    if (verdict.status == 202 && verdict.type == CallType::kUpdate) {
      ProcessUpdate(verdict.call.at("update").at("status").get_object(), false);
    }
  }
  Changed();
}

void FakeAgent::Subscribe(net::ServerExchange& exchange, const json::object& call) {
  if (state_ == ExecutorState::kTerminating) {
    // A terminating executor's stream holds one SHUTDOWN and ends.
    std::shared_ptr<net::ResponseStream> stream = exchange.StartStream(200, kStreamHeaders);
    stream->Write(RecordIoFrame(RenderJson(ShutdownEvent())));
    stream->End();
    return;
  }
  if (stream_) stream_->End();  // a new subscription replaces the old stream
  stream_ = exchange.StartStream(200, kStreamHeaders);
  state_ = ExecutorState::kRunning;
  ++subscription_;

  const json::object& subscribe = call.at("subscribe").get_object();
  SubscribeRecord record{Clock::now(), {}, {}};
  std::set<std::string, std::less<>> listed;
  if (const json::value* tasks = subscribe.if_contains("unacknowledged_tasks")) {
    for (const json::value& task : tasks->get_array()) {
      record.unacknowledged_tasks.push_back(task.get_object());
      listed.insert(IdAt(task.get_object(), "task_id"));
    }
  }
  // Tasks handed to the executor that it neither reported nor lists are
  // lost. Re-processing the listed updates is asynchronous in the agent, so
  // the states checked here are those from before it.
  for (auto& [id, task] : tasks_) {
    if (task.delivered && task.state == "TASK_STAGING" && !listed.contains(id)) {
      Synthesize(id, options_.partition_aware ? "TASK_DROPPED" : "TASK_LOST",
                 "REASON_AGENT_RESTARTED", "Task launched during agent restart");
    }
  }
  if (const json::value* updates = subscribe.if_contains("unacknowledged_updates")) {
    for (const json::value& update : updates->get_array()) {
      const json::object& status = update.at("status").get_object();
      record.unacknowledged_updates.push_back(StringAt(status, "uuid"));
      ProcessUpdate(status, true);
    }
  }
  subscribes_.push_back(std::move(record));

  SendEvent(SubscribedEvent(options_, port(), ExecutorInfo()));
  const uint64_t subscription = subscription_;
  if (!queued_.empty()) {
    timers_.After(options_.launch_delay, [this, subscription] { DeliverQueued(subscription); });
  }
  if (options_.heartbeat_interval.count() > 0) {
    timers_.After(options_.heartbeat_interval, [this, subscription] { Heartbeat(subscription); });
  }
}

void FakeAgent::ProcessUpdate(const json::object& status, bool from_subscribe) {
  StatusUpdateRecord record = RecordOf(status, UpdateDisposition::kApplied);
  record.from_subscribe = from_subscribe;
  const std::string agent_id = IdAt(status, "agent_id");
  auto task = tasks_.find(record.task_id);
  if (!agent_id.empty() && agent_id != options_.agent_id) {
    record.disposition = UpdateDisposition::kForeignAgent;
  } else if (task == tasks_.end()) {
    record.disposition = UpdateDisposition::kUnknownTask;
  } else {
    if (!task->second.uuids.insert(record.uuid).second) {
      record.disposition = UpdateDisposition::kDuplicate;
    } else if (IsTerminalState(task->second.state)) {
      record.disposition = UpdateDisposition::kAfterTerminal;
    } else {
      task->second.state = record.state;
    }
    if (acknowledge_) {
      record.acknowledged = true;
      timers_.After(options_.ack_delay, [this, task_id = record.task_id, uuid = record.uuid] {
        SendEvent(AcknowledgedEvent(task_id, uuid));
      });
    }
  }
  spdlog::debug("local agent: update {} {} ({})", record.task_id, record.state,
                DispositionName(record.disposition));
  updates_.push_back(std::move(record));
  Changed();
}

void FakeAgent::Synthesize(const std::string& task_id, std::string state, std::string reason,
                           std::string message) {
  json::object status{{"task_id", {{"value", task_id}}},
                      {"state", std::move(state)},
                      {"message", std::move(message)},
                      {"source", "SOURCE_AGENT"},
                      {"reason", std::move(reason)},
                      {"agent_id", {{"value", options_.agent_id}}},
                      {"executor_id", {{"value", options_.executor_id}}},
                      {"timestamp", SecondsSinceEpoch()},
                      {"uuid", NewUuid()}};
  StatusUpdateRecord record = RecordOf(status, UpdateDisposition::kSynthesized);
  tasks_.at(task_id).state = record.state;
  updates_.push_back(std::move(record));
  Changed();
}

bool FakeAgent::SendEvent(const json::object& event) {
  if (!stream_open()) {
    spdlog::debug("local agent: no event stream, {} lost", StringAt(event, "type"));
    return false;
  }
  return stream_->Write(RecordIoFrame(RenderJson(event)));
}

bool FakeAgent::stream_open() const { return stream_ && !stream_->closed(); }

// Like the agent, delivers to a subscribed executor even when its stream has
// broken unnoticed: the LAUNCH is lost and the task stays STAGING.
void FakeAgent::DeliverQueued(uint64_t subscription) {
  if (subscription != subscription_ || state_ != ExecutorState::kRunning) return;
  for (const std::string& id : queued_) {
    Task& task = tasks_.at(id);
    SendEvent(LaunchEvent(task.info));
    task.delivered = true;
  }
  queued_.clear();
  Changed();
}

void FakeAgent::Heartbeat(uint64_t subscription) {
  if (subscription != subscription_ || !stream_open()) return;
  SendEvent(HeartbeatEvent());
  timers_.After(options_.heartbeat_interval, [this, subscription] { Heartbeat(subscription); });
}

json::object FakeAgent::ExecutorInfo() const {
  return executor_info_ ? *executor_info_ : ExecutorInfoJson(options_, executor_command_, {});
}

// --- Executor process ----------------------------------------------------

KeyValues FakeAgent::ExecutorEnvironment(const std::string& sandbox, const KeyValues& extra) const {
  return MergeEnvironment(
      MergeEnvironment(AgentEnvironment(options_, port(), sandbox), CommandEnvironment(ExecutorInfo())),
      extra);
}

base::Status FakeAgent::StartExecutor(const ExecutorLaunch& launch) {
  if (process_) return base::Status::Failed("the executor was started already");
  if (!server_.listening()) return base::Status::Failed("the agent is not listening; Start() it first");
  if (launch.sandbox.empty()) return base::Status::Invalid("no sandbox directory given");
  if (mkdir(launch.sandbox.c_str(), 0755) != 0 && errno != EEXIST) {
    return base::Status::Failed("cannot create sandbox " + launch.sandbox + ": " + strerror(errno));
  }
  executor_command_ = launch.path;
  base::SpawnOptions spawn;
  spawn.path = launch.path;
  spawn.args = launch.args;
  spawn.environment = ExecutorEnvironment(launch.sandbox, launch.extra_environment);
  spawn.working_directory = launch.sandbox;
  if (!launch.inherit_output) {
    spawn.stdout_file = launch.sandbox + "/stdout";
    spawn.stderr_file = launch.sandbox + "/stderr";
  }
  base::Result<std::unique_ptr<base::ChildProcess>> child = base::ChildProcess::Spawn(executor_, spawn);
  if (!child.ok()) return child.status();
  process_ = std::move(child).value();
  process_->OnExit([this](const ExitStatus& status) {
    spdlog::debug("local agent: executor {}", status.ToString());
    ExecutorGone(termination_.first, termination_.second);
  });
  timers_.After(options_.registration_timeout, [this] {
    if (subscription_ == 0 && state_ == ExecutorState::kRegistering) {
      Destroy("TASK_FAILED", "REASON_EXECUTOR_REGISTRATION_TIMEOUT");
    }
  });
  return base::Status::Ok();
}

asio::awaitable<base::Result<ExitStatus>> FakeAgent::WaitExecutorExit(base::Deadline deadline) {
  if (!process_) co_return base::Status::Failed("no executor process was started");
  co_return co_await process_->WaitExit(deadline);
}

void FakeAgent::Destroy(std::string task_state, std::string reason) {
  if (process_ && process_->running()) {
    termination_ = {std::move(task_state), std::move(reason)};
    process_->SignalGroup(SIGKILL);  // the exit watch then calls ExecutorGone
    return;
  }
  ExecutorGone(task_state, reason);
}

void FakeAgent::ExecutorGone(const std::string& task_state, const std::string& reason) {
  if (state_ == ExecutorState::kTerminated) return;
  state_ = ExecutorState::kTerminated;
  if (stream_) stream_->End();  // what was sent before still arrives
  for (auto& [id, task] : tasks_) {
    if (!IsTerminalState(task.state)) Synthesize(id, task_state, reason, "Executor terminated");
  }
  queued_.clear();
  Changed();
}

// --- Scheduler side --------------------------------------------------------

base::Status FakeAgent::Launch(json::object task_info) {
  if (state_ == ExecutorState::kTerminating || state_ == ExecutorState::kTerminated) {
    return base::Status::Failed("the executor is shutting down; no more tasks");
  }
  const std::string id = IdAt(task_info, "task_id");
  if (id.empty()) return base::Status::Invalid("TaskInfo without task_id.value");
  if (tasks_.contains(id)) return base::Status::Error(base::StatusCode::kConflict, "task " + id + " exists");
  if (!task_info.contains("agent_id")) task_info["agent_id"] = json::object{{"value", options_.agent_id}};
  if (const json::value* executor = task_info.if_contains("executor");
      !executor_info_ && executor != nullptr && executor->is_object()) {
    executor_info_ = executor->get_object();
  }
  tasks_[id].info = std::move(task_info);
  queued_.push_back(id);
  if (state_ == ExecutorState::kRunning) DeliverQueued(subscription_);
  Changed();
  return base::Status::Ok();
}

base::Status FakeAgent::Kill(std::string_view task_id, std::optional<std::chrono::nanoseconds> grace) {
  auto task = tasks_.find(task_id);
  if (task == tasks_.end()) return base::Status::NotFound("no task " + std::string(task_id));
  if (IsTerminalState(task->second.state)) {
    return base::Status::Failed("task " + std::string(task_id) + " is already " + task->second.state);
  }
  if (!task->second.delivered) {
    std::erase(queued_, task->first);
    Synthesize(task->first, "TASK_KILLED", "REASON_TASK_KILLED_DURING_LAUNCH",
               "Task killed before delivery to the executor");
    const bool any_delivered = std::any_of(tasks_.begin(), tasks_.end(),
                                           [](const auto& entry) { return entry.second.delivered; });
    if (!any_delivered && queued_.empty()) Shutdown();
    return base::Status::Ok();
  }
  if (!SendEvent(KillEvent(task_id, grace))) {
    return base::Status::Unavailable("no event stream to the executor: the KILL is lost");
  }
  return base::Status::Ok();
}

void FakeAgent::Shutdown() {
  if (state_ == ExecutorState::kTerminating || state_ == ExecutorState::kTerminated) return;
  state_ = ExecutorState::kTerminating;
  SendEvent(ShutdownEvent());
  timers_.After(options_.shutdown_grace,
                [this] { Destroy("TASK_FAILED", "REASON_EXECUTOR_TERMINATED"); });
  Changed();
}

base::Status FakeAgent::SendFrameworkMessage(std::string_view data) {
  if (!SendEvent(MessageEvent(data))) {
    return base::Status::Unavailable("no event stream to the executor: the MESSAGE is lost");
  }
  return base::Status::Ok();
}

// --- Faults ----------------------------------------------------------------

base::Status FakeAgent::SendRawRecord(std::string_view payload) {
  if (!stream_open() || !stream_->Write(RecordIoFrame(payload))) {
    return base::Status::Unavailable("no event stream to the executor");
  }
  return base::Status::Ok();
}

void FakeAgent::DropStream() {
  if (stream_) stream_->Abort();
  Changed();
}

void FakeAgent::StopListening() {
  server_.StopListening();
  server_.CloseConnections();
  if (state_ == ExecutorState::kRunning || state_ == ExecutorState::kTerminating) {
    // A checkpointed executor is recovered and must re-subscribe; others
    // are not recovered at all.
    if (options_.checkpoint) {
      state_ = ExecutorState::kRegistering;
    } else {
      framework_known_ = false;
    }
  }
  Changed();
}

base::Status FakeAgent::StartListening() {
  base::Status status = server_.Listen(port());
  Changed();
  return status;
}

void FakeAgent::Restart(const RestartOptions& restart) {
  StopListening();
  const base::Clock::duration window = restart.reregistration.value_or(
      std::chrono::duration_cast<base::Clock::duration>(options_.subscription_backoff_max));
  timers_.After(restart.downtime, [this, recovery = restart.recovery, window] {
    SetRecovery(recovery.count() > 0 ? RecoveryPhase::kContainerizer : RecoveryPhase::kReregistering);
    if (base::Status listening = StartListening(); !listening.ok()) {
      spdlog::error("local agent: {}", listening.message());
    }
    timers_.After(recovery, [this, window] {
      SetRecovery(RecoveryPhase::kReregistering);
      timers_.After(window, [this] { ReregistrationWindowClosed(); });
    });
  });
}

void FakeAgent::ReregistrationWindowClosed() {
  SetRecovery(RecoveryPhase::kNone);
  if (options_.checkpoint && state_ == ExecutorState::kRegistering && subscription_ > 0) {
    Destroy(options_.partition_aware ? "TASK_GONE" : "TASK_LOST",
            "REASON_EXECUTOR_REREGISTRATION_TIMEOUT");
  }
}

void FakeAgent::SetRecovery(RecoveryPhase phase) {
  recovery_ = phase;
  Changed();
}

// --- Observation -------------------------------------------------------------

std::optional<std::string> FakeAgent::TaskState(std::string_view task_id) const {
  auto task = tasks_.find(task_id);
  if (task == tasks_.end()) return std::nullopt;
  return task->second.state;
}

asio::awaitable<bool> FakeAgent::WaitUntil(std::function<bool()> condition, base::Deadline deadline) {
  co_return co_await changed_.WaitUntil(std::move(condition), deadline);
}

asio::awaitable<base::Result<StatusUpdateRecord>> FakeAgent::NextUpdate(base::Deadline deadline) {
  const bool arrived = co_await WaitUntil([this] { return next_update_ < updates_.size(); }, deadline);
  if (!arrived) {
    co_return base::Status::Timeout("no further status update arrived");
  }
  co_return updates_[next_update_++];
}

asio::awaitable<base::Result<StatusUpdateRecord>> FakeAgent::WaitForState(std::string task_id,
                                                                         std::string state,
                                                                         base::Deadline deadline) {
  auto find = [&]() -> const StatusUpdateRecord* {
    for (const StatusUpdateRecord& record : updates_) {
      if (record.task_id == task_id && record.state == state &&
          (record.disposition == UpdateDisposition::kApplied ||
           record.disposition == UpdateDisposition::kSynthesized)) {
        return &record;
      }
    }
    return nullptr;
  };
  const bool reached = co_await WaitUntil([&] { return find() != nullptr; }, deadline);
  if (!reached) {
    std::optional<std::string> now = TaskState(task_id);
    co_return base::Status::Timeout("task " + task_id + " did not reach " + state + " (it is " +
                                    now.value_or("unknown") + ")");
  }
  co_return *find();
}

asio::awaitable<base::Status> FakeAgent::WaitSubscribed(base::Deadline deadline, int count) {
  const bool subscribed = co_await WaitUntil(
      [this, count] { return subscription_ >= static_cast<uint64_t>(count); }, deadline);
  if (!subscribed) {
    co_return base::Status::Timeout("the executor did not subscribe (" + std::to_string(count) +
                                    " expected, " + std::to_string(subscription_) + " seen)");
  }
  co_return base::Status::Ok();
}

}  // namespace local_agent
