// One test per upstream rule (upstream-behavior.md 4.3-4.9), the TaskInfo
// shapes of mesos-executor-api.md 6.2/7, and every TaskInfo we refuse.
#include "executor/container_mapping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "executor/container_name.h"

namespace executor {
namespace {

namespace json = boost::json;
using std::chrono::seconds;
using testing::AllOf;
using testing::Contains;
using testing::ElementsAre;
using testing::Field;
using testing::HasSubstr;
using testing::IsEmpty;
using testing::Not;
using testing::Pair;

// The custom-executor shape Singularity sends: executor env, DOCKER container.
constexpr const char* kExecutorTask = R"({
  "name": "web", "task_id": {"value": "task_42"},
  "agent_id": {"value": "agent-S3"},
  "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.5},
                 "allocation_info": {"role": "*"}},
                {"name": "mem", "type": "SCALAR", "scalar": {"value": 64.0},
                 "allocation_info": {"role": "*"}},
                {"name": "ports", "type": "RANGES",
                 "ranges": {"range": [{"begin": 10270, "end": 10271}]}}],
  "executor": {"type": "CUSTOM", "executor_id": {"value": "exec-1"},
               "command": {"value": "executor.sh", "shell": true,
                           "environment": {"variables": [
                             {"name": "TASK_ID", "type": "VALUE", "value": "task_42"},
                             {"name": "TASK_HOST", "type": "VALUE", "value": "worker-3"}]}}},
  "container": {"type": "DOCKER",
                "docker": {"image": "nitro/beowulf:1.2", "network": "BRIDGE",
                           "privileged": false, "force_pull_image": false}}
})";

json::object Parse(const char* text) { return json::parse(text).as_object(); }

json::object& Obj(json::object& o, std::string_view key) { return o[key].as_object(); }
json::object& Container(json::object& task) { return Obj(task, "container"); }
json::object& Docker(json::object& task) { return Obj(Container(task), "docker"); }

class ContainerMappingTest : public testing::Test {
 protected:
  MappingInputs Inputs() {
    return {settings_, "fw-1", "exec-1", "agent-S3", 8, "/var/lib/mesos/sandbox", extra_env_};
  }

  ContainerPlan Map(const json::object& task) {
    auto plan = MapTaskToContainer(task, Inputs());
    EXPECT_TRUE(plan.ok()) << plan.status().message();
    return plan.ok() ? std::move(plan).value() : ContainerPlan{};
  }

  std::string MapError(const json::object& task) {
    auto plan = MapTaskToContainer(task, Inputs());
    EXPECT_FALSE(plan.ok());
    if (plan.ok()) return "";
    EXPECT_EQ(plan.status().code(), base::StatusCode::kInvalid);
    return plan.status().message();
  }

  void SetParameters(json::object& task, const char* parameters) {
    Docker(task)["parameters"] = json::parse(parameters);
  }

  Settings settings_ = DefaultSettings("host");
  std::vector<std::string> extra_env_;
};

// 4.3
TEST_F(ContainerMappingTest, NameIsMesosPlusUuid5OfTheTaskId) {
  ContainerPlan plan = Map(Parse(kExecutorTask));
  EXPECT_EQ(plan.config.name, "mesos-5cf434e4-0723-522d-aea0-1a344f913c23");
  EXPECT_EQ(plan.task_id, "task_42");
  EXPECT_EQ(plan.config.image, "nitro/beowulf:1.2");
}

// 4.4: contents and order, without de-duplication.
TEST_F(ContainerMappingTest, EnvironmentFollowsUpstreamOrder) {
  json::object task = Parse(kExecutorTask);
  SetParameters(task, R"([{"key": "env", "value": "FOO=bar"},
                          {"key": "label", "value": "ServiceName=beowulf"},
                          {"key": "label", "value": "Environment=prod"},
                          {"key": "label", "value": "EnvironmentName=prod-east"},
                          {"key": "env", "value": "TASK_ID=dup"}])");
  Docker(task)["port_mappings"] = json::parse(
      R"([{"container_port": 8080}, {"host_port": 10270, "container_port": 443},
          {"host_port": 10271, "container_port": 9090, "protocol": "tcp,udp"}])");
  extra_env_ = {"SIDECAR_SEEDS=a,b", "AWS_ACCESS_KEY_ID=AK"};
  ContainerPlan plan = Map(task);
  EXPECT_THAT(plan.config.env,
              ElementsAre("TASK_ID=task_42", "TASK_HOST=worker-3", "FOO=bar", "TASK_ID=dup",
                          "SIDECAR_SEEDS=a,b", "AWS_ACCESS_KEY_ID=AK", "MESOS_PORT_443=10270",
                          "MESOS_PORT_9090=10271", "MESOS_HOSTNAME=worker-3",
                          "SERVICE_NAME=beowulf", "ENVIRONMENT=prod",
                          "ENVIRONMENT_NAME=prod-east", "SERVICE_VERSION=1.2"));
  EXPECT_THAT(plan.warnings, IsEmpty());
  EXPECT_EQ(plan.task_host, "worker-3");
}

