#include "executor/docker_parameters.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <set>

#include "executor/docker_size.h"
#include "executor/go_values.h"

namespace executor {
namespace {

using docker::ContainerConfig;

struct Target {
  ContainerConfig& config;
  ParameterRequests& requests;
};

using Handler = base::Status (*)(std::string_view value, Target& target);

base::Status Expected(std::string_view form) {
  return base::Status::Invalid("expected " + std::string(form));
}

// "k=v" with a non-empty k.
std::optional<std::pair<std::string, std::string>> SplitKeyValue(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  return std::pair{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

// Generic setters, one per value syntax, instantiated per ContainerConfig field.
template <auto Field>
base::Status SetText(std::string_view value, Target& t) {
  t.config.*Field = std::string(value);
  return base::Status::Ok();
}

template <auto Field>
base::Status Append(std::string_view value, Target& t) {
  (t.config.*Field).emplace_back(value);
  return base::Status::Ok();
}

template <auto Field>
base::Status SetFlag(std::string_view value, Target& t) {
  auto parsed = ParseGoBool(value);
  if (!parsed.ok()) return Expected("true or false");
  t.config.*Field = *parsed;
  return base::Status::Ok();
}

template <auto Field>
base::Status SetInteger(std::string_view value, Target& t) {
  auto parsed = ParseGoInt(value);
  if (!parsed.ok()) return Expected("an integer");
  t.config.*Field = *parsed;
  return base::Status::Ok();
}

template <auto Field>
base::Status SetBytes(std::string_view value, Target& t) {
  auto parsed = ParseDockerSize(value);
  if (!parsed.ok()) return Expected("a size like 512m or 1g");
  t.config.*Field = *parsed;
  return base::Status::Ok();
}

template <auto Field>
base::Status SetEntry(std::string_view value, Target& t) {
  auto pair = SplitKeyValue(value);
  if (!pair) return Expected("key=value");
  (t.config.*Field)[pair->first] = pair->second;
  return base::Status::Ok();
}

// docker's validDeviceMode: one to three distinct letters of "rwm".
bool IsDeviceMode(std::string_view mode) {
  if (mode.empty() || mode.size() > 3) return false;
  std::set<char> seen;
  for (char c : mode) {
    if ((c != 'r' && c != 'w' && c != 'm') || !seen.insert(c).second) return false;
  }
  return true;
}

// docker's parseDevice: host[:container][:permissions].
base::Status AddDevice(std::string_view value, Target& t) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t colon; (colon = value.find(':', start)) != std::string_view::npos; start = colon + 1) {
    parts.emplace_back(value.substr(start, colon - start));
  }
  parts.emplace_back(value.substr(start));
  if (parts.size() > 3 || parts[0].empty()) return Expected("host-path[:container-path][:rwm]");
  docker::Device device;
  device.path_on_host = parts[0];
  if (parts.size() == 3) device.cgroup_permissions = parts[2];
  if (parts.size() >= 2) {
    if (IsDeviceMode(parts[1])) {
      device.cgroup_permissions = parts[1];
    } else {
      device.path_in_container = parts[1];
    }
  }
  if (!IsDeviceMode(device.cgroup_permissions)) return Expected("permissions made of r, w, m");
  if (device.path_in_container.empty()) device.path_in_container = device.path_on_host;
  t.config.devices.push_back(std::move(device));
  return base::Status::Ok();
}

// The resource names docker's go-units knows.
constexpr std::array<std::string_view, 15> kUlimitNames = {
    "core",   "cpu",  "data", "fsize",  "locks",  "memlock", "msgqueue", "nice",
    "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"};

// name=soft[:hard]; hard defaults to soft; -1 means unlimited.
base::Status SetUlimit(std::string_view value, Target& t) {
  constexpr std::string_view kForm = "name=soft[:hard], e.g. nofile=65536:65536";
  auto pair = SplitKeyValue(value);
  if (!pair || std::find(kUlimitNames.begin(), kUlimitNames.end(), pair->first) == kUlimitNames.end()) {
    return Expected(kForm);
  }
  const std::string& limits = pair->second;
  const size_t colon = limits.find(':');
  const auto parse = [](std::string_view text) -> std::optional<int64_t> {
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return n;
  };
  auto soft = parse(std::string_view(limits).substr(0, colon));
  auto hard = colon == std::string::npos ? soft : parse(std::string_view(limits).substr(colon + 1));
  if (!soft || !hard) return Expected(kForm);
  if (*hard != -1 && *soft > *hard) return Expected("a soft limit not above the hard limit");
  auto& ulimits = t.config.ulimits;
  std::erase_if(ulimits, [&](const docker::Ulimit& u) { return u.name == pair->first; });
  ulimits.push_back({pair->first, *soft, *hard});
  return base::Status::Ok();
}

// --cpus: a CFS quota over docker's own 100 ms period.
base::Status SetCpus(std::string_view value, Target& t) {
  double cpus = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), cpus);
  if (ec != std::errc() || end != value.data() + value.size() || !(cpus >= 0.01) || cpus > 1e6) {
    return Expected("a number of CPUs of at least 0.01, e.g. 1.5");
  }
  constexpr int64_t kPeriod = 100000;
  t.config.cpu_period_us = kPeriod;
  t.config.cpu_quota_us = static_cast<int64_t>(cpus * kPeriod + 0.5);
  return base::Status::Ok();
}

