#include "tools/local_agent/executor_environment.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace local_agent {
namespace {

using namespace std::chrono_literals;

TEST(ExecutorEnvironment, IsWhatAnAgentGivesWithoutCheckpointing) {
  AgentOptions options;
  options.framework_id = "fw-0000";
  options.executor_id = "ex-1";
  options.agent_id = "agent-S3";
  const KeyValues expected = {
      {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
      {"MESOS_FRAMEWORK_ID", "fw-0000"},
      {"MESOS_EXECUTOR_ID", "ex-1"},
      {"MESOS_SLAVE_PID", "slave(1)@127.0.0.1:5051"},
      {"MESOS_AGENT_ENDPOINT", "127.0.0.1:5051"},
      {"MESOS_SLAVE_ID", "agent-S3"},
      {"MESOS_DIRECTORY", "/tmp/sandbox"},
      {"MESOS_SANDBOX", "/tmp/sandbox"},
      {"MESOS_CHECKPOINT", "0"},
      {"MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "5secs"},
      {"MESOS_HTTP_COMMAND_EXECUTOR", "0"},
      {"LIBPROCESS_IP", "127.0.0.1"},
      {"LIBPROCESS_PORT", "0"},
  };
  EXPECT_EQ(AgentEnvironment(options, 5051, "/tmp/sandbox"), expected);
}

TEST(ExecutorEnvironment, CheckpointingAddsRecoverySettingsAndTokenIsPassed) {
  AgentOptions options;
  options.checkpoint = true;
  options.recovery_timeout = 15min;
  options.subscription_backoff_max = 2s;
  options.shutdown_grace = 90s;
  options.auth_token = "jwt";
  const KeyValues env = AgentEnvironment(options, 1234, "/s");
  auto value = [&](const std::string& name) -> std::optional<std::string> {
    for (const auto& [n, v] : env) {
      if (n == name) return v;
    }
    return std::nullopt;
  };
  EXPECT_EQ(value("MESOS_CHECKPOINT"), "1");
  EXPECT_EQ(value("MESOS_RECOVERY_TIMEOUT"), "15mins");
  EXPECT_EQ(value("MESOS_SUBSCRIPTION_BACKOFF_MAX"), "2secs");
  EXPECT_EQ(value("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"), "90secs");
  EXPECT_EQ(value("MESOS_EXECUTOR_AUTHENTICATION_TOKEN"), "jwt");
  EXPECT_EQ(value("HOME"), std::nullopt);
}

TEST(ExecutorEnvironment, CommandEnvironmentTakesValueVariables) {
  const boost::json::value info = boost::json::parse(R"({"command": {"value": "x", "environment": {
      "variables": [{"name": "EXECUTOR_A", "type": "VALUE", "value": "1"},
                    {"name": "HIDDEN", "type": "SECRET", "secret": {}},
                    {"name": "NO_TYPE", "value": "2"}]}}})");
  EXPECT_EQ(CommandEnvironment(info.as_object()),
            (KeyValues{{"EXECUTOR_A", "1"}, {"NO_TYPE", "2"}}));
  EXPECT_EQ(CommandEnvironment(boost::json::object{}), KeyValues{});
}

TEST(ExecutorEnvironment, LaterValuesReplaceEarlierOnes) {
  EXPECT_EQ(MergeEnvironment({{"A", "1"}, {"B", "2"}}, {{"B", "3"}, {"C", "4"}}),
            (KeyValues{{"A", "1"}, {"B", "3"}, {"C", "4"}}));
}

}  // namespace
}  // namespace local_agent
