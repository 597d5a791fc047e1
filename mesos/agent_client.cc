#include "mesos/agent_client.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "mesos/recordio.h"

namespace mesos {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;

namespace {

// Connecting and each call get this long; the agent answers in milliseconds.
constexpr auto kCallTimeout = 10s;
// The agent answers 503 while it recovers; the Mesos library retries every second.
constexpr auto kSubscribeRetryInterval = 1s;
// How long SUBSCRIBE keeps being retried on 503/404 before the attempt counts as failed.
constexpr auto kSubscribeAttemptLimit = 60s;
// The agent's heartbeat interval; we prove the agent alive at the same rate.
constexpr auto kHeartbeatInterval = 30min;

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string NewUuid() {
  boost::uuids::random_generator generator;
  const boost::uuids::uuid uuid = generator();
  return std::string(reinterpret_cast<const char*>(uuid.data), uuid.size());
}

std::string UuidText(const std::string& raw) {
  boost::uuids::uuid uuid{};
  std::copy_n(raw.begin(), std::min(raw.size(), uuid.size()), uuid.begin());
  return boost::uuids::to_string(uuid);
}

std::string Seconds(std::chrono::nanoseconds d) {
  return std::to_string(std::chrono::duration<double>(d).count()) + "s";
}

}  // namespace

AgentClient::AgentClient(asio::any_io_executor executor, AgentEnvironment env, EventHandler handler)
    : env_(std::move(env)),
      ids_{env_.framework_id, env_.executor_id},
      handler_(std::move(handler)),
      executor_(executor),
      updates_queued_(executor),
      acknowledgements_(executor),
      stop_requested_(executor),
      random_(std::random_device{}()) {}

void AgentClient::Stop() {
  stopping_ = true;
  stop_requested_.Set();
}

void AgentClient::Observe(const AgentActivity& activity) const {
  if (observer_) observer_(activity);
}

AgentActivity AgentClient::ActivityOf(AgentActivity::Kind kind, const PendingUpdate& update) const {
  AgentActivity activity;
  activity.kind = kind;
  activity.subscription = subscription_;
  activity.task_id = update.task_id;
  activity.state = TaskStateName(update.state);
  activity.uuid = UuidText(update.uuid);
  return activity;
}

net::Request AgentClient::Call(std::string body) const {
  net::Request request;
  request.method = net::http::verb::post;
  request.target = env_.api_path;
  request.content_type = "application/json";
  request.body = std::move(body);
  request.headers.emplace_back("Accept", "application/json");
  if (env_.auth_token) request.headers.emplace_back("Authorization", "Bearer " + *env_.auth_token);
  return request;
}

std::string AgentClient::Update(const TaskStatus& status) {
  std::string uuid = NewUuid();
  // Recorded before sending: the ACK may overtake the POST's response.
  pending_.push_back({uuid, status.task_id, status.state, MakeUpdate(ids_, status, uuid, NowSeconds()), 0});
  updates_queued_.Notify();
  return uuid;
}

asio::awaitable<bool> AgentClient::WaitAcknowledged(const std::string& uuid, base::Deadline deadline) {
  while (!acknowledged_.contains(uuid)) {
    if (rejected_.contains(uuid)) co_return false;
    const bool woken = co_await base::WithDeadline(acknowledgements_.Wait(), deadline);
    if (!woken) co_return false;
  }
  co_return true;
}

asio::awaitable<base::Status> AgentClient::Run() {
  std::optional<base::Deadline> recovery_deadline;  // set once the agent is lost
  int attempts = 0;
  for (;;) {
    reached_subscribed_ = false;
    auto outcome = co_await (Session() || stop_requested_.Wait());
    subscribed_ = false;
    if (stopping_) co_return base::Status::Ok();
    const base::Status lost = std::get<0>(outcome);
    const bool cancelled = co_await base::Cancelled();
    if (cancelled) co_return lost;  // the executor is leaving: nothing was lost
    AgentActivity disconnected;
    disconnected.kind = AgentActivity::Kind::kDisconnected;
    disconnected.subscription = subscription_;
    disconnected.detail = lost.message();
    Observe(disconnected);
    if (!env_.checkpoint) {
      co_return lost.Wrap("lost the agent, and without framework checkpointing it will not recover this executor");
    }
    if (reached_subscribed_ || !recovery_deadline) {
      recovery_deadline = base::After(env_.recovery_timeout);
      attempts = 0;
      spdlog::warn("Lost the agent ({}); re-subscribing for up to {} (MESOS_RECOVERY_TIMEOUT)",
                   lost.message(), Seconds(env_.recovery_timeout));
    }
    if (base::Clock::now() >= *recovery_deadline) {
      co_return base::Status::Timeout("could not re-subscribe with the agent within MESOS_RECOVERY_TIMEOUT (" +
                                      Seconds(env_.recovery_timeout) + "): " + lost.message());
    }
    // First retry at once, then uniformly random waits bounded by
    // MESOS_SUBSCRIPTION_BACKOFF_MAX, which is also the agent's window for
    // re-registration after its restart.
    if (attempts++ > 0) {
      const int64_t max_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(env_.subscription_backoff_max).count();
      std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(max_ms, 1));
      const base::Deadline wake =
          std::min(base::After(std::chrono::milliseconds(pick(random_))), *recovery_deadline);
      co_await (base::SleepUntil(wake) || stop_requested_.Wait());
      if (stopping_) co_return base::Status::Ok();
    }
  }
}

