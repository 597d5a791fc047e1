// FakeAgent: a Mesos agent as one executor sees it, faithful to the v1
// executor API (spec §2, §5, §6, §9, §10.2, §13): it serves
// /api/v1/executor and /slave(1)/api/v1/executor, validates every call as
// the agent does (call_validation.h), streams SUBSCRIBED, LAUNCH, KILL,
// ACKNOWLEDGED and SHUTDOWN as JSON RecordIO, tracks tasks the way the
// agent's status update handling does, and can launch the executor process
// with the agent's environment.
//
// It plays the scheduler's part too (Launch, Kill, Shutdown) and lets tests
// break things (DropStream, Restart, recovery phases, no ACKs). It records
// every call and every status update with its arrival time, and offers
// awaitable waits with deadlines.
//
// Everything runs on one io_context and nothing blocks: scheduler and fault
// methods only change state and queue events.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/child_process.h"
#include "base/deadline.h"
#include "base/status.h"
#include "net/http_server.h"
#include "tools/local_agent/agent_options.h"
#include "tools/local_agent/call_validation.h"
#include "tools/local_agent/notifier.h"
#include "tools/local_agent/timers.h"

namespace local_agent {

// How the executor process ended (WaitExecutorExit).
using base::ExitStatus;

// One request to the executor endpoint (or any other path) and the answer.
struct CallRecord {
  base::Clock::time_point at;
  std::string method;
  std::string target;
  std::string body;
  std::string type;  // "SUBSCRIBE", "UPDATE", ...; empty if the body did not convert
  unsigned status = 0;
  std::string response_body;
};

enum class UpdateDisposition {
  kApplied,        // new state of a known task; acknowledged
  kDuplicate,      // uuid seen before for the task; acknowledged again, no change
  kAfterTerminal,  // the task had ended; dropped but acknowledged
  kUnknownTask,    // the agent does not know the task; never acknowledged
  kForeignAgent,   // status.agent_id is not this agent; never acknowledged
  kSynthesized,    // made by the agent itself (SOURCE_AGENT), not by the executor
};

const char* DispositionName(UpdateDisposition disposition);

// A status update that got its 202 (or that the agent generated).
struct StatusUpdateRecord {
  base::Clock::time_point at;
  boost::json::object status;  // TaskStatus as the agent converted it
  std::string task_id;
  std::string state;
  std::string reason;  // empty when absent
  std::string source;
  std::string message;
  std::string uuid;    // base64
  std::optional<bool> healthy;
  UpdateDisposition disposition = UpdateDisposition::kApplied;
  bool from_subscribe = false;  // resent in SUBSCRIBE.unacknowledged_updates
  bool acknowledged = false;    // an ACKNOWLEDGED is (or was) due for it
};

// What an accepted SUBSCRIBE brought along.
struct SubscribeRecord {
  base::Clock::time_point at;
  std::vector<boost::json::object> unacknowledged_tasks;
  std::vector<std::string> unacknowledged_updates;  // uuids, base64
};

struct RestartOptions {
  base::Clock::duration downtime{0};  // not listening at all
  base::Clock::duration recovery{0};  // then every call gets 503
  // Then SUBSCRIBE is accepted and other calls get 503; when the window
  // closes an executor that has not re-subscribed is destroyed and its
  // tasks become TASK_LOST (TASK_GONE if partition-aware) with
  // REASON_EXECUTOR_REREGISTRATION_TIMEOUT. Default: the agent's
  // subscription_backoff_max (= --executor_reregistration_timeout).
  std::optional<base::Clock::duration> reregistration;
};

struct ExecutorLaunch {
  std::string path;
  std::vector<std::string> args;
  std::string sandbox;      // created if missing; the executor's working directory
  KeyValues extra_environment;  // on top of the agent's and the ExecutorInfo's variables
  bool inherit_output = false;  // else stdout/stderr go to <sandbox>/stdout, <sandbox>/stderr
};

class FakeAgent {
 public:
  FakeAgent(boost::asio::any_io_executor executor, AgentOptions options);
  ~FakeAgent();  // closes everything; a launched executor is killed
  FakeAgent(const FakeAgent&) = delete;
  FakeAgent& operator=(const FakeAgent&) = delete;

  // Starts listening on 127.0.0.1 (options.port, or any free port).
  base::Status Start();
  uint16_t port() const { return server_.port(); }
  net::Endpoint endpoint() const { return server_.endpoint(); }
  const AgentOptions& options() const { return options_; }

  // --- Executor process -------------------------------------------------
  // The environment the executor gets (agent variables, then the
  // ExecutorInfo's command environment, then `extra`).
  KeyValues ExecutorEnvironment(const std::string& sandbox, const KeyValues& extra) const;
  // Starts the executor like the agent does; if it has not subscribed
  // within options.registration_timeout it is killed. When it exits, every
  // task not yet terminal becomes TASK_FAILED / REASON_EXECUTOR_TERMINATED.
  base::Status StartExecutor(const ExecutorLaunch& launch);
  base::ChildProcess* executor_process() { return process_.get(); }
  boost::asio::awaitable<base::Result<ExitStatus>> WaitExecutorExit(base::Deadline deadline);