base::Status SetTmpfs(std::string_view value, Target& t) {
  const size_t colon = value.find(':');
  const std::string path(value.substr(0, colon));
  if (path.empty() || path[0] != '/') return Expected("an absolute container path[:options]");
  t.config.tmpfs[path] = colon == std::string_view::npos ? "" : std::string(value.substr(colon + 1));
  return base::Status::Ok();
}

// A bind as docker run -v writes it: source:destination[:options].
base::Status AddVolume(std::string_view value, Target& t) {
  const size_t colon = value.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 >= value.size()) {
    return Expected("host-path-or-volume:container-path[:options]");
  }
  t.config.binds.emplace_back(value);
  return base::Status::Ok();
}

base::Status AddEnv(std::string_view value, Target& t) {
  if (!SplitKeyValue(value)) return Expected("NAME=value");
  t.requests.env.emplace_back(value);
  return base::Status::Ok();
}

// Upstream dropped a label without '=' (debug log only); we say so.
base::Status AddLabel(std::string_view value, Target& t) {
  if (auto pair = SplitKeyValue(value)) {
    t.requests.labels[pair->first] = pair->second;
  } else {
    t.requests.warnings.push_back("Docker parameter label='" + std::string(value) +
                                  "' is not name=value and was ignored");
  }
  return base::Status::Ok();
}

base::Status SetNetwork(std::string_view value, Target& t) {
  if (!t.requests.network) t.requests.network = std::string(value);
  return base::Status::Ok();
}

base::Status SetWorkdir(std::string_view value, Target& t) {
  if (value.empty() || value[0] != '/') return Expected("an absolute path");
  t.config.working_dir = std::string(value);
  return base::Status::Ok();
}

// Like docker run --entrypoint: one string, one argv element.
base::Status SetEntrypoint(std::string_view value, Target& t) {
  t.config.entrypoint = std::vector<std::string>{std::string(value)};
  return base::Status::Ok();
}

base::Status SetStopTimeout(std::string_view value, Target& t) {
  auto parsed = ParseGoInt(value);
  if (!parsed.ok() || *parsed < std::numeric_limits<int>::min() ||
      *parsed > std::numeric_limits<int>::max()) {
    return Expected("a number of seconds");
  }
  t.config.stop_timeout_seconds = static_cast<int>(*parsed);
  return base::Status::Ok();
}

base::Status AddHost(std::string_view value, Target& t) {
  const size_t colon = value.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == value.size()) {
    return Expected("host:ip");
  }
  t.config.extra_hosts.emplace_back(value);
  return base::Status::Ok();
}

base::Status SetMemorySwap(std::string_view value, Target& t) {
  if (value == "-1") {  // unlimited swap, as docker run accepts it
    t.config.memory_swap_bytes = -1;
    return base::Status::Ok();
  }
  return SetBytes<&ContainerConfig::memory_swap_bytes>(value, t);
}