TEST_F(ContainerMappingTest, MissingLabelsAreWarnedAboutNotInvented) {
  ContainerPlan plan = Map(Parse(kExecutorTask));
  EXPECT_THAT(plan.config.env, ElementsAre("TASK_ID=task_42", "TASK_HOST=worker-3",
                                           "MESOS_HOSTNAME=worker-3", "SERVICE_VERSION=1.2"));
  EXPECT_THAT(plan.warnings, ElementsAre("No ServiceName set for task_42",
                                         "No Environment or EnvironmentName set for task_42"));
}

TEST_F(ContainerMappingTest, EmptyServiceNameLabelStillExports) {
  json::object task = Parse(kExecutorTask);
  SetParameters(task, R"([{"key": "label", "value": "ServiceName="},
                          {"key": "label", "value": "EnvironmentName=dev"}])");
  ContainerPlan plan = Map(task);
  EXPECT_THAT(plan.config.env, Contains("SERVICE_NAME="));
  EXPECT_THAT(plan.config.env, Contains("ENVIRONMENT_NAME=dev"));
  EXPECT_THAT(plan.config.env, Not(Contains(HasSubstr("ENVIRONMENT=dev"))));
  EXPECT_THAT(plan.warnings, IsEmpty());
}

TEST_F(ContainerMappingTest, NoMesosHostnameWithoutTaskHost) {
  json::object task = Parse(kExecutorTask);
  Obj(Obj(task, "executor"), "command").erase("environment");
  ContainerPlan plan = Map(task);
  EXPECT_THAT(plan.config.env, Not(Contains(HasSubstr("MESOS_HOSTNAME"))));
  EXPECT_EQ(plan.task_host, "");
}

struct VersionCase {
  const char* image;
  const char* version;  // nullptr: omitted with a warning
};
std::ostream& operator<<(std::ostream& os, const VersionCase& c) { return os << c.image; }

class ServiceVersionTest : public ContainerMappingTest,
                           public testing::WithParamInterface<VersionCase> {};

TEST_P(ServiceVersionTest, IsTheTagAfterTheLastPathSegment) {
  json::object task = Parse(kExecutorTask);
  Docker(task)["image"] = GetParam().image;
  ContainerPlan plan = Map(task);
  if (GetParam().version) {
    EXPECT_THAT(plan.config.env, Contains(std::string("SERVICE_VERSION=") + GetParam().version));
  } else {
    EXPECT_THAT(plan.config.env, Not(Contains(HasSubstr("SERVICE_VERSION"))));
    EXPECT_THAT(plan.warnings, Contains(HasSubstr("Unable to extract version from Docker image")));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Images, ServiceVersionTest,
    testing::Values(VersionCase{"foo/bar:1.2", "1.2"}, VersionCase{"reg:5000/foo:1.2", "1.2"},
                    VersionCase{"reg:5000/team/foo:v2-rc1", "v2-rc1"},
                    VersionCase{"reg:5000/foo", nullptr}, VersionCase{"foo", nullptr},
                    VersionCase{"foo@sha256:abababababababababababababababababababababababababababababababab", nullptr},
                    VersionCase{"foo:1.2@sha256:abababababababababababababababababababababababababababababababab", nullptr}));

TEST_F(ContainerMappingTest, AnImageDockerWouldRejectMakesTheTaskInvalid) {
  for (const char* image : {"Foo/Bar:1", "foo@sha256:ab", "foo:", "-a/b:1"}) {
    json::object task = Parse(kExecutorTask);
    Docker(task)["image"] = image;
    base::Result<ContainerPlan> plan = MapTaskToContainer(task, Inputs());
    ASSERT_FALSE(plan.ok()) << image;
    EXPECT_EQ(plan.status().code(), base::StatusCode::kInvalid);
    EXPECT_THAT(plan.status().message(), HasSubstr(image));
  }
}

// 4.5
TEST_F(ContainerMappingTest, LabelsComeFromLabelParametersPlusOurMesosIds) {
  json::object task = Parse(kExecutorTask);
  SetParameters(task, R"([{"key": "label", "value": "HealthCheck=HttpGet"},
                          {"key": "label", "value": "mesos.task_id=spoofed"},
                          {"key": "label", "value": "novalue"}])");
  task["labels"] = json::parse(R"({"labels": [{"key": "app", "value": "web"}]})");
  ContainerPlan plan = Map(task);
  EXPECT_THAT(plan.config.labels,
              ElementsAre(Pair("HealthCheck", "HttpGet"), Pair("mesos.agent_id", "agent-S3"),
                          Pair("mesos.executor_id", "exec-1"), Pair("mesos.framework_id", "fw-1"),
                          Pair("mesos.task_id", "task_42")));
  EXPECT_THAT(plan.task_labels,
              ElementsAre(Pair("HealthCheck", "HttpGet"), Pair("mesos.task_id", "spoofed")));
  EXPECT_THAT(plan.warnings, Contains(HasSubstr("label='novalue'")));
}

TEST_F(ContainerMappingTest, SidecarDiscoverLabel) {
  const std::pair<const char*, bool> cases[] = {
      {"false", false}, {"0", false}, {"F", false}, {"true", true}, {"garbage", true}};
  for (auto [value, want] : cases) {
    json::object task = Parse(kExecutorTask);
    Docker(task)["parameters"] = json::array{
        json::object{{"key", "label"}, {"value", std::string("SidecarDiscover=") + value}}};
    EXPECT_EQ(Map(task).sidecar_discover, want) << value;
  }
  EXPECT_TRUE(Map(Parse(kExecutorTask)).sidecar_discover);
}

