#include "mesos/messages.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "base/base64.h"
#include "base/int64_range.h"

namespace mesos {

namespace json = boost::json;

const char* TaskStateName(TaskState state) {
  switch (state) {
    case TaskState::kStarting: return "TASK_STARTING";
    case TaskState::kRunning: return "TASK_RUNNING";
    case TaskState::kKilling: return "TASK_KILLING";
    case TaskState::kFinished: return "TASK_FINISHED";
    case TaskState::kFailed: return "TASK_FAILED";
    case TaskState::kKilled: return "TASK_KILLED";
  }
  return "TASK_UNKNOWN";
}

bool IsTerminal(TaskState state) {
  return state == TaskState::kFinished || state == TaskState::kFailed || state == TaskState::kKilled;
}

const char* ReasonName(Reason reason) {
  switch (reason) {
    case Reason::kNone: return "";
    case Reason::kContainerLaunchFailed: return "REASON_CONTAINER_LAUNCH_FAILED";
    case Reason::kContainerLimitationMemory: return "REASON_CONTAINER_LIMITATION_MEMORY";
    case Reason::kTaskInvalid: return "REASON_TASK_INVALID";
    case Reason::kTaskHealthCheckStatusUpdated: return "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED";
    case Reason::kExecutorTerminated: return "REASON_EXECUTOR_TERMINATED";
  }
  return "";
}

namespace {

// {"value": "<id>"} -> "<id>", or nullptr when absent or malformed.
const json::string* IdValue(const json::object& parent, std::string_view key) {
  const json::value* id = parent.if_contains(key);
  if (!id || !id->is_object()) return nullptr;
  const json::value* value = id->as_object().if_contains("value");
  return value ? value->if_string() : nullptr;
}

const json::object* ObjectField(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  return v ? v->if_object() : nullptr;
}

// stout accepts JSON numbers and numeric strings for integers.
std::optional<int64_t> Int64Field(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= uint64_t(INT64_MAX)) return int64_t(v->as_uint64());
  if (v->is_double()) {
    // Converting a double beyond int64 is undefined (caught by fuzz/mesos_event_fuzzer).
    const double d = v->as_double();
    if (base::InInt64Range(d)) return int64_t(d);
    return std::nullopt;
  }
  if (const json::string* s = v->if_string()) {
    int64_t out = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
    if (ec == std::errc() && end == s->data() + s->size()) return out;
  }
  return std::nullopt;
}

// Boost.JSON reads a number beyond a double's range as infinity and would
// write it back as `Infinity`, which is not JSON: a TaskInfo holding one
// would make every later SUBSCRIBE, which echoes it, unreadable for the agent
// (found by fuzz/mesos_event_fuzzer). The agent never sends such a number.
bool HasNonFiniteNumber(const json::value& value) {
  switch (value.kind()) {
    case json::kind::double_: return !std::isfinite(value.get_double());
    case json::kind::array: return std::ranges::any_of(value.get_array(), HasNonFiniteNumber);
    case json::kind::object:
      return std::ranges::any_of(value.get_object(),
                                 [](const json::key_value_pair& entry) { return HasNonFiniteNumber(entry.value()); });
    default: return false;
  }
}

base::Status Malformed(std::string_view event, std::string_view what) {
  return base::Status::Invalid(std::string(event) + " event " + std::string(what));
}

base::Result<Event> ParseSubscribed(const json::object& event) {
  Subscribed subscribed;
  const json::object* body = ObjectField(event, "subscribed");
  if (!body) return Malformed("SUBSCRIBED", "has no 'subscribed' object");
  if (const json::object* agent = ObjectField(*body, "agent_info")) {
    if (const json::value* host = agent->if_contains("hostname"); host && host->is_string()) {
      subscribed.agent_hostname = host->as_string();
    }
  }
  if (const json::string* id = IdValue(*body, "container_id")) subscribed.container_id = *id;
  if (const json::object* framework = ObjectField(*body, "framework_info")) {
    if (const json::value* caps = framework->if_contains("capabilities"); caps && caps->is_array()) {
      for (const json::value& cap : caps->as_array()) {
        const json::object* c = cap.if_object();
        const json::value* type = c ? c->if_contains("type") : nullptr;
        if (type && type->is_string() && type->as_string() == "TASK_KILLING_STATE") {
          subscribed.task_killing_capability = true;
        }
      }
    }
  }
  return Event(std::move(subscribed));
}

base::Result<Launch> ParseTask(const json::value& task_value) {
  const json::object* task = task_value.if_object();
  if (!task) return base::Status::Invalid("TaskInfo is not an object");
  base::Result<std::string> id = TaskIdOf(*task);
  if (!id.ok()) return id.status();
  return Launch{std::move(id).value(), *task};
}

base::Result<Event> ParseLaunch(const json::object& event) {
  const json::object* body = ObjectField(event, "launch");
  const json::value* task = body ? body->if_contains("task") : nullptr;
  if (!task) return Malformed("LAUNCH", "has no 'launch.task'");
  base::Result<Launch> launch = ParseTask(*task);
  if (!launch.ok()) return launch.status().Wrap("LAUNCH event");
  return Event(std::move(launch).value());
}

base::Result<Event> ParseLaunchGroup(const json::object& event) {
  const json::object* body = ObjectField(event, "launch_group");
  const json::object* group = body ? ObjectField(*body, "task_group") : nullptr;
  const json::value* tasks = group ? group->if_contains("tasks") : nullptr;
  if (!tasks || !tasks->is_array()) return Malformed("LAUNCH_GROUP", "has no 'launch_group.task_group.tasks'");
  LaunchGroup launch_group;
  for (const json::value& task : tasks->as_array()) {
    base::Result<Launch> launch = ParseTask(task);
    if (!launch.ok()) return launch.status().Wrap("LAUNCH_GROUP event");
    launch_group.tasks.push_back(std::move(launch).value());
  }
  return Event(std::move(launch_group));
}

base::Result<Event> ParseKill(const json::object& event) {
  const json::object* body = ObjectField(event, "kill");
  const json::string* task_id = body ? IdValue(*body, "task_id") : nullptr;
  if (!task_id) return Malformed("KILL", "has no 'kill.task_id.value'");
  Kill kill{std::string(*task_id), std::nullopt};
  if (const json::object* policy = ObjectField(*body, "kill_policy")) {
    if (const json::object* grace = ObjectField(*policy, "grace_period")) {
      std::optional<int64_t> ns = Int64Field(*grace, "nanoseconds");
      if (!ns || *ns < 0) return Malformed("KILL", "has an invalid kill_policy.grace_period");
      kill.grace = std::chrono::nanoseconds(*ns);
    }
  }
  return Event(std::move(kill));
}

base::Result<Event> ParseAcknowledged(const json::object& event) {
  const json::object* body = ObjectField(event, "acknowledged");
  const json::string* task_id = body ? IdValue(*body, "task_id") : nullptr;
  const json::value* uuid = body ? body->if_contains("uuid") : nullptr;
  if (!task_id || !uuid || !uuid->is_string()) return Malformed("ACKNOWLEDGED", "lacks task_id or uuid");
  std::optional<std::string> raw = base::Base64Decode(uuid->as_string());
  if (!raw) return Malformed("ACKNOWLEDGED", "has a uuid that is not base64");
  return Event(Acknowledged{std::string(*task_id), std::move(*raw)});
}

base::Result<Event> ParseMessage(const json::object& event) {
  const json::object* body = ObjectField(event, "message");
  const json::value* data = body ? body->if_contains("data") : nullptr;
  if (!data || !data->is_string()) return Malformed("MESSAGE", "has no 'message.data'");
  std::optional<std::string> raw = base::Base64Decode(data->as_string());
  if (!raw) return Malformed("MESSAGE", "has data that is not base64");
  return Event(Message{std::move(*raw)});
}

base::Result<Event> ParseError(const json::object& event) {
  const json::object* body = ObjectField(event, "error");
  const json::value* message = body ? body->if_contains("message") : nullptr;
  return Event(Error{message && message->is_string() ? std::string(message->as_string()) : ""});
}

}  // namespace