asio::awaitable<base::Result<std::unique_ptr<net::HttpConnection>>> AgentClient::Subscribe() {
  std::vector<const boost::json::object*> tasks;
  for (const auto& [id, task] : unacknowledged_tasks_) tasks.push_back(&task);
  std::vector<const boost::json::object*> updates;
  for (const PendingUpdate& p : pending_) updates.push_back(&p.update);
  const net::Request request = Call(SubscribeCall(ids_, tasks, updates));

  const base::Deadline give_up = base::After(kSubscribeAttemptLimit);
  for (;;) {
    auto connection = co_await net::HttpConnection::Connect(env_.endpoint, base::After(kCallTimeout));
    if (!connection.ok()) co_return connection.status();
    auto head = co_await (*connection)->SendStreaming(request, base::After(kCallTimeout));
    if (!head.ok()) co_return head.status().Wrap("SUBSCRIBE");
    if (head->status == 200) co_return std::move(connection).value();
    // 503: the agent is still recovering; 404: its route is not installed yet.
    if ((head->status == 503 || head->status == 404) && base::Clock::now() < give_up) {
      spdlog::info("Agent answered SUBSCRIBE with {}; retrying in 1s", head->status);
      co_await base::SleepUntil(base::After(kSubscribeRetryInterval));
      continue;
    }
    std::string body;
    for (int i = 0; i < 4; ++i) {
      auto piece = co_await (*connection)->ReadSome(base::After(kCallTimeout));
      if (!piece.ok() || piece->empty()) break;
      body.append(*piece);
    }
    co_return base::Status::Failed("agent refused SUBSCRIBE with " + std::to_string(head->status) +
                                   (body.empty() ? "" : ": " + body.substr(0, 300)));
  }
}

asio::awaitable<base::Status> AgentClient::Session() {
  auto stream = co_await Subscribe();
  if (!stream.ok()) co_return stream.status();
  ++subscription_;
  // Everything pending went out inside this SUBSCRIBE.
  for (PendingUpdate& p : pending_) {
    p.sent_in_subscription = subscription_;
    AgentActivity resent = ActivityOf(AgentActivity::Kind::kUpdateSent, p);
    resent.resent = true;
    Observe(resent);
  }
  auto ended = co_await (ReadEvents(**stream) || SendUpdates() || SendHeartbeats());
  co_return std::visit([](const base::Status& s) { return s; }, ended);
}

asio::awaitable<base::Status> AgentClient::ReadEvents(net::HttpConnection& stream) {
  RecordIoDecoder decoder;
  std::vector<std::string> records;
  for (;;) {
    // No deadline of its own: the agent may stay silent for days. Liveness is
    // proved by SendHeartbeats(), which ends the session when the agent is gone.
    auto bytes = co_await stream.ReadSome(base::kNoDeadline);
    if (!bytes.ok()) co_return bytes.status().Wrap("event stream");
    if (bytes->empty()) co_return base::Status::Unavailable("the agent closed the event stream");
    records.clear();
    base::Status framing = decoder.Feed(*bytes, records);
    for (const std::string& record : records) Dispatch(record);
    if (!framing.ok()) co_return base::Status::Unavailable(framing.message());
  }
}

