// The v1 executor API messages this executor exchanges with the agent, in
// JSON (mesos-executor-api.md §3, §5, §6).
//
// Events are parsed into small structs; a TaskInfo is kept as the JSON object
// the agent sent, because it must be echoed back unchanged in
// SUBSCRIBE.unacknowledged_tasks and because the executor core maps it itself.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"

namespace mesos {

enum class TaskState {
  kStarting,
  kRunning,
  kKilling,
  kFinished,
  kFailed,
  kKilled,
};
const char* TaskStateName(TaskState state);  // "TASK_RUNNING"
bool IsTerminal(TaskState state);

// The reasons this executor reports (mesos-executor-api.md §8.2).
enum class Reason {
  kNone,
  kContainerLaunchFailed,
  kContainerLimitationMemory,
  kTaskInvalid,
  kTaskHealthCheckStatusUpdated,
  kExecutorTerminated,
};
const char* ReasonName(Reason reason);  // "REASON_TASK_INVALID"; "" for kNone

// What the executor reports about its task; the agent client adds the
// envelope (uuid, timestamp, source, executor id).
struct TaskStatus {
  std::string task_id;
  TaskState state = TaskState::kStarting;
  Reason reason = Reason::kNone;
  std::string message;
  std::optional<bool> healthy;
};

struct Subscribed {
  std::string agent_hostname;
  std::string container_id;
  bool task_killing_capability = false;
};

struct Launch {
  std::string task_id;
  boost::json::object task;  // TaskInfo as received
};

struct LaunchGroup {
  std::vector<Launch> tasks;
};

struct Kill {
  std::string task_id;
  std::optional<std::chrono::nanoseconds> grace;  // kill_policy.grace_period
};

struct Acknowledged {
  std::string task_id;
  std::string uuid;  // raw 16 bytes
};

struct Message {
  std::string data;  // raw bytes
};

struct Shutdown {};

struct Error {
  std::string message;
};

struct Heartbeat {};

struct Unknown {
  std::string type;
};

using Event = std::variant<Subscribed, Launch, LaunchGroup, Kill, Acknowledged, Message,
                           Shutdown, Error, Heartbeat, Unknown>;

// Parses one Event record. A malformed record is an error (the caller logs
// and skips it); an unknown or missing type is Unknown.
base::Result<Event> ParseEvent(std::string_view json);

// The task_id of a TaskInfo, or an error when it has none.
base::Result<std::string> TaskIdOf(const boost::json::object& task);

// Identity carried by every call.
struct CallIds {
  std::string framework_id;
  std::string executor_id;
};

// Builds the Call.Update object ({"status": {...}}) for a status with the
// given envelope. Kept verbatim for resending in SUBSCRIBE.
boost::json::object MakeUpdate(const CallIds& ids, const TaskStatus& status,
                               std::string_view uuid_bytes, double timestamp_seconds);

std::string SubscribeCall(const CallIds& ids,
                          const std::vector<const boost::json::object*>& unacknowledged_tasks,
                          const std::vector<const boost::json::object*>& unacknowledged_updates);
std::string UpdateCall(const CallIds& ids, const boost::json::object& update);
std::string HeartbeatCall(const CallIds& ids);

}  // namespace mesos
