#include "executor/task_spec.h"

#include <cmath>
#include <limits>
#include <string_view>

#include <boost/json/value.hpp>

namespace executor {
namespace {

namespace json = boost::json;

// Typed reads from one JSON object. Absent and null fields read as empty;
// a field of the wrong type records the first error in `error`.
class Reader {
 public:
  Reader(const json::object& object, std::string path, base::Status& error)
      : object_(&object), path_(std::move(path)), error_(&error) {}

  bool Has(std::string_view key) const { return Field(key) != nullptr; }

  std::optional<std::string> String(std::string_view key) const {
    const json::value* v = Field(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) return Fail(key, "a string");
    return std::string(v->get_string());
  }

  std::optional<bool> Bool(std::string_view key) const {
    const json::value* v = Field(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_bool()) return Fail(key, "true or false");
    return v->get_bool();
  }

  std::optional<double> Number(std::string_view key) const {
    const json::value* v = Field(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_double()) return v->get_double();
    if (v->is_int64()) return static_cast<double>(v->get_int64());
    if (v->is_uint64()) return static_cast<double>(v->get_uint64());
    return Fail(key, "a number");
  }

  // Accepts 80 and 80.0 alike (the agent prints doubles with a fraction).
  std::optional<int64_t> Int(std::string_view key) const {
    const json::value* v = Field(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= uint64_t{std::numeric_limits<int64_t>::max()}) {
      return static_cast<int64_t>(v->get_uint64());
    }
    if (v->is_double()) {
      const double d = v->get_double();
      if (std::isfinite(d) && d == std::trunc(d) && d >= -9223372036854775808.0 &&
          d < 9223372036854775808.0) {
        return static_cast<int64_t>(d);
      }
    }
    return Fail(key, "an integer");
  }

  std::optional<Reader> Object(std::string_view key) const {
    const json::value* v = Field(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_object()) return Fail(key, "an object");
    return Reader(v->get_object(), Path(key), *error_);
  }

  // An array of objects; a non-object element is an error.
  std::vector<Reader> Objects(std::string_view key) const {
    std::vector<Reader> readers;
    const json::array* array = Array(key);
    if (array == nullptr) return readers;
    for (size_t i = 0; i < array->size(); ++i) {
      const std::string element = std::string(key) + "[" + std::to_string(i) + "]";
      if (!(*array)[i].is_object()) {
        Fail(element, "an object");
        continue;
      }
      readers.emplace_back((*array)[i].get_object(), Path(element), *error_);
    }
    return readers;
  }

  std::vector<std::string> Strings(std::string_view key) const {
    std::vector<std::string> strings;
    const json::array* array = Array(key);
    if (array == nullptr) return strings;
    for (size_t i = 0; i < array->size(); ++i) {
      if (!(*array)[i].is_string()) {
        Fail(std::string(key) + "[" + std::to_string(i) + "]", "a string");
        continue;
      }
      strings.emplace_back((*array)[i].get_string());
    }
    return strings;
  }

  // {"value": "..."}, the shape of every Mesos ID.
  std::optional<std::string> IdValue(std::string_view key) const {
    auto id = Object(key);
    return id ? id->String("value") : std::nullopt;
  }

  std::string Path(std::string_view key) const { return path_ + "." + std::string(key); }

 private:
  // Records the first type error; returns nullopt so readers can `return Fail(...)`.
  std::nullopt_t Fail(std::string_view key, std::string_view expected) const {
    if (error_->ok()) *error_ = base::Status::Invalid(Path(key) + " must be " + std::string(expected));
    return std::nullopt;
  }

  const json::value* Field(std::string_view key) const {
    const json::value* v = object_->if_contains(key);
    return v == nullptr || v->is_null() ? nullptr : v;
  }

  const json::array* Array(std::string_view key) const {
    const json::value* v = Field(key);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) {
      Fail(key, "an array");
      return nullptr;
    }
    return &v->get_array();
  }

