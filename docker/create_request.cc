#include "docker/create_request.h"

namespace docker {
namespace json = boost::json;
namespace {

json::array StringArray(const std::vector<std::string>& items) {
  json::array out;
  for (const std::string& item : items) out.emplace_back(item);
  return out;
}

json::object StringObject(const std::map<std::string, std::string>& items) {
  json::object out;
  for (const auto& [key, value] : items) out[key] = value;
  return out;
}

void PutList(json::object& target, std::string_view key, const std::vector<std::string>& items) {
  if (!items.empty()) target[key] = StringArray(items);
}

void PutMap(json::object& target, std::string_view key,
            const std::map<std::string, std::string>& items) {
  if (!items.empty()) target[key] = StringObject(items);
}

template <typename T>
void PutOptional(json::object& target, std::string_view key, const std::optional<T>& value) {
  if (value) target[key] = *value;
}

void PutFlag(json::object& target, std::string_view key, bool value) {
  if (value) target[key] = true;
}

void PutText(json::object& target, std::string_view key, const std::string& value) {
  if (!value.empty()) target[key] = value;
}

void PutPorts(const ContainerConfig& config, json::object& body, json::object& host) {
  json::object exposed;
  for (const std::string& port : config.exposed_ports) exposed[port] = json::object();
  json::object bindings;
  for (const PortBinding& binding : config.port_bindings) {
    exposed[binding.container_port_proto] = json::object();
    json::value& list = bindings[binding.container_port_proto];
    if (!list.is_array()) list = json::array();
    list.as_array().push_back(
        json::object{{"HostIp", binding.host_ip}, {"HostPort", binding.host_port}});
  }
  if (!exposed.empty()) body["ExposedPorts"] = std::move(exposed);
  if (!bindings.empty()) host["PortBindings"] = std::move(bindings);
}

void PutDevicesAndLimits(const ContainerConfig& config, json::object& host) {
  if (!config.devices.empty()) {
    json::array devices;
    for (const Device& device : config.devices) {
      devices.push_back(json::object{{"PathOnHost", device.path_on_host},
                                     {"PathInContainer", device.path_in_container},
                                     {"CgroupPermissions", device.cgroup_permissions}});
    }
    host["Devices"] = std::move(devices);
  }
  if (!config.ulimits.empty()) {
    json::array ulimits;
    for (const Ulimit& limit : config.ulimits) {
      ulimits.push_back(
          json::object{{"Name", limit.name}, {"Soft", limit.soft}, {"Hard", limit.hard}});
    }
    host["Ulimits"] = std::move(ulimits);
  }
}

void PutLogConfig(const ContainerConfig& config, json::object& host) {
  if (!config.log_driver && config.log_options.empty()) return;
  json::object log;
  // An empty Type means the daemon's default driver, with these options.
  log["Type"] = config.log_driver.value_or("");
  log["Config"] = StringObject(config.log_options);
  host["LogConfig"] = std::move(log);
}

}  // namespace

json::object CreateRequestBody(const ContainerConfig& config) {
  json::object body;
  body["Image"] = config.image;
  if (config.entrypoint) body["Entrypoint"] = StringArray(*config.entrypoint);
  if (config.cmd) body["Cmd"] = StringArray(*config.cmd);
  PutList(body, "Env", config.env);
  PutMap(body, "Labels", config.labels);
  PutOptional(body, "User", config.user);
  PutOptional(body, "WorkingDir", config.working_dir);
  PutOptional(body, "Hostname", config.hostname);
  PutOptional(body, "StopSignal", config.stop_signal);
  PutOptional(body, "StopTimeout", config.stop_timeout_seconds);

  json::object host;
  PutPorts(config, body, host);
  PutText(host, "NetworkMode", config.network_mode);
  PutList(host, "Dns", config.dns);
  PutList(host, "DnsSearch", config.dns_search);
  PutList(host, "DnsOptions", config.dns_options);
  PutList(host, "ExtraHosts", config.extra_hosts);

  PutList(host, "Binds", config.binds);
  PutText(host, "VolumeDriver", config.volume_driver);
  PutMap(host, "Tmpfs", config.tmpfs);
  PutFlag(host, "ReadonlyRootfs", config.read_only_rootfs);

  PutFlag(host, "Privileged", config.privileged);
  PutList(host, "CapAdd", config.cap_add);
  PutList(host, "CapDrop", config.cap_drop);
  PutList(host, "SecurityOpt", config.security_opt);
  PutList(host, "GroupAdd", config.group_add);
  PutOptional(host, "IpcMode", config.ipc_mode);
  PutOptional(host, "PidMode", config.pid_mode);
  PutMap(host, "Sysctls", config.sysctls);
  PutOptional(host, "Init", config.init);

  PutOptional(host, "Memory", config.memory_bytes);
  PutOptional(host, "MemorySwap", config.memory_swap_bytes);
  PutOptional(host, "MemoryReservation", config.memory_reservation_bytes);
  PutOptional(host, "ShmSize", config.shm_size_bytes);
  PutOptional(host, "CpuShares", config.cpu_shares);
  PutOptional(host, "CpuPeriod", config.cpu_period_us);
  PutOptional(host, "CpuQuota", config.cpu_quota_us);
  PutOptional(host, "PidsLimit", config.pids_limit);
  PutOptional(host, "OomKillDisable", config.oom_kill_disable);
  PutDevicesAndLimits(config, host);
  PutLogConfig(config, host);

  if (!host.empty()) body["HostConfig"] = std::move(host);
  return body;
}

}  // namespace docker
