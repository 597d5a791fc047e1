// AgentClient: the executor's side of the Mesos v1 executor HTTP API.
//
// It keeps one subscription alive (the SUBSCRIBE event stream on its own
// connection, calls on a second one), decodes events and hands them to the
// executor, and owns the reliability rules of §9–§10: every update is kept
// until ACKNOWLEDGED and resent in the next SUBSCRIBE with the tasks that
// have no acknowledged update yet; after a disconnect it re-subscribes with
// a capped random backoff when the framework checkpoints, and gives up when
// it does not or when MESOS_RECOVERY_TIMEOUT passes.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <list>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "base/async_event.h"
#include "base/status.h"
#include "mesos/agent_environment.h"
#include "mesos/messages.h"
#include "base/deadline.h"
#include "net/http_client.h"

namespace mesos {

// What the client did on the wire, for the executor's timeline.
struct AgentActivity {
  enum class Kind {
    kSubscribed,          // SUBSCRIBED arrived; `subscription` counts them (2+ after a reconnect)
    kDisconnected,        // the session ended; `detail` says why
    kUpdateSent,          // the agent took an update (202), or it went out inside a SUBSCRIBE
    kUpdateAcknowledged,  // ACKNOWLEDGED for an update
    kUpdateRejected,      // the agent refused an update for good; `detail` has its answer
  };
  Kind kind = Kind::kSubscribed;
  uint64_t subscription = 0;
  std::string task_id;  // the update kinds
  std::string state;    // the update kinds: "TASK_RUNNING"
  std::string uuid;     // the update kinds, in its text form
  bool resent = false;  // kUpdateSent: inside a SUBSCRIBE
  std::string detail;
};

class AgentClient {
 public:
  // Called for every decoded event, in stream order. It must not block: it
  // records what happened and returns.
  using EventHandler = std::function<void(const Event&)>;
  // Like the EventHandler, it must only record and return.
  using ActivityObserver = std::function<void(const AgentActivity&)>;

  AgentClient(boost::asio::any_io_executor executor, AgentEnvironment env, EventHandler handler);

  // Keeps the subscription alive. Returns Ok after Stop(); an error when the
  // agent is lost for good (no checkpointing, or recovery timed out).
  boost::asio::awaitable<base::Status> Run();

  // Ends Run() and closes the connections.
  void Stop();

  void SetActivityObserver(ActivityObserver observer) { observer_ = std::move(observer); }

  // Records `status` as unacknowledged, then sends it as soon as the
  // executor is subscribed (or in the next SUBSCRIBE). Returns its uuid.
  std::string Update(const TaskStatus& status);

  // Waits until update `uuid` is acknowledged (true), the agent rejected it,
  // or the deadline passes (false).
  boost::asio::awaitable<bool> WaitAcknowledged(const std::string& uuid, base::Deadline deadline);

  bool subscribed() const { return subscribed_; }
  std::size_t unacknowledged_updates() const { return pending_.size(); }
  const AgentEnvironment& environment() const { return env_; }

 private:
  struct PendingUpdate {
    std::string uuid;  // raw 16 bytes
    std::string task_id;
    TaskState state;
    boost::json::object update;
    uint64_t sent_in_subscription = 0;  // 0 = not yet sent
  };

  boost::asio::awaitable<base::Status> Session();
  boost::asio::awaitable<base::Result<std::unique_ptr<net::HttpConnection>>> Subscribe();
  boost::asio::awaitable<base::Status> ReadEvents(net::HttpConnection& stream);
  boost::asio::awaitable<base::Status> SendUpdates();
  boost::asio::awaitable<base::Status> SendHeartbeats();
  void Dispatch(const std::string& record);
  void OnAcknowledged(const Acknowledged& ack);
  PendingUpdate* NextUnsent();
  net::Request Call(std::string body) const;
  void Observe(const AgentActivity& activity) const;
  AgentActivity ActivityOf(AgentActivity::Kind kind, const PendingUpdate& update) const;

  AgentEnvironment env_;
  CallIds ids_;
  EventHandler handler_;
  ActivityObserver observer_;
  boost::asio::any_io_executor executor_;

  std::list<PendingUpdate> pending_;
  std::vector<std::pair<std::string, boost::json::object>> unacknowledged_tasks_;
  std::set<std::string> acknowledged_;
  std::set<std::string> rejected_;

  uint64_t subscription_ = 0;  // counts successful SUBSCRIBE requests
  bool subscribed_ = false;
  bool reached_subscribed_ = false;  // in the current session
  bool stopping_ = false;
  base::AsyncEvent updates_queued_;
  base::AsyncEvent acknowledgements_;
  base::AsyncEvent stop_requested_;
  std::mt19937 random_;
};

}  // namespace mesos