// 4.8: executor.ShellCommand
TEST_F(ContainerMappingTest, ShellCommandLabelSplitsOnSingleSpacesIntoCmd) {
  json::object task = Parse(kExecutorTask);
  SetParameters(task, R"([{"key": "label", "value": "executor.ShellCommand=make build beowulf"},
                          {"key": "label", "value": "ServiceName=beowulf"}])");
  ContainerPlan plan = Map(task);
  EXPECT_THAT(*plan.config.cmd, ElementsAre("make", "build", "beowulf"));
  EXPECT_FALSE(plan.config.entrypoint);  // the image's entrypoint still applies
  EXPECT_FALSE(plan.config.labels.contains("executor.ShellCommand"));
  EXPECT_FALSE(plan.task_labels.contains("executor.ShellCommand"));
}

TEST_F(ContainerMappingTest, ShellCommandKeepsEmptyPiecesLikeUpstream) {
  json::object task = Parse(kExecutorTask);
  SetParameters(task, R"([{"key": "label", "value": "executor.ShellCommand=a  b"}])");
  EXPECT_THAT(*Map(task).config.cmd, ElementsAre("a", "", "b"));
}

TEST_F(ContainerMappingTest, ShellCommandWinsOverTaskCommand) {
  json::object task = Parse(kExecutorTask);
  SetParameters(task, R"([{"key": "label", "value": "executor.ShellCommand=run it"}])");
  task["command"] = json::parse(R"({"shell": true, "value": "ignored"})");
  ContainerPlan plan = Map(task);
  EXPECT_THAT(*plan.config.cmd, ElementsAre("run", "it"));
  EXPECT_FALSE(plan.config.entrypoint);
  EXPECT_THAT(plan.warnings, Contains(HasSubstr("TaskInfo.command is ignored")));
}

TEST_F(ContainerMappingTest, NoCommandKeepsTheImagesOwn) {
  ContainerPlan plan = Map(Parse(kExecutorTask));
  EXPECT_FALSE(plan.config.cmd);
  EXPECT_FALSE(plan.config.entrypoint);
}

// TaskInfo.command, Mesos Docker executor semantics (mesos-executor-api.md 7.1).
TEST_F(ContainerMappingTest, ShellCommandRunsUnderBinSh) {
  for (const char* command : {R"({"shell": true, "value": "echo $HOME && sleep 1"})",
                              R"({"value": "echo $HOME && sleep 1", "arguments": ["x"]})"}) {
    json::object task = Parse(kExecutorTask);
    task["command"] = json::parse(command);
    ContainerPlan plan = Map(task);
    EXPECT_THAT(*plan.config.entrypoint, ElementsAre("/bin/sh", "-c")) << command;
    EXPECT_THAT(*plan.config.cmd, ElementsAre("echo $HOME && sleep 1")) << command;
  }
}

TEST_F(ContainerMappingTest, ExecCommandIsValueThenArguments) {
  json::object task = Parse(kExecutorTask);
  task["command"] = json::parse(R"({"shell": false, "value": "/bin/server", "arguments": ["-p", "80"]})");
  ContainerPlan plan = Map(task);
  EXPECT_FALSE(plan.config.entrypoint);
  EXPECT_THAT(*plan.config.cmd, ElementsAre("/bin/server", "-p", "80"));

  task["command"] = json::parse(R"({"shell": false, "arguments": ["-p", "80"]})");
  EXPECT_THAT(*Map(task).config.cmd, ElementsAre("-p", "80"));
  task["command"] = json::parse(R"({"shell": false})");
  EXPECT_FALSE(Map(task).config.cmd);
}

TEST_F(ContainerMappingTest, DefaultedShellWithoutValueRunsTheImage) {
  json::object task = Parse(kExecutorTask);
  task["command"] = json::parse(R"({"shell": true, "environment": {"variables": [
      {"name": "APP_ENV", "type": "VALUE", "value": "production"}]}})");
  ContainerPlan plan = Map(task);
  EXPECT_FALSE(plan.config.cmd);
  EXPECT_FALSE(plan.config.entrypoint);
  EXPECT_THAT(plan.config.env, Contains("APP_ENV=production"));
}

TEST_F(ContainerMappingTest, ShellCommandOverridesAnEntrypointParameterWithAWarning) {
  json::object task = Parse(kExecutorTask);
  SetParameters(task, R"([{"key": "entrypoint", "value": "/init"}])");
  task["command"] = json::parse(R"({"value": "run"})");
  ContainerPlan plan = Map(task);
  EXPECT_THAT(*plan.config.entrypoint, ElementsAre("/bin/sh", "-c"));
  EXPECT_THAT(plan.warnings, Contains(HasSubstr("entrypoint is overridden")));
}

TEST_F(ContainerMappingTest, CommandEnvironmentFollowsTheExecutorEnvironment) {
  json::object task = Parse(kExecutorTask);
  task["command"] = json::parse(R"({"shell": false, "environment": {"variables": [
      {"name": "APP_ENV", "type": "VALUE", "value": "production"}]}})");
  SetParameters(task, R"([{"key": "env", "value": "FROM_PARAM=1"}])");
  EXPECT_THAT(Map(task).config.env,
              testing::IsSupersetOf({"TASK_ID=task_42", "TASK_HOST=worker-3",
                                     "APP_ENV=production", "FROM_PARAM=1"}));
  const auto env = Map(task).config.env;
  EXPECT_EQ(env[2], "APP_ENV=production");
  EXPECT_EQ(env[3], "FROM_PARAM=1");
}

