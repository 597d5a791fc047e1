#include "mesos/agent_environment.h"

#include <gtest/gtest.h>

#include <map>

namespace mesos {
namespace {

using namespace std::chrono_literals;

TEST(ParseMesosDuration, AcceptsStoutUnits) {
  const std::pair<const char*, std::chrono::nanoseconds> cases[] = {
      {"5secs", 5s},        {"15mins", 15min},  {"90secs", 90s},   {"1500ms", 1500ms},
      {"2hrs", 2h},         {"1days", 24h},     {"1weeks", 168h},  {"10us", 10us},
      {"7ns", 7ns},         {"0.5secs", 500ms}, {"1.0000001secs", 1000000100ns}, {"0secs", 0s},
  };
  for (const auto& [text, expected] : cases) {
    base::Result<std::chrono::nanoseconds> parsed = ParseMesosDuration(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(*parsed, expected) << text;
  }
}

TEST(ParseMesosDuration, RejectsOtherForms) {
  for (const char* text : {"", "5", "5s", "5 secs", "-5secs", "secs", ".5secs", "5sec", "1e3ms", "5secs "}) {
    EXPECT_FALSE(ParseMesosDuration(text).ok()) << text;
  }
}

class AgentEnvironmentTest : public ::testing::Test {
 protected:
  std::map<std::string, std::string, std::less<>> vars{
      {"MESOS_FRAMEWORK_ID", "fw-1"},
      {"MESOS_EXECUTOR_ID", "ex-1"},
      {"MESOS_SLAVE_ID", "S3"},
      {"MESOS_SLAVE_PID", "slave(1)@10.0.0.5:5051"},
      {"MESOS_AGENT_ENDPOINT", "10.0.0.5:5051"},
      {"MESOS_DIRECTORY", "/var/lib/mesos/sandbox"},
      {"MESOS_SANDBOX", "/mnt/mesos/sandbox"},
      {"MESOS_CHECKPOINT", "0"},
      {"MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "10secs"},
  };
  base::Result<AgentEnvironment> Read() {
    return ReadAgentEnvironment([this](std::string_view name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    });
  }
};

TEST_F(AgentEnvironmentTest, ReadsIdsAddressAndTiming) {
  base::Result<AgentEnvironment> env = Read();
  ASSERT_TRUE(env.ok()) << env.status().message();
  EXPECT_EQ(env->framework_id, "fw-1");
  EXPECT_EQ(env->executor_id, "ex-1");
  EXPECT_EQ(env->agent_id, "S3");
  EXPECT_EQ(env->endpoint.host, "10.0.0.5");
  EXPECT_EQ(env->endpoint.port, 5051);
  EXPECT_FALSE(env->endpoint.tls.has_value());
  EXPECT_EQ(env->api_path, "/slave(1)/api/v1/executor");
  EXPECT_EQ(env->sandbox, "/mnt/mesos/sandbox");
  EXPECT_FALSE(env->checkpoint);
  EXPECT_EQ(env->shutdown_grace, 10s);
  EXPECT_FALSE(env->auth_token.has_value());
}

TEST_F(AgentEnvironmentTest, FallsBackToTheAgentEndpoint) {
  vars.erase("MESOS_SLAVE_PID");
  base::Result<AgentEnvironment> env = Read();
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->api_path, "/api/v1/executor");
  EXPECT_EQ(env->endpoint.port, 5051);
}

TEST_F(AgentEnvironmentTest, CheckpointingRequiresRecoveryTimings) {
  vars["MESOS_CHECKPOINT"] = "1";
  EXPECT_NE(Read().status().message().find("MESOS_RECOVERY_TIMEOUT"), std::string::npos);
  vars["MESOS_RECOVERY_TIMEOUT"] = "15mins";
  vars["MESOS_SUBSCRIPTION_BACKOFF_MAX"] = "2secs";
  base::Result<AgentEnvironment> env = Read();
  ASSERT_TRUE(env.ok()) << env.status().message();
  EXPECT_TRUE(env->checkpoint);
  EXPECT_EQ(env->recovery_timeout, 15min);
  EXPECT_EQ(env->subscription_backoff_max, 2s);
}

TEST_F(AgentEnvironmentTest, OnlyTheExactStringOneMeansCheckpointing) {
  vars["MESOS_CHECKPOINT"] = "true";
  ASSERT_TRUE(Read().ok());
  EXPECT_FALSE(Read()->checkpoint);
}

TEST_F(AgentEnvironmentTest, ReadsTheAuthenticationToken) {
  vars["MESOS_EXECUTOR_AUTHENTICATION_TOKEN"] = "jwt";
  EXPECT_EQ(Read()->auth_token, "jwt");
}

TEST_F(AgentEnvironmentTest, NamesTheMissingOrBadVariable) {
  const std::pair<const char*, const char*> breakages[] = {
      {"MESOS_FRAMEWORK_ID", ""}, {"MESOS_EXECUTOR_ID", ""}, {"MESOS_SLAVE_PID", "nonsense"},
      {"MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "5s"},
  };
  for (const auto& [name, value] : breakages) {
    auto saved = vars;
    vars[name] = value;
    base::Result<AgentEnvironment> env = Read();
    EXPECT_FALSE(env.ok()) << name;
    EXPECT_NE(env.status().message().find(std::string(name) == "MESOS_SLAVE_PID" ? "slave(1)@ip:port" : name),
              std::string::npos)
        << env.status().message();
    vars = saved;
  }
}

}  // namespace
}  // namespace mesos
