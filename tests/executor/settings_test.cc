#include "executor/settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <ostream>
#include <set>

#include "executor/go_duration.h"

namespace executor {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;

// An environment as a map; absent keys are absent, "" is present-but-empty.
EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

ParsedSettings Parse(std::map<std::string, std::string> vars) {
  return ParseSettings(Env(std::move(vars)), "agent-7");
}

TEST(SettingTableTest, HasTheUpstream27ThenOurs) {
  auto table = SettingTable();
  ASSERT_EQ(table.size(), 31u);
  int upstream = 0;
  for (const SettingSpec& spec : table) upstream += spec.upstream;
  EXPECT_EQ(upstream, 27);
  for (size_t i = 27; i < table.size(); ++i) EXPECT_FALSE(table[i].upstream) << table[i].name;
  EXPECT_EQ(table[27].variable, "EXECUTOR_REMOVE_CONTAINER");
  EXPECT_EQ(table[28].variable, "EXECUTOR_DOCKER_TIMEOUT");
  EXPECT_EQ(table[29].variable, "EXECUTOR_PULL_STALL_TIMEOUT");
  EXPECT_EQ(table[30].variable, "EXECUTOR_LOG_FORMAT");
}

TEST(SettingTableTest, NamesVariablesAndMeaningsAreUniqueAndComplete) {
  std::set<std::string_view> names, variables;
  for (const SettingSpec& spec : SettingTable()) {
    EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
    EXPECT_TRUE(variables.insert(spec.variable).second) << spec.variable;
    EXPECT_EQ(spec.variable.rfind("EXECUTOR_", 0), 0u) << spec.variable;
    EXPECT_FALSE(spec.meaning.empty()) << spec.name;
  }
}

TEST(SettingTableTest, EveryDefaultParses) {
  for (const SettingSpec& spec : SettingTable()) {
    if (spec.default_value.empty()) continue;
    auto parsed = Parse({{std::string(spec.variable), std::string(spec.default_value)}});
    EXPECT_THAT(parsed.errors, IsEmpty()) << spec.name;
  }
}

TEST(SettingTableTest, TypesFollowUpstream) {
  std::map<std::string_view, std::string_view> types;
  for (const SettingSpec& spec : SettingTable()) types[spec.name] = SettingTypeName(spec);
  EXPECT_EQ(types["KillTaskTimeout"], "uint seconds");
  EXPECT_EQ(types["HttpTimeout"], "duration");
  EXPECT_EQ(types["SidecarRetryCount"], "int");
  EXPECT_EQ(types["SeedSidecar"], "bool");
  EXPECT_EQ(types["SidecarUrl"], "string");
  EXPECT_EQ(types["SendDockerLabels"], "list");
  EXPECT_EQ(types["AWSRoleMaxTTL"], "duration");
  EXPECT_EQ(types["RemoveContainer"], "bool");
  EXPECT_EQ(types["PullStallTimeout"], "duration");
  EXPECT_EQ(types["LogFormat"], "text or json");
}

TEST(DefaultSettingsTest, MatchUpstreamDefaults) {
  const Settings s = DefaultSettings("agent-7");
  EXPECT_EQ(s.kill_task_timeout_seconds, 5u);
  EXPECT_EQ(s.http_timeout, seconds(2));
  EXPECT_EQ(s.sidecar_retry_count, 5);
  EXPECT_EQ(s.sidecar_retry_delay, seconds(3));
  EXPECT_EQ(s.sidecar_url, "http://localhost:7777/state.json");
  EXPECT_EQ(s.sidecar_backoff, minutes(1));
  EXPECT_EQ(s.sidecar_poll_interval, seconds(30));
  EXPECT_EQ(s.sidecar_max_fails, 3);
  EXPECT_EQ(s.sidecar_draining_duration, seconds(10));
  EXPECT_FALSE(s.seed_sidecar);
  EXPECT_EQ(s.docker_repository, "https://index.docker.io/v1/");
  EXPECT_EQ(s.logs_since, minutes(3));
  EXPECT_FALSE(s.force_cpu_limit);
  EXPECT_FALSE(s.force_memory_limit);
  EXPECT_FALSE(s.use_cpu_shares);
  EXPECT_FALSE(s.debug);
  EXPECT_EQ(s.aws_role, "");
  EXPECT_EQ(s.aws_role_ttl, seconds(0));
  EXPECT_EQ(s.aws_role_max_ttl, hours(744));
  EXPECT_EQ(s.mesos_master_port, "5050");
  EXPECT_FALSE(s.relay_syslog);
  EXPECT_FALSE(s.relay_syslog_startup_only);
  EXPECT_EQ(s.relay_syslog_startup_time, minutes(1));
  EXPECT_EQ(s.syslog_addr, "127.0.0.1:514");
  EXPECT_FALSE(s.container_logs_stdout);
  EXPECT_THAT(s.send_docker_labels, IsEmpty());
  EXPECT_EQ(s.log_hostname, "agent-7");
  EXPECT_TRUE(s.remove_container);
  EXPECT_EQ(s.docker_timeout, seconds(30));
  EXPECT_EQ(s.pull_stall_timeout, minutes(1));
  EXPECT_EQ(s.log_format, LogFormat::kText);
}

TEST(ParseSettingsTest, EmptyEnvironmentGivesDefaultsWithoutNoise) {
  auto parsed = Parse({});
  EXPECT_THAT(parsed.errors, IsEmpty());
  EXPECT_THAT(parsed.warnings, IsEmpty());
  EXPECT_EQ(parsed.settings.http_timeout, seconds(2));
}

TEST(ParseSettingsTest, ReadsEveryType) {
  auto parsed = Parse({{"EXECUTOR_KILL_TASK_TIMEOUT", "0x10"},
                       {"EXECUTOR_HTTP_TIMEOUT", "1m30s"},
                       {"EXECUTOR_SIDECAR_MAX_FAILS", "-0"},
                       {"EXECUTOR_SEED_SIDECAR", "T"},
                       {"EXECUTOR_SIDECAR_URL", "http://sidecar:7777/state.json"},
                       {"EXECUTOR_SEND_DOCKER_LABELS", "ServiceName,Environment"},
                       {"EXECUTOR_LOG_HOSTNAME", "relay-host"},
                       {"EXECUTOR_REMOVE_CONTAINER", "false"},
                       {"EXECUTOR_DOCKER_TIMEOUT", "45s"},
                       {"EXECUTOR_PULL_STALL_TIMEOUT", "2m"}});
  EXPECT_THAT(parsed.errors, IsEmpty());
  const Settings& s = parsed.settings;
  EXPECT_EQ(s.kill_task_timeout_seconds, 16u);
  EXPECT_EQ(s.http_timeout, seconds(90));
  EXPECT_EQ(s.sidecar_max_fails, 0);
  EXPECT_TRUE(s.seed_sidecar);
  EXPECT_EQ(s.sidecar_url, "http://sidecar:7777/state.json");
  EXPECT_THAT(s.send_docker_labels, ElementsAre("ServiceName", "Environment"));
  EXPECT_EQ(s.log_hostname, "relay-host");
  EXPECT_FALSE(s.remove_container);
  EXPECT_EQ(s.docker_timeout, seconds(45));
  EXPECT_EQ(s.pull_stall_timeout, minutes(2));
}

TEST(ParseSettingsTest, ListsSplitOnCommasWithoutTrimming) {
  EXPECT_THAT(Parse({{"EXECUTOR_SEND_DOCKER_LABELS", "a, b"}}).settings.send_docker_labels,
              ElementsAre("a", " b"));
  EXPECT_THAT(Parse({{"EXECUTOR_SEND_DOCKER_LABELS", "a,,b,"}}).settings.send_docker_labels,
              ElementsAre("a", "", "b", ""));
  // Set but empty is one empty name, as envconfig made it.
  EXPECT_THAT(Parse({{"EXECUTOR_SEND_DOCKER_LABELS", ""}}).settings.send_docker_labels,
              ElementsAre(""));
}

TEST(ParseSettingsTest, PresentButEmptyStringsAreEmpty) {
  auto parsed = Parse({{"EXECUTOR_MESOS_MASTER_PORT", ""}, {"EXECUTOR_LOG_HOSTNAME", ""}});
  EXPECT_THAT(parsed.errors, IsEmpty());
  EXPECT_EQ(parsed.settings.mesos_master_port, "");
  EXPECT_EQ(parsed.settings.log_hostname, "");
}

TEST(ParseSettingsTest, UnprefixedFallbackIsUsedAndAnnounced) {
  auto parsed = Parse({{"LOG_HOSTNAME", "fallback-host"}, {"DEBUG", "true"}});
  EXPECT_THAT(parsed.errors, IsEmpty());
  EXPECT_EQ(parsed.settings.log_hostname, "fallback-host");
  EXPECT_TRUE(parsed.settings.debug);
  ASSERT_EQ(parsed.warnings.size(), 2u);
  EXPECT_THAT(parsed.warnings[0], HasSubstr("using LOG_HOSTNAME='fallback-host'"));
  EXPECT_THAT(parsed.warnings[1], HasSubstr("EXECUTOR_DEBUG is not set; using DEBUG='true'"));
}

TEST(ParseSettingsTest, PrefixedWinsEvenWhenEmpty) {
  auto parsed = Parse({{"EXECUTOR_LOG_HOSTNAME", ""}, {"LOG_HOSTNAME", "fallback-host"}});
  EXPECT_EQ(parsed.settings.log_hostname, "");
  EXPECT_THAT(parsed.warnings, IsEmpty());
}

TEST(ParseSettingsTest, ReadsTheLogFormat) {
  EXPECT_EQ(Parse({{"EXECUTOR_LOG_FORMAT", "json"}}).settings.log_format, LogFormat::kJson);
  EXPECT_EQ(Parse({{"EXECUTOR_LOG_FORMAT", "text"}}).settings.log_format, LogFormat::kText);
  // A bad value fails the task, but the rest of this run's log still
  // follows the default.
  auto parsed = Parse({{"EXECUTOR_LOG_FORMAT", "logfmt"}});
  EXPECT_EQ(parsed.settings.log_format, LogFormat::kText);
  ASSERT_EQ(parsed.errors.size(), 1u);
}

TEST(ParseSettingsTest, NewSettingsHaveNoUnprefixedFallback) {
  auto parsed = Parse({{"DOCKER_TIMEOUT", "5s"}, {"REMOVE_CONTAINER", "false"}, {"LOG_FORMAT", "json"}});
  EXPECT_EQ(parsed.settings.docker_timeout, seconds(30));
  EXPECT_TRUE(parsed.settings.remove_container);
  EXPECT_EQ(parsed.settings.log_format, LogFormat::kText);
  EXPECT_THAT(parsed.warnings, IsEmpty());
}

struct BadValue {
  const char* variable;
  const char* value;
  const char* message;
};
std::ostream& operator<<(std::ostream& os, const BadValue& c) {
  return os << c.variable << "='" << c.value << "'";
}

class BadSettingTest : public testing::TestWithParam<BadValue> {};

TEST_P(BadSettingTest, IsAnErrorNamingVariableValueAndForm) {
  auto parsed = Parse({{GetParam().variable, GetParam().value}});
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].variable, GetParam().variable);
  EXPECT_EQ(parsed.errors[0].value, GetParam().value);
  EXPECT_EQ(parsed.errors[0].Message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Values, BadSettingTest,
    testing::Values(
        BadValue{"EXECUTOR_HTTP_TIMEOUT", "2 seconds",
                 "EXECUTOR_HTTP_TIMEOUT='2 seconds' is not a valid Go duration (expected e.g. "
                 "300ms, 2s, 1m30s)"},
        BadValue{"EXECUTOR_HTTP_TIMEOUT", "",
                 "EXECUTOR_HTTP_TIMEOUT='' is not a valid Go duration (expected e.g. 300ms, 2s, "
                 "1m30s)"},
        BadValue{"EXECUTOR_SIDECAR_BACKOFF", "60",
                 "EXECUTOR_SIDECAR_BACKOFF='60' is not a valid Go duration (expected e.g. 300ms, "
                 "2s, 1m30s)"},
        BadValue{"EXECUTOR_KILL_TASK_TIMEOUT", "10s",
                 "EXECUTOR_KILL_TASK_TIMEOUT='10s' is not a valid whole number of seconds "
                 "(expected e.g. 5; this setting is not a Go duration)"},
        BadValue{"EXECUTOR_KILL_TASK_TIMEOUT", "-1",
                 "EXECUTOR_KILL_TASK_TIMEOUT='-1' is not a valid whole number of seconds "
                 "(expected e.g. 5; this setting is not a Go duration)"},
        BadValue{"EXECUTOR_SIDECAR_RETRY_COUNT", "five",
                 "EXECUTOR_SIDECAR_RETRY_COUNT='five' is not a valid integer (expected e.g. 5)"},
        BadValue{"EXECUTOR_SIDECAR_MAX_FAILS", "99999999999999999999",
                 "EXECUTOR_SIDECAR_MAX_FAILS='99999999999999999999' is not a valid integer "
                 "(expected e.g. 3)"},
        BadValue{"EXECUTOR_DEBUG", "yes",
                 "EXECUTOR_DEBUG='yes' is not a valid boolean (expected true or false; also 1, t, "
                 "T, TRUE, True, 0, f, F, FALSE, False)"},
        BadValue{"EXECUTOR_REMOVE_CONTAINER", "",
                 "EXECUTOR_REMOVE_CONTAINER='' is not a valid boolean (expected true or false; "
                 "also 1, t, T, TRUE, True, 0, f, F, FALSE, False)"},
        // What the Go program crashed on (D37).
        BadValue{"EXECUTOR_SIDECAR_POLL_INTERVAL", "0",
                 "EXECUTOR_SIDECAR_POLL_INTERVAL='0' must be greater than zero (expected e.g. "
                 "30s)"},
        BadValue{"EXECUTOR_SIDECAR_POLL_INTERVAL", "-5s",
                 "EXECUTOR_SIDECAR_POLL_INTERVAL='-5s' must be greater than zero (expected e.g. "
                 "30s)"},
        BadValue{"EXECUTOR_SIDECAR_DRAINING_DURATION", "-1s",
                 "EXECUTOR_SIDECAR_DRAINING_DURATION='-1s' must not be negative (expected e.g. "
                 "10s)"},
        BadValue{"EXECUTOR_HTTP_TIMEOUT", "-2s",
                 "EXECUTOR_HTTP_TIMEOUT='-2s' must not be negative (expected e.g. 2s)"},
        BadValue{"EXECUTOR_SIDECAR_RETRY_COUNT", "-1",
                 "EXECUTOR_SIDECAR_RETRY_COUNT='-1' must not be negative (expected e.g. 5)"},
        BadValue{"EXECUTOR_DOCKER_TIMEOUT", "0s",
                 "EXECUTOR_DOCKER_TIMEOUT='0s' must be greater than zero (expected e.g. 30s)"},
        BadValue{"EXECUTOR_PULL_STALL_TIMEOUT", "-1m",
                 "EXECUTOR_PULL_STALL_TIMEOUT='-1m' must be greater than zero (expected e.g. "
                 "1m)"},
        BadValue{"EXECUTOR_LOG_FORMAT", "JSON",
                 "EXECUTOR_LOG_FORMAT='JSON' is not a log format (expected text or json)"},
        BadValue{"EXECUTOR_LOG_FORMAT", "",
                 "EXECUTOR_LOG_FORMAT='' is not a log format (expected text or json)"}));