base::Result<std::string> TaskIdOf(const json::object& task) {
  const json::string* id = IdValue(task, "task_id");
  if (!id || id->empty()) return base::Status::Invalid("TaskInfo has no task_id.value");
  return std::string(*id);
}

base::Result<Event> ParseEvent(std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec) return base::Status::Invalid("event is not JSON: " + ec.message());
  if (HasNonFiniteNumber(parsed)) return base::Status::Invalid("event has a number beyond the range of a double");
  const json::object* event = parsed.if_object();
  if (!event) return base::Status::Invalid("event is not a JSON object");
  const json::value* type_value = event->if_contains("type");
  const std::string type = type_value && type_value->is_string() ? std::string(type_value->as_string()) : "";
  if (type == "SUBSCRIBED") return ParseSubscribed(*event);
  if (type == "LAUNCH") return ParseLaunch(*event);
  if (type == "LAUNCH_GROUP") return ParseLaunchGroup(*event);
  if (type == "KILL") return ParseKill(*event);
  if (type == "ACKNOWLEDGED") return ParseAcknowledged(*event);
  if (type == "MESSAGE") return ParseMessage(*event);
  if (type == "SHUTDOWN") return Event(Shutdown{});
  if (type == "ERROR") return ParseError(*event);
  if (type == "HEARTBEAT") return Event(Heartbeat{});
  return Event(Unknown{type});
}