  const json::object* object_;
  std::string path_;
  base::Status* error_;
};

// Fields we see but do not act on, relative to their message.
constexpr std::string_view kIgnoredTaskFields[] = {"health_check", "check",
                                                   "max_completion_time", "limits"};
constexpr std::string_view kIgnoredCommandFields[] = {"uris", "user"};
constexpr std::string_view kIgnoredContainerFields[] = {"hostname", "mesos", "linux_info",
                                                        "rlimit_info", "tty_info"};

template <size_t N>
void NoteIgnored(const Reader& reader, const std::string_view (&fields)[N],
                 std::vector<std::string>& ignored) {
  for (std::string_view field : fields) {
    if (reader.Has(field)) ignored.push_back(reader.Path(field));
  }
}

std::vector<EnvironmentVariable> ReadEnvironment(const Reader& command) {
  std::vector<EnvironmentVariable> variables;
  auto environment = command.Object("environment");
  if (!environment) return variables;
  for (const Reader& entry : environment->Objects("variables")) {
    EnvironmentVariable variable;
    variable.name = entry.String("name").value_or("");
    variable.type = entry.String("type").value_or("VALUE");
    variable.value = entry.String("value");
    variables.push_back(std::move(variable));
  }
  return variables;
}

CommandSpec ReadCommand(const Reader& command, std::vector<std::string>& ignored) {
  CommandSpec spec;
  spec.shell = command.Bool("shell").value_or(true);
  spec.value = command.String("value");
  spec.arguments = command.Strings("arguments");
  spec.environment = ReadEnvironment(command);
  NoteIgnored(command, kIgnoredCommandFields, ignored);
  return spec;
}

VolumeSpec ReadVolume(const Reader& volume) {
  VolumeSpec spec;
  spec.container_path = volume.String("container_path").value_or("");
  spec.host_path = volume.String("host_path");
  spec.mode = volume.String("mode").value_or("RW");
  if (auto source = volume.Object("source")) {
    spec.source_type = source->String("type").value_or("");
    if (auto docker_volume = source->Object("docker_volume")) {
      spec.docker_volume_name = docker_volume->String("name").value_or("");
      spec.docker_volume_driver = docker_volume->String("driver").value_or("");
      spec.docker_volume_has_options = docker_volume->Has("driver_options");
    }
    if (auto sandbox_path = source->Object("sandbox_path")) {
      spec.sandbox_path_type = sandbox_path->String("type").value_or("");
      spec.sandbox_path = sandbox_path->String("path").value_or("");
    }
  } else if (volume.Has("image")) {
    spec.source_type = "IMAGE";
  }
  return spec;
}

DockerSpec ReadDocker(const Reader& docker) {
  DockerSpec spec;
  spec.image = docker.String("image").value_or("");
  spec.network = docker.String("network").value_or("HOST");
  for (const Reader& mapping : docker.Objects("port_mappings")) {
    PortMappingSpec port;
    port.container_port = mapping.Int("container_port");
    port.host_port = mapping.Int("host_port").value_or(0);
    port.protocol = mapping.String("protocol").value_or("");
    spec.port_mappings.push_back(std::move(port));
  }
  spec.privileged = docker.Bool("privileged").value_or(false);
  for (const Reader& parameter : docker.Objects("parameters")) {
    spec.parameters.emplace_back(parameter.String("key").value_or(""),
                                 parameter.String("value").value_or(""));
  }
  spec.force_pull_image = docker.Bool("force_pull_image").value_or(false);
  return spec;
}

ContainerSpec ReadContainer(const Reader& container, std::vector<std::string>& ignored) {
  ContainerSpec spec;
  spec.type = container.String("type").value_or("");
  for (const Reader& volume : container.Objects("volumes")) spec.volumes.push_back(ReadVolume(volume));
  if (auto docker = container.Object("docker")) spec.docker = ReadDocker(*docker);
  for (const Reader& network : container.Objects("network_infos")) {
    spec.network_names.push_back(network.String("name").value_or(""));
  }
  NoteIgnored(container, kIgnoredContainerFields, ignored);
  return spec;
}

}  // namespace

base::Result<TaskSpec> ParseTaskSpec(const boost::json::object& task_info) {
  base::Status error;
  const Reader task(task_info, "TaskInfo", error);
  TaskSpec spec;

  auto task_id = task.IdValue("task_id");
  if (error.ok() && (!task_id || task_id->empty())) {
    return base::Status::Invalid("TaskInfo.task_id.value is required");
  }
  spec.task_id = task_id.value_or("");

  if (auto executor = task.Object("executor")) {
    if (auto command = executor->Object("command")) {
      spec.executor_environment = ReadEnvironment(*command);
    }
  }
  if (auto command = task.Object("command")) spec.command = ReadCommand(*command, spec.ignored_fields);
  if (auto container = task.Object("container")) {
    spec.container = ReadContainer(*container, spec.ignored_fields);
  }
  for (const Reader& resource : task.Objects("resources")) {
    auto scalar = resource.Object("scalar");
    if (!scalar) continue;  // ranges (ports), sets: not limits
    spec.scalar_resources.push_back(
        {resource.String("name").value_or(""), scalar->Number("value").value_or(0)});
  }
  if (auto kill_policy = task.Object("kill_policy")) {
    if (auto grace = kill_policy->Object("grace_period")) {
      spec.kill_grace_nanoseconds = grace->Int("nanoseconds");
    }
  }
  NoteIgnored(task, kIgnoredTaskFields, spec.ignored_fields);

  if (!error.ok()) return error;
  return spec;
}

}  // namespace executor