TEST(ParseSettingsTest, AnErrorFromTheFallbackNamesTheFallbackVariable) {
  auto parsed = Parse({{"HTTP_TIMEOUT", "2 seconds"}});
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].Message(),
            "HTTP_TIMEOUT='2 seconds' is not a valid Go duration (expected e.g. 300ms, 2s, 1m30s)");
}

TEST(ParseSettingsTest, ReportsEveryBadValueNotJustTheFirst) {
  auto parsed = Parse({{"EXECUTOR_HTTP_TIMEOUT", "x"}, {"EXECUTOR_DEBUG", "x"},
                       {"EXECUTOR_SIDECAR_URL", "fine"}});
  ASSERT_EQ(parsed.errors.size(), 2u);
  EXPECT_EQ(parsed.errors[0].variable, "EXECUTOR_HTTP_TIMEOUT");
  EXPECT_EQ(parsed.errors[1].variable, "EXECUTOR_DEBUG");
  EXPECT_EQ(parsed.settings.sidecar_url, "fine");
}

TEST(ParseSettingsTest, ZeroIsAllowedWhereItMeansOff) {
  auto parsed = Parse({{"EXECUTOR_SIDECAR_DRAINING_DURATION", "0"},
                       {"EXECUTOR_KILL_TASK_TIMEOUT", "0"},
                       {"EXECUTOR_AWS_ROLE_TTL", "0s"}});
  EXPECT_THAT(parsed.errors, IsEmpty());
  EXPECT_EQ(parsed.settings.sidecar_draining_duration, seconds(0));
}

