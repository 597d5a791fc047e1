// ContainerConfig: everything we ask Docker to create, as plain data.
//
// The executor core fills it from a TaskInfo (a pure mapping); the Docker
// client renders it into the body of POST /containers/create. Optional
// fields left unset are omitted from the request so Docker (or the image)
// supplies its defaults.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace docker {

struct PortBinding {
  std::string container_port_proto;  // "8080/tcp"
  std::string host_ip;               // "" = all interfaces
  std::string host_port;             // "31000"; Docker wants a string
};

struct Ulimit {
  std::string name;  // "nofile"
  int64_t soft = 0;
  int64_t hard = 0;
};

struct Device {
  std::string path_on_host;
  std::string path_in_container;
  std::string cgroup_permissions = "rwm";
};

struct ContainerConfig {
  std::string name;   // "mesos-<uuid>"
  std::string image;  // as given in DockerInfo.image

  // Process.
  std::optional<std::vector<std::string>> entrypoint;
  std::optional<std::vector<std::string>> cmd;
  std::vector<std::string> env;  // "NAME=value", in order
  std::map<std::string, std::string> labels;
  std::optional<std::string> user;
  std::optional<std::string> working_dir;
  std::optional<std::string> hostname;
  std::optional<std::string> stop_signal;
  std::optional<int> stop_timeout_seconds;

  // Network.
  std::string network_mode;                // "host", "bridge", "none", "default", a user network
  std::vector<std::string> exposed_ports;  // "8080/tcp"
  std::vector<PortBinding> port_bindings;
  std::vector<std::string> dns;
  std::vector<std::string> dns_search;
  std::vector<std::string> dns_options;
  std::vector<std::string> extra_hosts;  // "host:ip"

  // Storage.
  std::vector<std::string> binds;  // "/host:/container[:ro]"
  std::string volume_driver;
  std::map<std::string, std::string> tmpfs;  // container path -> options
  bool read_only_rootfs = false;

  // Privileges and isolation.
  bool privileged = false;
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  std::vector<std::string> security_opt;
  std::vector<Device> devices;
  std::vector<std::string> group_add;
  std::optional<std::string> ipc_mode;
  std::optional<std::string> pid_mode;
  std::map<std::string, std::string> sysctls;
  std::optional<bool> init;

  // Resources.
  std::optional<int64_t> memory_bytes;
  std::optional<int64_t> memory_swap_bytes;
  std::optional<int64_t> memory_reservation_bytes;
  std::optional<int64_t> shm_size_bytes;
  std::optional<int64_t> cpu_shares;
  std::optional<int64_t> cpu_period_us;
  std::optional<int64_t> cpu_quota_us;
  std::optional<int64_t> pids_limit;
  std::optional<bool> oom_kill_disable;
  std::vector<Ulimit> ulimits;

  // Logging.
  std::optional<std::string> log_driver;
  std::map<std::string, std::string> log_options;
};

}  // namespace docker
