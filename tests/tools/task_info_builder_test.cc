#include "tools/local_agent/task_info_builder.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "tools/local_agent/agent_json.h"

namespace local_agent {
namespace {

using namespace std::chrono_literals;

AgentOptions Options() {
  AgentOptions options;
  options.framework_id = "fw";
  options.executor_id = "ex";
  options.agent_id = "agent";
  return options;
}

TEST(TaskInfoBuilder, MinimalTaskHasTheCustomExecutorShape) {
  TaskSpec spec;
  spec.task_id = "web.1";
  spec.name = "web";
  spec.image = "busybox:1";
  const boost::json::value expected = boost::json::parse(R"({
    "name": "web", "task_id": {"value": "web.1"}, "agent_id": {"value": "agent"},
    "resources": [
      {"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}, "allocation_info": {"role": "*"}},
      {"name": "mem", "type": "SCALAR", "scalar": {"value": 128.0}, "allocation_info": {"role": "*"}}],
    "executor": {
      "executor_id": {"value": "ex"},
      "resources": [
        {"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}, "allocation_info": {"role": "*"}},
        {"name": "mem", "type": "SCALAR", "scalar": {"value": 32.0}, "allocation_info": {"role": "*"}}],
      "command": {"value": "/bin/sidecar-executor", "shell": true},
      "framework_id": {"value": "fw"}, "name": "sidecar-executor", "type": "CUSTOM"},
    "container": {"type": "DOCKER",
                  "docker": {"image": "busybox:1", "network": "HOST", "privileged": false}}})");
  const boost::json::object task = BuildTaskInfo(spec, Options(), "/bin/sidecar-executor");
  EXPECT_EQ(boost::json::value(task), expected);
  EXPECT_FALSE(task.contains("command"));
  // Doubles print with a fraction, as the agent prints them.
  EXPECT_NE(RenderJson(task).find(R"("scalar":{"value":128.0})"), std::string::npos);
}

TEST(TaskInfoBuilder, FlagsMapOntoTaskInfo) {
  TaskSpec spec;
  spec.task_id = "t";
  spec.image = "nginx";
  spec.shell_command = "nginx -g daemon off;";
  spec.arguments = {"--listen", ":80"};
  spec.environment = {{"EXECUTOR_SIDECAR_DISCOVERY", "false"}};
  spec.ports = {{80, 31000}};
  spec.network = "BRIDGE";
  spec.labels = {{"team", "web"}};
  spec.parameters = {{"memory-swap", "-1"}};
  spec.kill_grace = 3s;
  const boost::json::object task = BuildTaskInfo(spec, Options(), "exe");

  EXPECT_EQ(task.at("command"), boost::json::parse(R"({"shell": false, "arguments": ["--listen", ":80"]})"));
  EXPECT_EQ(task.at("container").at("docker"), boost::json::parse(R"({
    "image": "nginx", "network": "BRIDGE",
    "port_mappings": [{"host_port": 31000, "container_port": 80, "protocol": "tcp"}],
    "privileged": false,
    "parameters": [{"key": "memory-swap", "value": "-1"},
                   {"key": "label", "value": "executor.ShellCommand=nginx -g daemon off;"}]})"));
  EXPECT_EQ(task.at("executor").at("command").at("environment"), boost::json::parse(R"({
    "variables": [{"name": "EXECUTOR_SIDECAR_DISCOVERY", "type": "VALUE", "value": "false"}]})"));
  EXPECT_EQ(task.at("labels"), boost::json::parse(R"({"labels": [{"key": "team", "value": "web"}]})"));
  EXPECT_EQ(task.at("kill_policy"), boost::json::parse(R"({"grace_period": {"nanoseconds": 3000000000}})"));
  EXPECT_EQ(task.at("resources").at(2), boost::json::parse(R"({"name": "ports", "type": "RANGES",
    "ranges": {"range": [{"begin": 31000, "end": 31000}]}, "allocation_info": {"role": "*"}})"));
}

}  // namespace
}  // namespace local_agent