// 4.7
TEST_F(ContainerMappingTest, PortsExposeBindAndSplitProtocols) {
  json::object task = Parse(kExecutorTask);
  Docker(task)["port_mappings"] = json::parse(
      R"([{"container_port": 8080}, {"host_port": 10270, "container_port": 443},
          {"host_port": 10271, "container_port": 9090, "protocol": "tcp,udp"}])");
  ContainerPlan plan = Map(task);
  EXPECT_THAT(plan.config.exposed_ports, ElementsAre("8080/tcp", "443/tcp", "9090/tcp", "9090/udp"));
  using docker::PortBinding;
  auto binding = [](const char* key, const char* port) {
    return AllOf(Field(&PortBinding::container_port_proto, key), Field(&PortBinding::host_ip, ""),
                 Field(&PortBinding::host_port, port));
  };
  EXPECT_THAT(plan.config.port_bindings,
              ElementsAre(binding("443/tcp", "10270"), binding("9090/tcp", "10271"),
                          binding("9090/udp", "10271")));
}

struct ProtocolCase {
  const char* protocol;
  std::vector<std::string> exposed;
};
std::ostream& operator<<(std::ostream& os, const ProtocolCase& c) { return os << '"' << c.protocol << '"'; }

class PortProtocolTest : public ContainerMappingTest,
                         public testing::WithParamInterface<ProtocolCase> {};

TEST_P(PortProtocolTest, SplitsOnCommaAndOneWhitespace) {
  json::object task = Parse(kExecutorTask);
  Docker(task)["port_mappings"] = json::array{
      json::object{{"container_port", 53}, {"host_port", 10270}, {"protocol", GetParam().protocol}}};
  ContainerPlan plan = Map(task);
  EXPECT_EQ(plan.config.exposed_ports, GetParam().exposed);
  EXPECT_EQ(plan.config.port_bindings.size(), GetParam().exposed.size());
}

INSTANTIATE_TEST_SUITE_P(
    Protocols, PortProtocolTest,
    testing::Values(ProtocolCase{"", {"53/tcp"}}, ProtocolCase{"udp", {"53/udp"}},
                    ProtocolCase{"tcp, udp", {"53/tcp", "53/udp"}},
                    ProtocolCase{"tcp,\tudp", {"53/tcp", "53/udp"}},
                    ProtocolCase{"tcp,  udp", {"53/tcp", "53/ udp"}},  // one space only (D34)
                    ProtocolCase{"tcp,udp,", {"53/tcp"}},              // any empty piece: tcp
                    ProtocolCase{",udp", {"53/tcp"}},
                    ProtocolCase{"UDP", {"53/UDP"}}));  // verbatim, as upstream

TEST_F(ContainerMappingTest, ALaterMappingOfTheSamePortReplacesTheBinding) {
  json::object task = Parse(kExecutorTask);
  Docker(task)["port_mappings"] = json::parse(
      R"([{"host_port": 10270, "container_port": 80}, {"host_port": 10271, "container_port": 80}])");
  ContainerPlan plan = Map(task);
  EXPECT_THAT(plan.config.exposed_ports, ElementsAre("80/tcp"));
  ASSERT_EQ(plan.config.port_bindings.size(), 1u);
  EXPECT_EQ(plan.config.port_bindings[0].host_port, "10271");
  EXPECT_THAT(plan.config.env, testing::IsSupersetOf({"MESOS_PORT_80=10270", "MESOS_PORT_80=10271"}));
}

// 4.8: network
struct NetworkCase {
  const char* docker_network;  // nullptr: field absent
  const char* network_infos;   // JSON or nullptr
  const char* parameters;      // JSON or nullptr
  const char* want;
};
std::ostream& operator<<(std::ostream& os, const NetworkCase& c) {
  return os << (c.docker_network ? c.docker_network : "(absent)") << " -> " << c.want;
}

class NetworkModeTest : public ContainerMappingTest,
                        public testing::WithParamInterface<NetworkCase> {};