  // --- Scheduler side ---------------------------------------------------
  // Queues a task for the executor (delivered after SUBSCRIBED, or at once
  // when subscribed). The first task's `executor` becomes the ExecutorInfo
  // in SUBSCRIBED; a missing agent_id is filled in.
  base::Status Launch(boost::json::object task_info);
  // KILL with an optional kill_policy grace period. A task not yet
  // delivered is killed by the agent itself (TASK_KILLED,
  // REASON_TASK_KILLED_DURING_LAUNCH); if that leaves the executor without
  // any task, it is shut down.
  base::Status Kill(std::string_view task_id,
                    std::optional<std::chrono::nanoseconds> grace = std::nullopt);
  // SHUTDOWN; after options.shutdown_grace the executor's process group is
  // SIGKILLed (or, with no process, its stream ended) and every task
  // not yet terminal becomes TASK_FAILED / REASON_EXECUTOR_TERMINATED.
  void Shutdown();
  // A framework message (opaque bytes) on the stream.
  base::Status SendFrameworkMessage(std::string_view data);

  // --- Faults -----------------------------------------------------------
  // Closes the event stream's connection, as a network failure would. The
  // agent keeps considering the executor subscribed (as a real one does).
  void DropStream();
  // Fault injection: writes `payload` as one RecordIO record on the event
  // stream, whatever it contains (a malformed event, an unknown type).
  base::Status SendRawRecord(std::string_view payload);
  // The agent process goes away: stops listening, closes every connection.
  // With checkpointing the executor must re-subscribe afterwards; without,
  // the framework is forgotten ("Framework cannot be found").
  void StopListening();
  // The agent is back on the same port.
  base::Status StartListening();
  // StopListening, then StartListening and the recovery phases, on timers.
  void Restart(const RestartOptions& restart);
  void SetRecovery(RecoveryPhase phase);
  // Whether accepted updates get ACKNOWLEDGED (updates accepted while off
  // are never acknowledged).
  void SetAcknowledge(bool acknowledge) { acknowledge_ = acknowledge; }

  // --- Observation ------------------------------------------------------
  const std::vector<CallRecord>& calls() const { return calls_; }
  const std::vector<StatusUpdateRecord>& updates() const { return updates_; }
  const std::vector<SubscribeRecord>& subscribes() const { return subscribes_; }
  // The agent's view of a task's state ("TASK_STAGING" until an update).
  std::optional<std::string> TaskState(std::string_view task_id) const;
  // Subscribed and not since restarted or shut down; a dropped stream does
  // not change it (the agent does not notice).
  bool subscribed() const { return state_ == ExecutorState::kRunning; }
  bool listening() const { return server_.listening(); }
  RecoveryPhase recovery() const { return recovery_; }
  bool stream_open() const;

  // The next record of updates() not returned before (a cursor).
  boost::asio::awaitable<base::Result<StatusUpdateRecord>> NextUpdate(base::Deadline deadline);
  // The first update (applied or synthesized) putting `task_id` in `state`.
  boost::asio::awaitable<base::Result<StatusUpdateRecord>> WaitForState(std::string task_id,
                                                                       std::string state,
                                                                       base::Deadline deadline);
  // Until `count` SUBSCRIBEs have been accepted in total.
  boost::asio::awaitable<base::Status> WaitSubscribed(base::Deadline deadline, int count = 1);
  // Until `condition()` holds; it is checked after every change of state.
  boost::asio::awaitable<bool> WaitUntil(std::function<bool()> condition, base::Deadline deadline);

 private:
  enum class ExecutorState { kRegistering, kRunning, kTerminating, kTerminated };

  struct Task {
    boost::json::object info;
    std::string state = "TASK_STAGING";
    bool delivered = false;
    std::set<std::string> uuids;
  };

  void Serve(net::ServerExchange& exchange);
  void Subscribe(net::ServerExchange& exchange, const boost::json::object& call);
  void ProcessUpdate(const boost::json::object& status, bool from_subscribe);
  void Synthesize(const std::string& task_id, std::string state, std::string reason,
                  std::string message);
  // The executor's container is destroyed: its process group killed, or
  // (with no process) its connection closed; then ExecutorGone.
  void Destroy(std::string task_state, std::string reason);
  // Every task not yet terminal gets `task_state` with `reason`.
  void ExecutorGone(const std::string& task_state, const std::string& reason);
  void DeliverQueued(uint64_t subscription);
  void Heartbeat(uint64_t subscription);
  bool SendEvent(const boost::json::object& event);
  void ReregistrationWindowClosed();
  boost::json::object ExecutorInfo() const;
  void Changed() { changed_.Notify(); }

  boost::asio::any_io_executor executor_;
  AgentOptions options_;
  net::HttpServer server_;
  Timers timers_;
  Notifier changed_;

  ExecutorState state_ = ExecutorState::kRegistering;
  bool framework_known_ = true;
  RecoveryPhase recovery_ = RecoveryPhase::kNone;
  bool acknowledge_;
  std::shared_ptr<net::ResponseStream> stream_;
  uint64_t subscription_ = 0;  // counts accepted SUBSCRIBEs
  std::optional<boost::json::object> executor_info_;  // from the first launched task
  std::string executor_command_ = "sidecar-executor";
  std::map<std::string, Task, std::less<>> tasks_;
  std::vector<std::string> queued_;  // task ids not yet delivered, in launch order
  // How tasks end when the executor process dies; set when the agent kills it.
  std::pair<std::string, std::string> termination_{"TASK_FAILED", "REASON_EXECUTOR_TERMINATED"};

  std::vector<CallRecord> calls_;
  std::vector<StatusUpdateRecord> updates_;
  std::vector<SubscribeRecord> subscribes_;
  std::size_t next_update_ = 0;

  std::unique_ptr<base::ChildProcess> process_;  // destroyed first: its callback uses the rest
};

}  // namespace local_agent
