// Every ContainerConfig field lands in the create body under Docker's name
// and type; unset fields stay out (docker-engine-api.md §4.1).
#include "docker/create_request.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

namespace docker {
namespace {

boost::json::value Json(std::string_view text) { return boost::json::parse(text); }

TEST(CreateRequestBody, MinimalConfigLeavesEverythingToDocker) {
  ContainerConfig config;
  config.name = "mesos-1";  // goes in the query string, not the body
  config.image = "busybox:1";
  EXPECT_EQ(boost::json::value(CreateRequestBody(config)), Json(R"({"Image":"busybox:1"})"));
}

TEST(CreateRequestBody, RendersEveryField) {
  ContainerConfig c;
  c.name = "mesos-1";
  c.image = "reg:5000/app:2";
  c.entrypoint = std::vector<std::string>{"/bin/sh", "-c"};
  c.cmd = std::vector<std::string>{"echo hi"};
  c.env = {"B=2", "A=1", "EMPTY="};
  c.labels = {{"ServiceName", "app"}, {"Environment", "prod"}};
  c.user = "nobody";
  c.working_dir = "/srv";
  c.hostname = "box";
  c.stop_signal = "SIGUSR1";
  c.stop_timeout_seconds = 7;
  c.network_mode = "bridge";
  c.exposed_ports = {"9000/udp"};
  c.port_bindings = {
      {"8080/tcp", "", "31000"}, {"8080/tcp", "127.0.0.1", "31001"}, {"53/udp", "", ""}};
  c.dns = {"10.0.0.2"};
  c.dns_search = {"example.com"};
  c.dns_options = {"ndots:2"};
  c.extra_hosts = {"db:10.0.0.9"};
  c.binds = {"/srv/data:/data:ro"};
  c.volume_driver = "local";
  c.tmpfs = {{"/tmp", "rw,size=64m"}};
  c.read_only_rootfs = true;
  c.privileged = true;
  c.cap_add = {"NET_ADMIN"};
  c.cap_drop = {"MKNOD"};
  c.security_opt = {"no-new-privileges"};
  c.devices = {{"/dev/fuse", "/dev/fuse", "rwm"}};
  c.group_add = {"audio"};
  c.ipc_mode = "private";
  c.pid_mode = "host";
  c.sysctls = {{"net.core.somaxconn", "1024"}};
  c.init = true;
  c.memory_bytes = 67108864;
  c.memory_swap_bytes = 134217728;
  c.memory_reservation_bytes = 33554432;
  c.shm_size_bytes = 1048576;
  c.cpu_shares = 512;
  c.cpu_period_us = 100000;
  c.cpu_quota_us = 50000;
  c.pids_limit = 100;
  c.oom_kill_disable = false;
  c.ulimits = {{"nofile", 1024, 4096}};
  c.log_driver = "json-file";
  c.log_options = {{"max-size", "1m"}, {"max-file", "2"}};

  const boost::json::value want = Json(R"({
    "Image": "reg:5000/app:2",
    "Entrypoint": ["/bin/sh", "-c"],
    "Cmd": ["echo hi"],
    "Env": ["B=2", "A=1", "EMPTY="],
    "Labels": {"Environment": "prod", "ServiceName": "app"},
    "User": "nobody",
    "WorkingDir": "/srv",
    "Hostname": "box",
    "StopSignal": "SIGUSR1",
    "StopTimeout": 7,
    "ExposedPorts": {"9000/udp": {}, "8080/tcp": {}, "53/udp": {}},
    "HostConfig": {
      "PortBindings": {
        "8080/tcp": [{"HostIp": "", "HostPort": "31000"}, {"HostIp": "127.0.0.1", "HostPort": "31001"}],
        "53/udp": [{"HostIp": "", "HostPort": ""}]
      },
      "NetworkMode": "bridge",
      "Dns": ["10.0.0.2"],
      "DnsSearch": ["example.com"],
      "DnsOptions": ["ndots:2"],
      "ExtraHosts": ["db:10.0.0.9"],
      "Binds": ["/srv/data:/data:ro"],
      "VolumeDriver": "local",
      "Tmpfs": {"/tmp": "rw,size=64m"},
      "ReadonlyRootfs": true,
      "Privileged": true,
      "CapAdd": ["NET_ADMIN"],
      "CapDrop": ["MKNOD"],
      "SecurityOpt": ["no-new-privileges"],
      "GroupAdd": ["audio"],
      "IpcMode": "private",
      "PidMode": "host",
      "Sysctls": {"net.core.somaxconn": "1024"},
      "Init": true,
      "Memory": 67108864,
      "MemorySwap": 134217728,
      "MemoryReservation": 33554432,
      "ShmSize": 1048576,
      "CpuShares": 512,
      "CpuPeriod": 100000,
      "CpuQuota": 50000,
      "PidsLimit": 100,
      "OomKillDisable": false,
      "Devices": [{"PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse", "CgroupPermissions": "rwm"}],
      "Ulimits": [{"Name": "nofile", "Soft": 1024, "Hard": 4096}],
      "LogConfig": {"Type": "json-file", "Config": {"max-file": "2", "max-size": "1m"}}
    }
  })");
  const boost::json::value got = CreateRequestBody(c);
  EXPECT_EQ(got, want) << boost::json::serialize(got);
}

TEST(CreateRequestBody, HostPortIsAlwaysAString) {
  ContainerConfig c;
  c.image = "x";
  c.port_bindings = {{"80/tcp", "", "8080"}};
  const boost::json::value got = CreateRequestBody(c);
  EXPECT_TRUE(
      got.at("HostConfig").at("PortBindings").at("80/tcp").at(0).at("HostPort").is_string());
}

TEST(CreateRequestBody, EmptyCommandIsSentWhenSet) {
  // An explicitly empty entrypoint is a decision, not an unset field.
  ContainerConfig c;
  c.image = "x";
  c.entrypoint = std::vector<std::string>{};
  EXPECT_EQ(boost::json::value(CreateRequestBody(c)), Json(R"({"Image":"x","Entrypoint":[]})"));
}

TEST(CreateRequestBody, LogOptionsWithoutDriverUseTheDaemonDefault) {
  ContainerConfig c;
  c.image = "x";
  c.log_options = {{"max-size", "1m"}};
  EXPECT_EQ(
      boost::json::value(CreateRequestBody(c)),
      Json(R"({"Image":"x","HostConfig":{"LogConfig":{"Type":"","Config":{"max-size":"1m"}}}})"));
}

}  // namespace
}  // namespace docker