void AgentClient::Dispatch(const std::string& record) {
  base::Result<Event> event = ParseEvent(record);
  if (!event.ok()) {
    spdlog::warn("Skipping a malformed event from the agent: {}", event.status().message());
    return;
  }
  if (std::holds_alternative<Subscribed>(*event)) {
    subscribed_ = true;
    reached_subscribed_ = true;
    updates_queued_.Notify();
    AgentActivity activity;
    activity.kind = AgentActivity::Kind::kSubscribed;
    activity.subscription = subscription_;
    Observe(activity);
  } else if (const Launch* launch = std::get_if<Launch>(&*event)) {
    unacknowledged_tasks_.emplace_back(launch->task_id, launch->task);
  } else if (const LaunchGroup* group = std::get_if<LaunchGroup>(&*event)) {
    for (const Launch& l : group->tasks) unacknowledged_tasks_.emplace_back(l.task_id, l.task);
  } else if (const Acknowledged* ack = std::get_if<Acknowledged>(&*event)) {
    OnAcknowledged(*ack);
  }
  handler_(*event);
}

void AgentClient::OnAcknowledged(const Acknowledged& ack) {
  auto it = std::find_if(pending_.begin(), pending_.end(),
                         [&](const PendingUpdate& p) { return p.uuid == ack.uuid; });
  if (it == pending_.end()) {
    spdlog::info("Acknowledgement for an unknown update of task {}; ignoring it", ack.task_id);
    return;
  }
  Observe(ActivityOf(AgentActivity::Kind::kUpdateAcknowledged, *it));
  pending_.erase(it);
  acknowledged_.insert(ack.uuid);
  std::erase_if(unacknowledged_tasks_, [&](const auto& entry) { return entry.first == ack.task_id; });
  acknowledgements_.Notify();
}

AgentClient::PendingUpdate* AgentClient::NextUnsent() {
  for (PendingUpdate& p : pending_) {
    if (p.sent_in_subscription != subscription_) return &p;
  }
  return nullptr;
}

asio::awaitable<base::Status> AgentClient::SendUpdates() {
  std::unique_ptr<net::HttpConnection> calls;
  for (;;) {
    PendingUpdate* next = subscribed_ ? NextUnsent() : nullptr;
    if (!next) {
      co_await updates_queued_.Wait();
      const bool cancelled = co_await base::Cancelled();
      if (cancelled) co_return base::Status::Cancelled("session ended");
      continue;
    }
    if (!calls || !calls->is_open()) {
      auto connection = co_await net::HttpConnection::Connect(env_.endpoint, base::After(kCallTimeout));
      if (!connection.ok()) co_return connection.status().Wrap("calls connection");
      calls = std::move(connection).value();
    }
    const std::string uuid = next->uuid;
    const uint64_t subscription = subscription_;
    const AgentActivity sent = ActivityOf(AgentActivity::Kind::kUpdateSent, *next);
    // One update in flight at a time keeps them in order at the agent.
    auto response = co_await calls->Send(Call(UpdateCall(ids_, next->update)), base::After(kCallTimeout));
    if (!response.ok()) co_return response.status().Wrap("sending an update");
    auto it = std::find_if(pending_.begin(), pending_.end(), [&](const PendingUpdate& p) { return p.uuid == uuid; });
    if (response->status == 202) Observe(sent);
    if (it == pending_.end()) continue;  // acknowledged while we waited for the 202
    if (response->status == 202) {
      it->sent_in_subscription = subscription;
    } else if (response->status == 503) {
      co_await base::SleepUntil(base::After(kSubscribeRetryInterval));
    } else {
      // Our updates are valid by construction, so the agent will never take
      // this one; keeping it would only block the ones behind it.
      AgentActivity rejected = ActivityOf(AgentActivity::Kind::kUpdateRejected, *it);
      rejected.detail = net::DescribeFailure(Call(""), *response);
      spdlog::error("The agent rejected an update for task {}: {}", it->task_id, rejected.detail);
      Observe(rejected);
      rejected_.insert(uuid);
      pending_.erase(it);
      acknowledgements_.Notify();
    }
  }
}

asio::awaitable<base::Status> AgentClient::SendHeartbeats() {
  for (;;) {
    const bool slept = co_await base::SleepUntil(base::After(kHeartbeatInterval));
    if (!slept) {
      co_return base::Status::Cancelled("session ended");
    }
    auto response = co_await net::Fetch(env_.endpoint, Call(HeartbeatCall(ids_)), base::After(kCallTimeout));
    if (!response.ok()) co_return response.status().Wrap("heartbeat");
  }
}

}  // namespace mesos