TEST(FormatSettingsBlockTest, MatchesUpstreamLayoutForDefaults) {
  EXPECT_THAT(FormatSettingsBlock(DefaultSettings("agent-7")),
              ElementsAre("Executor Config -----------------------",
                          " * KillTaskTimeout:         5",
                          " * HttpTimeout:             2s",
                          " * SidecarRetryCount:       5",
                          " * SidecarRetryDelay:       3s",
                          " * SidecarUrl:              http://localhost:7777/state.json",
                          " * SidecarBackoff:          1m0s",
                          " * SidecarPollInterval:     30s",
                          " * SidecarMaxFails:         3",
                          " * SidecarDrainingDuration: 10s",
                          " * SeedSidecar:             false",
                          " * DockerRepository:        https://index.docker.io/v1/",
                          " * LogsSince:               3m0s",
                          " * ForceCpuLimit:           false",
                          " * ForceMemoryLimit:        false",
                          " * UseCpuShares:            false",
                          " * MesosMasterPort:         5050",
                          " * RelaySyslog:             false",
                          " * RelaySyslogStartupOnly:  false",
                          " * RelaySyslogStartupTime:  1m0s",
                          " * SyslogAddr:              127.0.0.1:514",
                          " * ContainerLogsStdout:     false",
                          " * SendDockerLabels:        []",
                          " * LogHostname:             agent-7",
                          " * AWSRole:                 ",
                          " * AWSRoleTTL:              0s",
                          " * AWSRoleMaxTTL:           744h0m0s",
                          " * Debug:                   false",
                          " * RemoveContainer:         true",
                          " * DockerTimeout:           30s",
                          " * PullStallTimeout:        1m0s",
                          " * LogFormat:               text"));
}

TEST(FormatSettingsBlockTest, RendersValuesTheGoWay) {
  auto parsed = Parse({{"EXECUTOR_SEND_DOCKER_LABELS", "ServiceName,Environment"},
                       {"EXECUTOR_HTTP_TIMEOUT", "1500ms"},
                       {"EXECUTOR_SIDECAR_BACKOFF", "2h45m"},
                       {"EXECUTOR_DEBUG", "1"}});
  auto lines = FormatSettingsBlock(parsed.settings);
  EXPECT_EQ(lines[2], " * HttpTimeout:             1.5s");
  EXPECT_EQ(lines[6], " * SidecarBackoff:          2h45m0s");
  EXPECT_EQ(lines[22], " * SendDockerLabels:        [ServiceName Environment]");
  EXPECT_EQ(lines[27], " * Debug:                   true");
  // Go prints []string{""} as [] too.
  EXPECT_EQ(FormatSettingsBlock(Parse({{"EXECUTOR_SEND_DOCKER_LABELS", ""}}).settings)[22],
            " * SendDockerLabels:        []");
}

}  // namespace
}  // namespace executor
