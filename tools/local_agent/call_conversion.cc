#include "tools/local_agent/call_conversion.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/local_agent/stout_base64.h"

namespace local_agent {
namespace json = boost::json;

namespace {

// A protobuf message shape, just enough for stout's JSON conversion.
enum class Kind { kString, kBytes, kBool, kInt, kUint, kDouble, kEnum, kMessage, kAnyMessage };

struct Message;

struct Field {
  std::string_view name;
  Kind kind;
  bool required = false;
  bool repeated = false;
  const Message* message = nullptr;                    // kMessage
  const std::vector<std::string_view>* names = nullptr;  // kEnum
};

struct Message {
  std::vector<Field> fields;
};

Field Required(std::string_view name, Kind kind) { return {name, kind, true}; }
Field Optional(std::string_view name, Kind kind) { return {name, kind}; }
Field Repeated(std::string_view name, Kind kind) { return {name, kind, false, true}; }
Field RequiredMessage(std::string_view name, const Message& m) {
  return {name, Kind::kMessage, true, false, &m};
}
Field OptionalMessage(std::string_view name, const Message& m) {
  return {name, Kind::kMessage, false, false, &m};
}
Field RepeatedMessage(std::string_view name, const Message& m) {
  return {name, Kind::kMessage, false, true, &m};
}
Field Enum(std::string_view name, const std::vector<std::string_view>& names, bool required) {
  return {name, Kind::kEnum, required, false, nullptr, &names};
}

const std::vector<std::string_view> kCallTypes = {"UNKNOWN", "SUBSCRIBE", "UPDATE", "MESSAGE",
                                                  "HEARTBEAT"};
const std::vector<std::string_view> kTaskStates = {
    "TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING",     "TASK_FINISHED",
    "TASK_FAILED",  "TASK_KILLED",   "TASK_ERROR",   "TASK_LOST",        "TASK_DROPPED",
    "TASK_UNREACHABLE", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN"};
const std::vector<std::string_view> kSources = {"SOURCE_MASTER", "SOURCE_AGENT",
                                                "SOURCE_EXECUTOR"};
const std::vector<std::string_view> kReasons = {
    "REASON_COMMAND_EXECUTOR_FAILED", "REASON_CONTAINER_LAUNCH_FAILED",
    "REASON_CONTAINER_LIMITATION", "REASON_CONTAINER_LIMITATION_DISK",
    "REASON_CONTAINER_LIMITATION_MEMORY", "REASON_CONTAINER_PREEMPTED",
    "REASON_CONTAINER_UPDATE_FAILED", "REASON_MAX_COMPLETION_TIME_REACHED",
    "REASON_EXECUTOR_REGISTRATION_TIMEOUT", "REASON_EXECUTOR_REREGISTRATION_TIMEOUT",
    "REASON_EXECUTOR_TERMINATED", "REASON_EXECUTOR_UNREGISTERED", "REASON_FRAMEWORK_REMOVED",
    "REASON_GC_ERROR", "REASON_INVALID_FRAMEWORKID", "REASON_INVALID_OFFERS",
    "REASON_IO_SWITCHBOARD_EXITED", "REASON_MASTER_DISCONNECTED", "REASON_RECONCILIATION",
    "REASON_RESOURCES_UNKNOWN", "REASON_AGENT_DISCONNECTED", "REASON_AGENT_REMOVED",
    "REASON_AGENT_REMOVED_BY_OPERATOR", "REASON_AGENT_REREGISTERED", "REASON_AGENT_RESTARTED",
    "REASON_AGENT_UNKNOWN", "REASON_AGENT_DRAINING", "REASON_TASK_KILLED_DURING_LAUNCH",
    "REASON_TASK_CHECK_STATUS_UPDATED", "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED",
    "REASON_TASK_GROUP_INVALID", "REASON_TASK_GROUP_UNAUTHORIZED", "REASON_TASK_INVALID",
    "REASON_TASK_UNAUTHORIZED", "REASON_TASK_UNKNOWN"};
const std::vector<std::string_view> kCheckTypes = {"UNKNOWN", "COMMAND", "HTTP", "TCP"};
const std::vector<std::string_view> kIpProtocols = {"IPv4", "IPv6"};

const Message kId = {{Required("value", Kind::kString)}};
extern const Message kContainerId;
const Message kContainerId = {
    {Required("value", Kind::kString), OptionalMessage("parent", kContainerId)}};
const Message kLabel = {{Required("key", Kind::kString), Optional("value", Kind::kString)}};
const Message kLabels = {{RepeatedMessage("labels", kLabel)}};
const Message kNanoseconds = {{Required("nanoseconds", Kind::kInt)}};
const Message kIpAddress = {
    {Enum("protocol", kIpProtocols, false), Optional("ip_address", Kind::kString)}};
const Message kPortMapping = {{Required("host_port", Kind::kUint),
                               Required("container_port", Kind::kUint),
                               Optional("protocol", Kind::kString)}};
const Message kNetworkInfo = {{RepeatedMessage("ip_addresses", kIpAddress),
                               Optional("name", Kind::kString), Repeated("groups", Kind::kString),
                               OptionalMessage("labels", kLabels),
                               RepeatedMessage("port_mappings", kPortMapping)}};
const Message kContainerStatus = {{OptionalMessage("container_id", kContainerId),
                                   RepeatedMessage("network_infos", kNetworkInfo),
                                   Optional("cgroup_info", Kind::kAnyMessage),
                                   Optional("executor_pid", Kind::kUint)}};
const Message kCommandCheckStatus = {{Optional("exit_code", Kind::kInt)}};
const Message kHttpCheckStatus = {{Optional("status_code", Kind::kUint)}};
const Message kTcpCheckStatus = {{Optional("succeeded", Kind::kBool)}};
const Message kCheckStatus = {{Enum("type", kCheckTypes, false),
                               OptionalMessage("command", kCommandCheckStatus),
                               OptionalMessage("http", kHttpCheckStatus),
                               OptionalMessage("tcp", kTcpCheckStatus)}};
const Message kTaskStatus = {{
    RequiredMessage("task_id", kId),
    Enum("state", kTaskStates, true),
    Optional("message", Kind::kString),
    Enum("source", kSources, false),
    Enum("reason", kReasons, false),
    Optional("data", Kind::kBytes),
    OptionalMessage("agent_id", kId),
    OptionalMessage("executor_id", kId),
    Optional("timestamp", Kind::kDouble),
    Optional("uuid", Kind::kBytes),
    Optional("healthy", Kind::kBool),
    OptionalMessage("check_status", kCheckStatus),
    OptionalMessage("labels", kLabels),
    OptionalMessage("container_status", kContainerStatus),
    OptionalMessage("unreachable_time", kNanoseconds),
    Optional("limitation", Kind::kAnyMessage),
}};
const Message kTaskInfo = {{
    Required("name", Kind::kString),
    RequiredMessage("task_id", kId),
    RequiredMessage("agent_id", kId),
    Repeated("resources", Kind::kAnyMessage),
    Optional("executor", Kind::kAnyMessage),
    Optional("data", Kind::kBytes),
    Optional("command", Kind::kAnyMessage),
    Optional("health_check", Kind::kAnyMessage),
    Optional("container", Kind::kAnyMessage),
    OptionalMessage("labels", kLabels),
    Optional("discovery", Kind::kAnyMessage),
    Optional("kill_policy", Kind::kAnyMessage),
    Optional("check", Kind::kAnyMessage),
    OptionalMessage("max_completion_time", kNanoseconds),
    Optional("limits", Kind::kAnyMessage),
}};
const Message kUpdate = {{RequiredMessage("status", kTaskStatus)}};
const Message kSubscribe = {{RepeatedMessage("unacknowledged_tasks", kTaskInfo),
                             RepeatedMessage("unacknowledged_updates", kUpdate)}};
const Message kMessage = {{Required("data", Kind::kBytes)}};
const Message kCall = {{
    RequiredMessage("executor_id", kId),
    RequiredMessage("framework_id", kId),
    Enum("type", kCallTypes, false),
    OptionalMessage("subscribe", kSubscribe),
    OptionalMessage("update", kUpdate),
    OptionalMessage("message", kMessage),
}};

std::string Quoted(std::string_view name) { return "'" + std::string(name) + "'"; }

base::Status NotExpecting(std::string_view json_type, const Field& field) {
  return base::Status::Invalid("Not expecting a JSON " + std::string(json_type) + " for field " +
                               Quoted(field.name));
}

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

class Converter {
 public:
  // Converts `object` into `out`; records missing required fields by path.
  base::Status ConvertMessage(const Message& message, const json::object& object,
                              const std::string& path, json::object& out) {
    for (const Field& field : message.fields) {
      const json::value* value = object.if_contains(field.name);
      if (value != nullptr && !value->is_null()) {
        base::Status status = ConvertField(field, *value, path, out);
        if (!status.ok()) return status;
      }
      if (field.required && !out.contains(field.name)) missing_.push_back(path + std::string(field.name));
    }
    return base::Status::Ok();
  }

  const std::vector<std::string>& missing() const { return missing_; }

 private:
  base::Status ConvertField(const Field& field, const json::value& value, const std::string& path,
                            json::object& out) {
    if (value.is_array()) {
      if (!field.repeated) return NotExpecting("array", field);
      json::array elements;
      for (const json::value& element : value.get_array()) {
        if (element.is_array()) return NotExpecting("array", field);
        std::optional<json::value> converted;
        const std::string element_path =
            path + std::string(field.name) + "[" + std::to_string(elements.size()) + "]";
        base::Status status = ConvertSingle(field, element, element_path, converted);
        if (!status.ok()) return status;
        if (converted) elements.push_back(std::move(*converted));
      }
      out[field.name] = std::move(elements);
      return base::Status::Ok();
    }
    std::optional<json::value> converted;
    const std::string field_path =
        path + std::string(field.name) + (field.repeated ? "[0]" : "");
    base::Status status = ConvertSingle(field, value, field_path, converted);
    if (!status.ok() || !converted) return status;
    // stout adds a lone value to a repeated field as its one element.
    if (field.repeated) {
      out[field.name] = json::array{std::move(*converted)};
    } else {
      out[field.name] = std::move(*converted);
    }
    return base::Status::Ok();
  }

  // One value of `field` (at `field_path`); `converted` stays empty when the
  // agent drops it.
  base::Status ConvertSingle(const Field& field, const json::value& value,
                             const std::string& field_path,
                             std::optional<json::value>& converted) {
    switch (value.kind()) {
      case json::kind::object: {
        if (field.kind == Kind::kAnyMessage) {
          converted = value;
          return base::Status::Ok();
        }
        if (field.kind != Kind::kMessage) return NotExpecting("object", field);
        json::object nested;
        base::Status status =
            ConvertMessage(*field.message, value.get_object(), field_path + ".", nested);
        if (status.ok()) converted = std::move(nested);
        return status;
      }
      case json::kind::string:
        return FromString(field, value.get_string(), converted);
      case json::kind::bool_:
        if (field.kind != Kind::kBool) return NotExpecting("boolean", field);
        converted = value;
        return base::Status::Ok();
      case json::kind::int64:
      case json::kind::uint64:
      case json::kind::double_:
        return FromNumber(field, value, converted);
      default:
        return NotExpecting("value", field);
    }
  }

  base::Status FromString(const Field& field, std::string_view text,
                          std::optional<json::value>& converted) {
    switch (field.kind) {
      case Kind::kString:
        converted = json::string(text);
        return base::Status::Ok();
      case Kind::kBytes: {
        base::Result<std::string> bytes = StoutBase64Decode(text);
        if (!bytes.ok()) {
          return base::Status::Invalid("Failed to base64 decode for field " + Quoted(field.name) +
                                       ": " + bytes.status().message());
        }
        converted = json::string(base::Base64Encode(*bytes));
        return base::Status::Ok();
      }
      case Kind::kEnum: {
        for (std::string_view name : *field.names) {
          if (name == text) {
            converted = json::string(text);
            return base::Status::Ok();
          }
        }
        if (field.required) {
          return base::Status::Invalid("Failed to find enum for " + Quoted(text));
        }
        return base::Status::Ok();  // unknown optional enum names are dropped
      }
      case Kind::kBool:
        if (text == "true" || text == "false") {
          converted = text == "true";
          return base::Status::Ok();
        }
        break;
      case Kind::kInt: {
        int64_t number = 0;
        if (ParseNumber(text, number)) {
          converted = number;
          return base::Status::Ok();
        }
        break;
      }
      case Kind::kUint: {
        uint64_t number = 0;
        if (ParseNumber(text, number)) {
          converted = number;
          return base::Status::Ok();
        }
        break;
      }
      case Kind::kDouble: {
        double number = 0;
        if (text == "Infinity" || text == "-Infinity" || ParseNumber(text, number)) {
          converted = text == "Infinity"    ? std::numeric_limits<double>::infinity()
                      : text == "-Infinity" ? -std::numeric_limits<double>::infinity()
                                            : number;
          return base::Status::Ok();
        }
        break;
      }
      case Kind::kMessage:
      case Kind::kAnyMessage:
        return NotExpecting("string", field);
    }
    return base::Status::Invalid("Failed to convert " + Quoted(text) + " for field " +
                                 Quoted(field.name));
  }

  base::Status FromNumber(const Field& field, const json::value& value,
                          std::optional<json::value>& converted) {
    if (field.kind == Kind::kDouble) {
      converted = value.to_number<double>();
      return base::Status::Ok();
    }
    if (field.kind != Kind::kInt && field.kind != Kind::kUint) return NotExpecting("number", field);
    // Like stout, a fraction is cut off.
    const json::value whole =
        value.is_double() && std::abs(value.get_double()) < 9.2e18
            ? json::value(static_cast<int64_t>(value.get_double()))
            : value;
    boost::system::error_code ec;
    if (field.kind == Kind::kInt) {
      converted = whole.to_number<int64_t>(ec);
    } else {
      converted = whole.to_number<uint64_t>(ec);
    }
    if (ec) {
      return base::Status::Invalid("Value out of range for field " + Quoted(field.name));
    }
    return base::Status::Ok();
  }

  std::vector<std::string> missing_;
};

}  // namespace

base::Result<json::object> ConvertCallJson(const json::value& document) {
  if (!document.is_object()) return base::Status::Invalid("Expecting a JSON object");
  Converter converter;
  json::object call;
  base::Status status = converter.ConvertMessage(kCall, document.get_object(), "", call);
  if (!status.ok()) return status;
  if (!converter.missing().empty()) {
    std::string list;
    for (const std::string& path : converter.missing()) {
      if (!list.empty()) list += ", ";
      list += path;
    }
    return base::Status::Invalid("Missing required fields: " + list);
  }
  return call;
}

}  // namespace local_agent
