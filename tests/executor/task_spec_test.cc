// JSON shapes: what the agent prints (defaults present or absent, integers
// as doubles) reads the same; wrong types name the field.
#include "executor/task_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace executor {
namespace {

namespace json = boost::json;
using testing::ElementsAre;
using testing::IsEmpty;

base::Result<TaskSpec> ParseText(const char* text) {
  return ParseTaskSpec(json::parse(text).as_object());
}

TEST(TaskSpecTest, DefaultsWhenFieldsAreAbsent) {
  auto spec = ParseText(R"({"task_id": {"value": "t"}, "command": {},
                            "container": {"type": "DOCKER", "docker": {"image": "i"},
                                          "volumes": [{"container_path": "/c", "host_path": "/h"}]}})");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_TRUE(spec->command->shell);
  EXPECT_FALSE(spec->command->value);
  EXPECT_EQ(spec->container->docker->network, "HOST");
  EXPECT_FALSE(spec->container->docker->privileged);
  EXPECT_FALSE(spec->container->docker->force_pull_image);
  EXPECT_EQ(spec->container->volumes[0].mode, "RW");
  EXPECT_FALSE(spec->kill_grace_nanoseconds);
  EXPECT_THAT(spec->ignored_fields, IsEmpty());
}

TEST(TaskSpecTest, NullReadsAsAbsent) {
  auto spec = ParseText(R"({"task_id": {"value": "t"}, "command": null, "kill_policy": null,
                            "container": {"type": "DOCKER", "docker": {"image": "i", "network": null}}})");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_FALSE(spec->command);
  EXPECT_EQ(spec->container->docker->network, "HOST");
}

TEST(TaskSpecTest, IntegersMayBeWrittenAsDoublesAndScalarsAsIntegers) {
  auto spec = ParseText(R"({"task_id": {"value": "t"},
      "resources": [{"name": "cpus", "scalar": {"value": 2}}, {"name": "mem", "scalar": {"value": 64.0}},
                    {"name": "ports", "ranges": {"range": [{"begin": 1, "end": 2}]}}],
      "kill_policy": {"grace_period": {"nanoseconds": 5000000000.0}},
      "container": {"type": "DOCKER", "docker": {"image": "i",
          "port_mappings": [{"container_port": 8080.0, "host_port": 31000}]}}})");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  ASSERT_EQ(spec->scalar_resources.size(), 2u);  // ranges are not scalars
  EXPECT_EQ(spec->scalar_resources[0].value, 2.0);
  EXPECT_EQ(spec->scalar_resources[1].value, 64.0);
  EXPECT_EQ(spec->kill_grace_nanoseconds, 5000000000);
  EXPECT_EQ(spec->container->docker->port_mappings[0].container_port, 8080);
  EXPECT_EQ(spec->container->docker->port_mappings[0].host_port, 31000);
}

TEST(TaskSpecTest, ReadsParametersAndEnvironmentInOrder) {
  auto spec = ParseText(R"({"task_id": {"value": "t"},
      "executor": {"command": {"environment": {"variables": [
          {"name": "A", "type": "VALUE", "value": "1"}, {"name": "B", "value": "2"}]}}},
      "container": {"type": "DOCKER", "docker": {"image": "i",
          "parameters": [{"key": "env", "value": "X=1"}, {"key": "label"}]},
          "network_infos": [{"name": "n1"}, {}]}})");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  ASSERT_EQ(spec->executor_environment.size(), 2u);
  EXPECT_EQ(spec->executor_environment[1].name, "B");
  EXPECT_EQ(spec->executor_environment[1].type, "VALUE");
  EXPECT_EQ(spec->executor_environment[1].value, "2");
  EXPECT_THAT(spec->container->docker->parameters,
              ElementsAre(std::pair<std::string, std::string>{"env", "X=1"},
                          std::pair<std::string, std::string>{"label", ""}));
  EXPECT_THAT(spec->container->network_names, ElementsAre("n1", ""));
}

TEST(TaskSpecTest, NotesPresentFieldsItIgnores) {
  auto spec = ParseText(R"({"task_id": {"value": "t"}, "health_check": {}, "check": {},
      "max_completion_time": {"nanoseconds": 1}, "limits": {"cpus": {"value": 1}},
      "labels": {"labels": []}, "discovery": {"visibility": "FRAMEWORK"},
      "command": {"uris": [], "user": "root"},
      "container": {"type": "DOCKER", "hostname": "h", "tty_info": {}, "docker": {"image": "i"}}})");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_THAT(spec->ignored_fields,
              ElementsAre("TaskInfo.command.uris", "TaskInfo.command.user",
                          "TaskInfo.container.hostname", "TaskInfo.container.tty_info",
                          "TaskInfo.health_check", "TaskInfo.check", "TaskInfo.max_completion_time",
                          "TaskInfo.limits"));
}

TEST(TaskSpecTest, WrongTypesNameTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"task_id": {"value": 7}})", "TaskInfo.task_id.value must be a string"},
      {R"({"task_id": {"value": "t"}, "resources": {}})", "TaskInfo.resources must be an array"},
      {R"({"task_id": {"value": "t"}, "resources": [1]})", "TaskInfo.resources[0] must be an object"},
      {R"({"task_id": {"value": "t"}, "command": {"shell": "yes"}})",
       "TaskInfo.command.shell must be true or false"},
      {R"({"task_id": {"value": "t"}, "command": {"arguments": ["a", 1]}})",
       "TaskInfo.command.arguments[1] must be a string"},
      {R"({"task_id": {"value": "t"}, "resources": [{"name": "cpus", "scalar": {"value": "1"}}]})",
       "TaskInfo.resources[0].scalar.value must be a number"},
      {R"({"task_id": {"value": "t"}, "container": {"docker": {"image": ["i"]}}})",
       "TaskInfo.container.docker.image must be a string"},
      {R"({"task_id": {"value": "t"}, "kill_policy": {"grace_period": {"nanoseconds": 1e30}}})",
       "TaskInfo.kill_policy.grace_period.nanoseconds must be an integer"},
  };
  for (auto [text, message] : cases) {
    auto spec = ParseText(text);
    ASSERT_FALSE(spec.ok()) << text;
    EXPECT_EQ(spec.status().code(), base::StatusCode::kInvalid);
    EXPECT_EQ(spec.status().message(), message);
  }
}

}  // namespace
}  // namespace executor