namespace {

json::object Id(std::string_view value) { return json::object{{"value", value}}; }

json::object CallHeader(const CallIds& ids, std::string_view type) {
  return json::object{{"type", type},
                      {"framework_id", Id(ids.framework_id)},
                      {"executor_id", Id(ids.executor_id)}};
}

}  // namespace

json::object MakeUpdate(const CallIds& ids, const TaskStatus& status, std::string_view uuid_bytes,
                        double timestamp_seconds) {
  json::object s;
  s["task_id"] = Id(status.task_id);
  s["executor_id"] = Id(ids.executor_id);
  s["state"] = TaskStateName(status.state);
  s["source"] = "SOURCE_EXECUTOR";
  if (status.reason != Reason::kNone) s["reason"] = ReasonName(status.reason);
  if (!status.message.empty()) s["message"] = status.message;
  if (status.healthy) s["healthy"] = *status.healthy;
  s["uuid"] = base::Base64Encode(uuid_bytes);
  s["timestamp"] = timestamp_seconds;
  return json::object{{"status", std::move(s)}};
}

std::string SubscribeCall(const CallIds& ids,
                          const std::vector<const json::object*>& unacknowledged_tasks,
                          const std::vector<const json::object*>& unacknowledged_updates) {
  json::object subscribe;
  if (!unacknowledged_tasks.empty()) {
    json::array tasks;
    for (const json::object* task : unacknowledged_tasks) tasks.push_back(*task);
    subscribe["unacknowledged_tasks"] = std::move(tasks);
  }
  if (!unacknowledged_updates.empty()) {
    json::array updates;
    for (const json::object* update : unacknowledged_updates) updates.push_back(*update);
    subscribe["unacknowledged_updates"] = std::move(updates);
  }
  json::object call = CallHeader(ids, "SUBSCRIBE");
  call["subscribe"] = std::move(subscribe);
  return json::serialize(call);
}

std::string UpdateCall(const CallIds& ids, const json::object& update) {
  json::object call = CallHeader(ids, "UPDATE");
  call["update"] = update;
  return json::serialize(call);
}

std::string HeartbeatCall(const CallIds& ids) { return json::serialize(CallHeader(ids, "HEARTBEAT")); }

}  // namespace mesos