struct Parameter {
  std::string_view name;
  Handler apply;
};

using C = ContainerConfig;

// The supported keys; SupportedDockerParameters() (and so the README) reads
// this table.
constexpr Parameter kParameters[] = {
    // Honoured by upstream.
    {"env", AddEnv},
    {"label", AddLabel},
    {"cap-add", Append<&C::cap_add>},
    {"cap-drop", Append<&C::cap_drop>},
    {"volume-driver", SetText<&C::volume_driver>},
    // Process.
    {"user", SetText<&C::user>},
    {"workdir", SetWorkdir},
    {"entrypoint", SetEntrypoint},
    {"hostname", SetText<&C::hostname>},
    {"stop-signal", SetText<&C::stop_signal>},
    {"stop-timeout", SetStopTimeout},
    {"init", SetFlag<&C::init>},
    // Network.
    {"net", SetNetwork},
    {"network", SetNetwork},
    {"dns", Append<&C::dns>},
    {"dns-search", Append<&C::dns_search>},
    {"dns-option", Append<&C::dns_options>},
    {"add-host", AddHost},
    // Storage.
    {"volume", AddVolume},
    {"v", AddVolume},
    {"tmpfs", SetTmpfs},
    {"read-only", SetFlag<&C::read_only_rootfs>},
    // Privileges and isolation.
    {"privileged", SetFlag<&C::privileged>},
    {"security-opt", Append<&C::security_opt>},
    {"device", AddDevice},
    {"group-add", Append<&C::group_add>},
    {"ipc", SetText<&C::ipc_mode>},
    {"pid", SetText<&C::pid_mode>},
    {"sysctl", SetEntry<&C::sysctls>},
    // Resources.
    {"memory", SetBytes<&C::memory_bytes>},
    {"memory-swap", SetMemorySwap},
    {"memory-reservation", SetBytes<&C::memory_reservation_bytes>},
    {"shm-size", SetBytes<&C::shm_size_bytes>},
    {"cpu-shares", SetInteger<&C::cpu_shares>},
    {"cpu-period", SetInteger<&C::cpu_period_us>},
    {"cpu-quota", SetInteger<&C::cpu_quota_us>},
    {"cpus", SetCpus},
    {"pids-limit", SetInteger<&C::pids_limit>},
    {"oom-kill-disable", SetFlag<&C::oom_kill_disable>},
    {"ulimit", SetUlimit},
    // Logging.
    {"log-driver", SetText<&C::log_driver>},
    {"log-opt", SetEntry<&C::log_options>},
};

const Parameter* FindParameter(std::string_view key) {
  for (const Parameter& parameter : kParameters) {
    if (parameter.name == key) return &parameter;
  }
  return nullptr;
}

}  // namespace

base::Result<ParameterRequests> ApplyDockerParameters(
    const std::vector<std::pair<std::string, std::string>>& parameters, ContainerConfig& config) {
  ParameterRequests requests;
  Target target{config, requests};
  bool cpus_given = false;
  bool cfs_given = false;
  for (const auto& [key, value] : parameters) {
    const Parameter* parameter = FindParameter(key);
    if (parameter == nullptr) {
      requests.warnings.push_back("Docker parameter '" + key +
                                  "' is not supported by this executor and was ignored");
      continue;
    }
    base::Status status = parameter->apply(value, target);
    if (!status.ok()) {
      return base::Status::Invalid("Docker parameter " + key + "='" + value +
                                   "' is invalid: " + status.message());
    }
    cpus_given = cpus_given || key == "cpus";
    cfs_given = cfs_given || key == "cpu-period" || key == "cpu-quota";
  }
  if (cpus_given && cfs_given) {
    // docker run refuses this pair too: both would set the same CFS quota.
    return base::Status::Invalid(
        "Docker parameters cpus and cpu-period/cpu-quota conflict; use one or the other");
  }
  return requests;
}

std::vector<std::string_view> SupportedDockerParameters() {
  std::vector<std::string_view> names;
  for (const Parameter& parameter : kParameters) names.push_back(parameter.name);
  return names;
}

}  // namespace executor
