#include "docker/responses.h"

#include <boost/json/parse.hpp>

#include "base/int64_range.h"

namespace docker {
namespace json = boost::json;
namespace {

// Docker's "never happened" timestamp.
constexpr std::string_view kZeroTime = "0001-01-01T00:00:00Z";

base::Result<json::value> ParseJson(std::string_view what, std::string_view body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec) {
    return base::Status::Failed("unreadable " + std::string(what) + " response (" + ec.message() +
                                "): " + std::string(body.substr(0, 200)));
  }
  return value;
}

base::Result<json::object> ParseObject(std::string_view what, std::string_view body) {
  base::Result<json::value> value = ParseJson(what, body);
  if (!value.ok()) return value.status();
  if (!value->is_object())
    return base::Status::Failed(std::string(what) + " response is not a JSON object");
  return std::move(value->as_object());
}

const json::object& Object(const json::object& parent, std::string_view key) {
  static const json::object kEmpty;
  const json::value* value = parent.if_contains(key);
  return value && value->is_object() ? value->as_object() : kEmpty;
}

std::string String(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::optional<std::string> OptionalString(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (!value || !value->is_string() || value->as_string().empty()) return std::nullopt;
  return std::string(value->as_string());
}

int64_t Int(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (!value) return 0;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64()) return static_cast<int64_t>(value->as_uint64());
  // A double beyond int64 has no conversion (caught by fuzz/docker_responses_fuzzer):
  // it reads as missing.
  if (value->is_double() && base::InInt64Range(value->as_double())) {
    return static_cast<int64_t>(value->as_double());
  }
  return 0;
}

bool Bool(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_bool() && value->as_bool();
}

std::vector<std::string> Strings(const json::object& object, std::string_view key) {
  std::vector<std::string> out;
  const json::value* value = object.if_contains(key);
  if (!value || !value->is_array()) return out;
  for (const json::value& item : value->as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

std::map<std::string, std::string> StringMap(const json::object& object, std::string_view key) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : Object(object, key)) {
    if (value.is_string()) out.emplace(name, value.as_string());
  }
  return out;
}

std::string WithoutSlash(std::string name) {
  if (name.starts_with('/')) name.erase(0, 1);
  return name;
}

std::string Time(const json::object& object, std::string_view key) {
  std::string time = String(object, key);
  return time == kZeroTime ? std::string() : time;
}

}  // namespace

base::Result<ImageInfo> ParseImageInfo(std::string_view body) {
  base::Result<json::object> root = ParseObject("image inspect", body);
  if (!root.ok()) return root.status();
  ImageInfo info;
  info.id = String(*root, "Id");
  info.repo_tags = Strings(*root, "RepoTags");
  info.stop_signal = OptionalString(Object(*root, "Config"), "StopSignal");
  return info;
}

base::Result<ContainerState> ParseContainerState(std::string_view body) {
  base::Result<json::object> root = ParseObject("container inspect", body);
  if (!root.ok()) return root.status();
  const json::object& state = Object(*root, "State");
  const json::object& config = Object(*root, "Config");
  ContainerState out;
  out.id = String(*root, "Id");
  out.name = WithoutSlash(String(*root, "Name"));
  out.image = String(config, "Image");
  out.image_id = String(*root, "Image");
  out.status = String(state, "Status");
  out.running = Bool(state, "Running");
  out.exit_code = static_cast<int>(Int(state, "ExitCode"));
  out.oom_killed = Bool(state, "OOMKilled");
  out.error = String(state, "Error");
  out.pid = Int(state, "Pid");
  out.started_at = Time(state, "StartedAt");
  out.finished_at = Time(state, "FinishedAt");
  out.tty = Bool(config, "Tty");
  out.stop_signal = OptionalString(config, "StopSignal");
  out.labels = StringMap(config, "Labels");
  return out;
}

base::Result<ExitStatus> ParseExitStatus(std::string_view body) {
  base::Result<json::object> root = ParseObject("wait", body);
  if (!root.ok()) return root.status();
  if (!root->contains("StatusCode")) return base::Status::Failed("wait response has no StatusCode");
  ExitStatus out;
  out.status_code = static_cast<int>(Int(*root, "StatusCode"));
  out.error = String(Object(*root, "Error"), "Message");
  return out;
}

base::Result<std::vector<ContainerSummary>> ParseContainerList(std::string_view body) {
  base::Result<json::value> root = ParseJson("container list", body);
  if (!root.ok()) return root.status();
  if (!root->is_array()) return base::Status::Failed("container list response is not a JSON array");
  std::vector<ContainerSummary> out;
  for (const json::value& item : root->as_array()) {
    if (!item.is_object()) continue;
    const json::object& entry = item.as_object();
    ContainerSummary summary;
    summary.id = String(entry, "Id");
    for (std::string& name : Strings(entry, "Names"))
      summary.names.push_back(WithoutSlash(std::move(name)));
    summary.image = String(entry, "Image");
    summary.state = String(entry, "State");
    summary.labels = StringMap(entry, "Labels");
    out.push_back(std::move(summary));
  }
  return out;
}

base::Result<std::string> ParseCreatedId(std::string_view body) {
  base::Result<json::object> root = ParseObject("create", body);
  if (!root.ok()) return root.status();
  std::string id = String(*root, "Id");
  if (id.empty()) return base::Status::Failed("create response has no Id");
  return id;
}

}  // namespace docker