TEST_P(NetworkModeTest, Maps) {
  json::object task = Parse(kExecutorTask);
  Docker(task).erase("network");
  if (GetParam().docker_network) Docker(task)["network"] = GetParam().docker_network;
  if (GetParam().network_infos) Container(task)["network_infos"] = json::parse(GetParam().network_infos);
  if (GetParam().parameters) SetParameters(task, GetParam().parameters);
  EXPECT_EQ(Map(task).config.network_mode, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Networks, NetworkModeTest,
    testing::Values(NetworkCase{"HOST", nullptr, nullptr, "host"},
                    NetworkCase{"BRIDGE", nullptr, nullptr, "default"},
                    NetworkCase{"NONE", nullptr, nullptr, "none"},
                    NetworkCase{nullptr, nullptr, nullptr, "host"},  // proto default
                    NetworkCase{"USER", R"([{"name": "backend"}])", nullptr, "backend"},
                    NetworkCase{"BRIDGE", nullptr, R"([{"key": "net", "value": "overlay1"}])",
                                "overlay1"},
                    NetworkCase{"USER", nullptr,
                                R"([{"key": "network", "value": "a"}, {"key": "net", "value": "b"}])",
                                "a"}));

// 4.8: volumes
TEST_F(ContainerMappingTest, VolumesBecomeBinds) {
  json::object task = Parse(kExecutorTask);
  Container(task)["volumes"] = json::parse(R"([
      {"container_path": "/tmp/somewhere", "host_path": "/tmp/elsewhere", "mode": "RO"},
      {"container_path": "/data", "host_path": "/srv/data", "mode": "RW"},
      {"container_path": "/cache", "host_path": "/srv/cache"},
      {"container_path": "/vol", "host_path": "named-volume", "mode": "RW"},
      {"container_path": "/dv", "mode": "RO",
       "source": {"type": "DOCKER_VOLUME", "docker_volume": {"name": "pg-data", "driver": "rexray"}}},
      {"container_path": "/scratch", "mode": "RW",
       "source": {"type": "SANDBOX_PATH", "sandbox_path": {"type": "SELF", "path": "scratch"}}}])");
  ContainerPlan plan = Map(task);
  EXPECT_THAT(plan.config.binds,
              ElementsAre("/tmp/elsewhere:/tmp/somewhere:ro", "/srv/data:/data", "/srv/cache:/cache",
                          "named-volume:/vol", "pg-data:/dv:ro",
                          "/var/lib/mesos/sandbox/scratch:/scratch"));
  EXPECT_EQ(plan.config.volume_driver, "rexray");
  EXPECT_THAT(plan.warnings, Not(Contains(HasSubstr("volumes"))));
}

TEST_F(ContainerMappingTest, DockerVolumeDriverOptionsAreWarnedAbout) {
  json::object task = Parse(kExecutorTask);
  Container(task)["volumes"] = json::parse(R"([{"container_path": "/dv", "mode": "RW",
      "source": {"type": "DOCKER_VOLUME", "docker_volume": {"name": "v",
                 "driver_options": {"parameter": [{"key": "size", "value": "1"}]}}}}])");
  ContainerPlan plan = Map(task);
  EXPECT_THAT(plan.config.binds, ElementsAre("v:/dv"));
  EXPECT_THAT(plan.warnings, Contains(HasSubstr("driver_options are not supported")));
}

// Command-task shape, exactly as the agent prints it (mesos-executor-api.md 7).
constexpr const char* kCommandTask = R"({
  "name": "web", "task_id": { "value": "web-1" },
  "agent_id": { "value": "0f1e2d3c-aaaa-bbbb-cccc-1234567890ab-S3" },
  "resources": [
    { "name": "cpus", "type": "SCALAR", "scalar": { "value": 0.5 }, "allocation_info": { "role": "web" } },
    { "name": "mem", "type": "SCALAR", "scalar": { "value": 256.0 }, "allocation_info": { "role": "web" } },
    { "name": "ports", "type": "RANGES", "ranges": { "range": [ { "begin": 31000, "end": 31001 } ] },
      "allocation_info": { "role": "web" } } ],
  "command": {
    "shell": false, "value": "/usr/local/bin/server", "arguments": [ "--listen=:8080" ],
    "environment": { "variables": [
      { "name": "APP_ENV", "type": "VALUE", "value": "production" },
      { "name": "LOG_LEVEL", "type": "VALUE", "value": "info" } ] },
    "uris": [ { "value": "https://artifacts.example.net/web/config.tgz", "extract": true, "cache": false } ] },
  "container": {
    "type": "DOCKER",
    "docker": {
      "image": "registry.example.net/acme/web:1.4.2", "network": "BRIDGE",
      "port_mappings": [
        { "host_port": 31000, "container_port": 8080, "protocol": "tcp" },
        { "host_port": 31001, "container_port": 9090, "protocol": "tcp" } ],
      "privileged": false,
      "parameters": [ { "key": "label", "value": "team=web" },
                      { "key": "ulimit", "value": "nofile=65536:65536" } ],
      "force_pull_image": false },
    "volumes": [
      { "container_path": "/etc/acme", "host_path": "/srv/acme/conf", "mode": "RO" },
      { "container_path": "/var/cache/acme", "host_path": "/srv/acme/cache", "mode": "RW" } ] },
  "labels": { "labels": [ { "key": "app", "value": "web" }, { "key": "canary", "value": "false" } ] },
  "discovery": { "visibility": "FRAMEWORK", "name": "web",
    "ports": { "ports": [ { "number": 31000, "name": "http", "protocol": "tcp" } ] } },
  "kill_policy": { "grace_period": { "nanoseconds": 30000000000 } },
  "health_check": { "type": "HTTP",
    "http": { "protocol": "IPv4", "scheme": "http", "port": 8080, "path": "/healthz" },
    "delay_seconds": 15.0, "interval_seconds": 10.0, "timeout_seconds": 20.0,
    "consecutive_failures": 3, "grace_period_seconds": 10.0 },
  "max_completion_time": { "nanoseconds": 3600000000000 }
})";

TEST_F(ContainerMappingTest, CommandTaskShapeFromTheSpec) {
  settings_.force_cpu_limit = true;
  settings_.force_memory_limit = true;
  ContainerPlan plan = Map(Parse(kCommandTask));
  const docker::ContainerConfig& c = plan.config;
  EXPECT_EQ(c.name, ContainerNameForTask("web-1"));
  EXPECT_EQ(c.image, "registry.example.net/acme/web:1.4.2");
  EXPECT_FALSE(c.entrypoint);
  EXPECT_THAT(*c.cmd, ElementsAre("/usr/local/bin/server", "--listen=:8080"));
  EXPECT_THAT(c.env, ElementsAre("APP_ENV=production", "LOG_LEVEL=info", "MESOS_PORT_8080=31000",
                                 "MESOS_PORT_9090=31001", "SERVICE_VERSION=1.4.2"));
  EXPECT_EQ(c.network_mode, "default");
  EXPECT_THAT(c.exposed_ports, ElementsAre("8080/tcp", "9090/tcp"));
  EXPECT_EQ(c.port_bindings.size(), 2u);
  EXPECT_THAT(c.binds, ElementsAre("/srv/acme/conf:/etc/acme:ro", "/srv/acme/cache:/var/cache/acme"));
  EXPECT_EQ(c.labels.at("team"), "web");
  EXPECT_FALSE(c.labels.contains("app"));  // TaskInfo.labels are not Docker labels (upstream)
  ASSERT_EQ(c.ulimits.size(), 1u);
  EXPECT_EQ(c.ulimits[0].hard, 65536);
  EXPECT_EQ(c.cpu_period_us, 50000);
  EXPECT_EQ(c.cpu_quota_us, 25000);
  EXPECT_EQ(c.memory_bytes, 256 << 20);
  EXPECT_FALSE(c.privileged);
  EXPECT_EQ(plan.kill_grace, seconds(30));
  EXPECT_FALSE(plan.force_pull);
  EXPECT_EQ(plan.task_host, "");
  EXPECT_THAT(plan.warnings,
              testing::IsSupersetOf({"TaskInfo.command.uris is not supported by this executor and was ignored",
                                     "TaskInfo.health_check is not supported by this executor and was ignored",
                                     "TaskInfo.max_completion_time is not supported by this executor and was ignored"}));
}

// The custom-executor example of mesos-executor-api.md 6.2, with integer numbers.
TEST_F(ContainerMappingTest, CustomExecutorShapeFromTheSpec) {
  settings_.force_cpu_limit = true;
  settings_.use_cpu_shares = true;
  ContainerPlan plan = Map(Parse(R"({
    "name": "web", "task_id": { "value": "web-1" },
    "agent_id": { "value": "0f1e2d3c-aaaa-bbbb-cccc-1234567890ab-S3" },
    "resources": [ { "name": "cpus", "type": "SCALAR", "scalar": { "value": 2 },
                     "allocation_info": { "role": "web" } } ],
    "executor": { "type": "CUSTOM", "executor_id": { "value": "web-executor-7" },
                  "framework_id": { "value": "5a1e7b8c-33f0-4c1e-a3a5-1d2f3e4c5b6a-0000" },
                  "command": { "value": "/opt/acme/bin/acme-executor", "shell": true } },
    "container": { "type": "DOCKER",
                   "docker": { "image": "registry.example.net/acme/web:1.4.2",
                               "network": "HOST", "privileged": false } } })"));
  EXPECT_EQ(plan.config.network_mode, "host");
  EXPECT_EQ(plan.config.cpu_shares, 256);  // 1024 x 2 / 8
  EXPECT_FALSE(plan.config.cmd);
  EXPECT_THAT(plan.config.env, ElementsAre("SERVICE_VERSION=1.4.2"));
  EXPECT_FALSE(plan.kill_grace);
}

TEST_F(ContainerMappingTest, DockerInfoFlags) {
  json::object task = Parse(kExecutorTask);
  Docker(task)["privileged"] = true;
  Docker(task)["force_pull_image"] = true;
  ContainerPlan plan = Map(task);
  EXPECT_TRUE(plan.config.privileged);
  EXPECT_TRUE(plan.force_pull);

  SetParameters(task, R"([{"key": "privileged", "value": "false"}])");
  EXPECT_FALSE(Map(task).config.privileged);
}

TEST_F(ContainerMappingTest, ParametersReachTheConfigAndUnsupportedOnesAreWarned) {
  json::object task = Parse(kExecutorTask);
  SetParameters(task, R"([{"key": "user", "value": "nobody"}, {"key": "memory", "value": "1g"},
                          {"key": "publish", "value": "80:80"}])");
  ContainerPlan plan = Map(task);
  EXPECT_EQ(plan.config.user, "nobody");
  EXPECT_EQ(plan.config.memory_bytes, int64_t{1} << 30);
  EXPECT_THAT(plan.warnings, Contains("Docker parameter 'publish' is not supported by this "
                                      "executor and was ignored"));
}

TEST_F(ContainerMappingTest, KillGraceComesFromTheTaskKillPolicy) {
  json::object task = Parse(kExecutorTask);
  task["kill_policy"] = json::parse(R"({"grace_period": {"nanoseconds": 1500000000}})");
  EXPECT_EQ(Map(task).kill_grace, std::chrono::milliseconds(1500));
}

TEST_F(ContainerMappingTest, ContainerHostnameIsWarnedAboutNotApplied) {
  json::object task = Parse(kExecutorTask);
  Container(task)["hostname"] = "web.internal";
  ContainerPlan plan = Map(task);
  EXPECT_FALSE(plan.config.hostname);
  EXPECT_THAT(plan.warnings, Contains(HasSubstr("TaskInfo.container.hostname is not supported")));
}

// Every TaskInfo we refuse, with its message.
struct InvalidCase {
  const char* name;
  void (*mutate)(json::object& task);
  const char* message;
};
std::ostream& operator<<(std::ostream& os, const InvalidCase& c) { return os << c.name; }

class InvalidTaskTest : public ContainerMappingTest,
                        public testing::WithParamInterface<InvalidCase> {};

TEST_P(InvalidTaskTest, IsInvalidWithAClearMessage) {
  json::object task = Parse(kExecutorTask);
  GetParam().mutate(task);
  EXPECT_EQ(MapError(task), GetParam().message);
}

void SetPorts(json::object& task, const char* mappings) {
  Docker(task)["port_mappings"] = json::parse(mappings);
}
void SetVolumes(json::object& task, const char* volumes) {
  Container(task)["volumes"] = json::parse(volumes);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InvalidTaskTest,
    testing::Values(
        InvalidCase{"NoContainer", [](json::object& t) { t.erase("container"); },
                    "TaskInfo has no container; this executor runs Docker containers only (set "
                    "TaskInfo.container with type DOCKER and an image)"},
        InvalidCase{"MesosContainer", [](json::object& t) { Container(t)["type"] = "MESOS"; },
                    "TaskInfo.container.type is 'MESOS'; this executor runs only DOCKER containers"},
        InvalidCase{"NoContainerType", [](json::object& t) { Container(t).erase("type"); },
                    "TaskInfo.container.type is ''; this executor runs only DOCKER containers"},
        InvalidCase{"NoDockerInfo", [](json::object& t) { Container(t).erase("docker"); },
                    "TaskInfo.container.docker is missing"},
        InvalidCase{"EmptyImage", [](json::object& t) { Docker(t)["image"] = ""; },
                    "TaskInfo.container.docker.image is empty"},
        InvalidCase{"NoImage", [](json::object& t) { Docker(t).erase("image"); },
                    "TaskInfo.container.docker.image is empty"},
        InvalidCase{"NoTaskId", [](json::object& t) { t.erase("task_id"); },
                    "TaskInfo.task_id.value is required"},
        InvalidCase{"ContainerNotAnObject", [](json::object& t) { t["container"] = "docker"; },
                    "TaskInfo.container must be an object"},
        InvalidCase{"ContainerPortZero",
                    [](json::object& t) { SetPorts(t, R"([{"container_port": 0, "host_port": 1}])"); },
                    "TaskInfo.container.docker.port_mappings[0].container_port must be a port "
                    "number from 1 to 65535"},
        InvalidCase{"ContainerPortMissing",
                    [](json::object& t) { SetPorts(t, R"([{"container_port": 80}, {"host_port": 1}])"); },
                    "TaskInfo.container.docker.port_mappings[1].container_port must be a port "
                    "number from 1 to 65535"},
        InvalidCase{"ContainerPortTooBig",
                    [](json::object& t) { SetPorts(t, R"([{"container_port": 65536}])"); },
                    "TaskInfo.container.docker.port_mappings[0].container_port must be a port "
                    "number from 1 to 65535"},
        InvalidCase{"HostPortNegative",
                    [](json::object& t) { SetPorts(t, R"([{"container_port": 80, "host_port": -1}])"); },
                    "TaskInfo.container.docker.port_mappings[0].host_port must be a port number "
                    "from 0 to 65535"},
        InvalidCase{"HostPortTooBig",
                    [](json::object& t) { SetPorts(t, R"([{"container_port": 80, "host_port": 70000}])"); },
                    "TaskInfo.container.docker.port_mappings[0].host_port must be a port number "
                    "from 0 to 65535"},
        InvalidCase{"PortNotInteger",
                    [](json::object& t) { SetPorts(t, R"([{"container_port": 80.5}])"); },
                    "TaskInfo.container.docker.port_mappings[0].container_port must be an integer"},
        InvalidCase{"PortString",
                    [](json::object& t) { SetPorts(t, R"([{"container_port": "http"}])"); },
                    "TaskInfo.container.docker.port_mappings[0].container_port must be an integer"},
        InvalidCase{"VolumeWithoutSource",
                    [](json::object& t) { SetVolumes(t, R"([{"container_path": "/data", "mode": "RW"}])"); },
                    "TaskInfo.container.volumes[0] (container_path /data) has neither a host_path "
                    "nor a DOCKER_VOLUME source"},
        InvalidCase{"VolumeWithSecretSource",
                    [](json::object& t) {
                      SetVolumes(t, R"([{"container_path": "/s", "mode": "RO", "source": {"type": "SECRET"}}])");
                    },
                    "TaskInfo.container.volumes[0] (container_path /s) has neither a host_path nor "
                    "a DOCKER_VOLUME source; source type SECRET is not supported"},
        InvalidCase{"VolumeWithImage",
                    [](json::object& t) {
                      SetVolumes(t, R"([{"container_path": "/i", "mode": "RO", "image": {"type": "DOCKER"}}])");
                    },
                    "TaskInfo.container.volumes[0] (container_path /i) has neither a host_path nor "
                    "a DOCKER_VOLUME source; source type IMAGE is not supported"},
        InvalidCase{"DockerVolumeWithoutName",
                    [](json::object& t) {
                      SetVolumes(t, R"([{"container_path": "/d", "mode": "RW",
                                         "source": {"type": "DOCKER_VOLUME", "docker_volume": {}}}])");
                    },
                    "TaskInfo.container.volumes[0].source.docker_volume.name is required"},
        InvalidCase{"ConflictingVolumeDrivers",
                    [](json::object& t) {
                      Docker(t)["parameters"] = json::parse(R"([{"key": "volume-driver", "value": "a"}])");
                      SetVolumes(t, R"([{"container_path": "/d", "mode": "RW",
                          "source": {"type": "DOCKER_VOLUME", "docker_volume": {"name": "n", "driver": "b"}}}])");
                    },
                    "TaskInfo.container.volumes[0] uses volume driver 'b' but the container "
                    "already uses 'a'"},
        InvalidCase{"ParentSandboxPath",
                    [](json::object& t) {
                      SetVolumes(t, R"([{"container_path": "/p", "mode": "RW",
                          "source": {"type": "SANDBOX_PATH", "sandbox_path": {"type": "PARENT", "path": "x"}}}])");
                    },
                    "TaskInfo.container.volumes[0] (container_path /p) has neither a host_path nor "
                    "a DOCKER_VOLUME source; source type SANDBOX_PATH is not supported"},
        InvalidCase{"AbsoluteSandboxPath",
                    [](json::object& t) {
                      SetVolumes(t, R"([{"container_path": "/p", "mode": "RW",
                          "source": {"type": "SANDBOX_PATH", "sandbox_path": {"type": "SELF", "path": "/etc"}}}])");
                    },
                    "TaskInfo.container.volumes[0].source.sandbox_path.path must be a relative path "
                    "in the task sandbox"},
        InvalidCase{"RelativeContainerPath",
                    [](json::object& t) { SetVolumes(t, R"([{"container_path": "data", "host_path": "/d"}])"); },
                    "TaskInfo.container.volumes[0].container_path must be an absolute path (got 'data')"},
        InvalidCase{"BadVolumeMode",
                    [](json::object& t) {
                      SetVolumes(t, R"([{"container_path": "/d", "host_path": "/d", "mode": "RX"}])");
                    },
                    "TaskInfo.container.volumes[0].mode must be RW or RO (got 'RX')"},
        InvalidCase{"UserNetworkWithoutNetworkInfo",
                    [](json::object& t) { Docker(t)["network"] = "USER"; },
                    "TaskInfo.container.docker.network is USER, which needs exactly one named "
                    "TaskInfo.container.network_infos entry (found 0)"},
        InvalidCase{"UserNetworkWithTwoNetworks",
                    [](json::object& t) {
                      Docker(t)["network"] = "USER";
                      Container(t)["network_infos"] = json::parse(R"([{"name": "a"}, {"name": "b"}])");
                    },
                    "TaskInfo.container.docker.network is USER, which needs exactly one named "
                    "TaskInfo.container.network_infos entry (found 2)"},
        InvalidCase{"UserNetworkUnnamed",
                    [](json::object& t) {
                      Docker(t)["network"] = "USER";
                      Container(t)["network_infos"] = json::parse(R"([{"ip_addresses": []}])");
                    },
                    "TaskInfo.container.docker.network is USER, which needs exactly one named "
                    "TaskInfo.container.network_infos entry (found 1)"},
        InvalidCase{"UnknownNetwork", [](json::object& t) { Docker(t)["network"] = "OVERLAY"; },
                    "TaskInfo.container.docker.network 'OVERLAY' is not one of HOST, BRIDGE, NONE, USER"},
        InvalidCase{"SecretEnvironmentVariable",
                    [](json::object& t) {
                      Obj(Obj(Obj(t, "executor"), "command"), "environment")["variables"] = json::parse(
                          R"([{"name": "DB_PASS", "type": "SECRET", "secret": {"type": "REFERENCE"}}])");
                    },
                    "TaskInfo.executor.command.environment variable DB_PASS is of type SECRET; only "
                    "VALUE variables are supported (use a vault:// value for secrets)"},
        InvalidCase{"EnvironmentVariableWithoutValue",
                    [](json::object& t) {
                      t["command"] = json::parse(R"({"shell": false, "environment": {"variables": [{"name": "X"}]}})");
                    },
                    "TaskInfo.command.environment variable X has no value"},
        InvalidCase{"EnvironmentVariableWithoutName",
                    [](json::object& t) {
                      t["command"] = json::parse(R"({"environment": {"variables": [{"value": "v"}]}})");
                    },
                    "TaskInfo.command.environment has a variable without a name"},
        InvalidCase{"MalformedEnvParameter",
                    [](json::object& t) {
                      Docker(t)["parameters"] = json::parse(R"([{"key": "env", "value": "NOEQUALS"}])");
                    },
                    "Docker parameter env='NOEQUALS' is invalid: expected NAME=value"},
        InvalidCase{"MalformedMemoryParameter",
                    [](json::object& t) {
                      Docker(t)["parameters"] = json::parse(R"([{"key": "memory", "value": "lots"}])");
                    },
                    "Docker parameter memory='lots' is invalid: expected a size like 512m or 1g"},
        InvalidCase{"NegativeKillGrace",
                    [](json::object& t) {
                      t["kill_policy"] = json::parse(R"({"grace_period": {"nanoseconds": -1}})");
                    },
                    "TaskInfo.kill_policy.grace_period must not be negative"}));

}  // namespace
}  // namespace executor
