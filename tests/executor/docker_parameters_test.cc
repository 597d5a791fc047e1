#include "executor/docker_parameters.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>

namespace executor {
namespace {

using docker::ContainerConfig;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;
using testing::Pair;
using testing::UnorderedElementsAre;

using Parameters = std::vector<std::pair<std::string, std::string>>;

ContainerConfig Apply(const Parameters& parameters) {
  ContainerConfig config;
  auto requests = ApplyDockerParameters(parameters, config);
  EXPECT_TRUE(requests.ok()) << requests.status().message();
  if (requests.ok()) {
    EXPECT_THAT(requests->warnings, IsEmpty());
  }
  return config;
}

TEST(DockerParametersTest, UpstreamKeys) {
  ContainerConfig config;
  auto requests = ApplyDockerParameters({{"env", "A=1"},
                                         {"label", "ServiceName=web"},
                                         {"label", "HealthCheck=HttpGet"},
                                         {"label", "ServiceName=api"},
                                         {"label", "Empty="},
                                         {"label", "with=equals=sign"},
                                         {"env", "B=x=y"},
                                         {"cap-add", "NET_ADMIN"},
                                         {"cap-add", "SYS_PTRACE"},
                                         {"cap-drop", "MKNOD"},
                                         {"volume-driver", "rexray"},
                                         {"volume-driver", "flocker"}},
                                        config);
  ASSERT_TRUE(requests.ok());
  EXPECT_THAT(requests->env, ElementsAre("A=1", "B=x=y"));
  EXPECT_THAT(requests->labels,
              UnorderedElementsAre(Pair("ServiceName", "api"), Pair("HealthCheck", "HttpGet"),
                                   Pair("Empty", ""), Pair("with", "equals=sign")));
  EXPECT_THAT(config.cap_add, ElementsAre("NET_ADMIN", "SYS_PTRACE"));
  EXPECT_THAT(config.cap_drop, ElementsAre("MKNOD"));
  EXPECT_EQ(config.volume_driver, "flocker");  // last wins
  EXPECT_THAT(requests->warnings, IsEmpty());
}

TEST(DockerParametersTest, LabelWithoutEqualsIsDroppedWithAWarning) {
  ContainerConfig config;
  auto requests = ApplyDockerParameters({{"label", "lonely"}}, config);
  ASSERT_TRUE(requests.ok());
  EXPECT_THAT(requests->labels, IsEmpty());
  ASSERT_EQ(requests->warnings.size(), 1u);
  EXPECT_THAT(requests->warnings[0], HasSubstr("label='lonely'"));
}

TEST(DockerParametersTest, UnsupportedKeysAreWarnedAboutByName) {
  ContainerConfig config;
  auto requests = ApplyDockerParameters(
      {{"publish", "80:80"}, {"Env", "A=1"}, {"restart", "always"}}, config);
  ASSERT_TRUE(requests.ok());
  ASSERT_EQ(requests->warnings.size(), 3u);
  EXPECT_EQ(requests->warnings[0],
            "Docker parameter 'publish' is not supported by this executor and was ignored");
  EXPECT_THAT(requests->warnings[1], HasSubstr("'Env'"));  // keys are case-sensitive
  EXPECT_THAT(requests->warnings[2], HasSubstr("'restart'"));
  EXPECT_THAT(requests->env, IsEmpty());
}

TEST(DockerParametersTest, ProcessFlags) {
  ContainerConfig config = Apply({{"user", "nobody"},
                                  {"workdir", "/srv"},
                                  {"entrypoint", "/bin/my entry"},
                                  {"hostname", "web-1"},
                                  {"stop-signal", "SIGINT"},
                                  {"stop-timeout", "20"},
                                  {"init", "true"}});
  EXPECT_EQ(config.user, "nobody");
  EXPECT_EQ(config.working_dir, "/srv");
  EXPECT_THAT(*config.entrypoint, ElementsAre("/bin/my entry"));  // one element, like docker run
  EXPECT_EQ(config.hostname, "web-1");
  EXPECT_EQ(config.stop_signal, "SIGINT");
  EXPECT_EQ(config.stop_timeout_seconds, 20);
  EXPECT_EQ(config.init, true);
}

TEST(DockerParametersTest, NetworkFlags) {
  ContainerConfig config;
  auto requests = ApplyDockerParameters({{"net", "backend"},
                                         {"network", "frontend"},
                                         {"dns", "10.0.0.2"},
                                         {"dns", "10.0.0.3"},
                                         {"dns-search", "example.net"},
                                         {"dns-option", "ndots:2"},
                                         {"add-host", "db:10.0.0.9"}},
                                        config);
  ASSERT_TRUE(requests.ok());
  EXPECT_EQ(requests->network, "backend");  // the first net/network wins, as in Mesos
  EXPECT_THAT(config.dns, ElementsAre("10.0.0.2", "10.0.0.3"));
  EXPECT_THAT(config.dns_search, ElementsAre("example.net"));
  EXPECT_THAT(config.dns_options, ElementsAre("ndots:2"));
  EXPECT_THAT(config.extra_hosts, ElementsAre("db:10.0.0.9"));
}

TEST(DockerParametersTest, StorageFlags) {
  ContainerConfig config = Apply({{"volume", "/host/data:/data:ro"},
                                  {"v", "named:/cache"},
                                  {"tmpfs", "/run:rw,size=64m"},
                                  {"tmpfs", "/tmp"},
                                  {"read-only", "true"}});
  EXPECT_THAT(config.binds, ElementsAre("/host/data:/data:ro", "named:/cache"));
  EXPECT_THAT(config.tmpfs, UnorderedElementsAre(Pair("/run", "rw,size=64m"), Pair("/tmp", "")));
  EXPECT_TRUE(config.read_only_rootfs);
}

TEST(DockerParametersTest, PrivilegeFlags) {
  ContainerConfig config = Apply({{"privileged", "true"},
                                  {"security-opt", "seccomp=unconfined"},
                                  {"device", "/dev/fuse"},
                                  {"device", "/dev/sda:/dev/xvda:r"},
                                  {"device", "/dev/snd:rw"},
                                  {"group-add", "audio"},
                                  {"ipc", "host"},
                                  {"pid", "host"},
                                  {"sysctl", "net.core.somaxconn=1024"}});
  EXPECT_TRUE(config.privileged);
  EXPECT_THAT(config.security_opt, ElementsAre("seccomp=unconfined"));
  ASSERT_EQ(config.devices.size(), 3u);
  EXPECT_EQ(config.devices[0].path_on_host, "/dev/fuse");
  EXPECT_EQ(config.devices[0].path_in_container, "/dev/fuse");
  EXPECT_EQ(config.devices[0].cgroup_permissions, "rwm");
  EXPECT_EQ(config.devices[1].path_in_container, "/dev/xvda");
  EXPECT_EQ(config.devices[1].cgroup_permissions, "r");
  EXPECT_EQ(config.devices[2].path_in_container, "/dev/snd");  // "rw" is a mode, as in docker
  EXPECT_EQ(config.devices[2].cgroup_permissions, "rw");
  EXPECT_THAT(config.group_add, ElementsAre("audio"));
  EXPECT_EQ(config.ipc_mode, "host");
  EXPECT_EQ(config.pid_mode, "host");
  EXPECT_THAT(config.sysctls, ElementsAre(Pair("net.core.somaxconn", "1024")));
}

TEST(DockerParametersTest, PrivilegedFalseOverridesEarlierTrue) {
  ContainerConfig config;
  config.privileged = true;  // DockerInfo.privileged
  ASSERT_TRUE(ApplyDockerParameters({{"privileged", "false"}}, config).ok());
  EXPECT_FALSE(config.privileged);
}

TEST(DockerParametersTest, ResourceFlags) {
  ContainerConfig config = Apply({{"memory", "512m"},
                                  {"memory-swap", "1g"},
                                  {"memory-reservation", "256m"},
                                  {"shm-size", "64m"},
                                  {"cpu-shares", "512"},
                                  {"cpu-period", "100000"},
                                  {"cpu-quota", "0xc350"},
                                  {"pids-limit", "100"},
                                  {"oom-kill-disable", "1"},
                                  {"ulimit", "nofile=65536:65536"},
                                  {"ulimit", "nproc=512"},
                                  {"ulimit", "nofile=1024:4096"},
                                  {"ulimit", "core=-1"}});
  EXPECT_EQ(config.memory_bytes, 512 << 20);
  EXPECT_EQ(config.memory_swap_bytes, int64_t{1} << 30);
  EXPECT_EQ(config.memory_reservation_bytes, 256 << 20);
  EXPECT_EQ(config.shm_size_bytes, 64 << 20);
  EXPECT_EQ(config.cpu_shares, 512);
  EXPECT_EQ(config.cpu_period_us, 100000);
  EXPECT_EQ(config.cpu_quota_us, 50000);  // Go base-0 integers, like docker run's flags
  EXPECT_EQ(config.pids_limit, 100);
  EXPECT_EQ(config.oom_kill_disable, true);
  ASSERT_EQ(config.ulimits.size(), 3u);
  EXPECT_EQ(config.ulimits[0].name, "nproc");
  EXPECT_EQ(config.ulimits[0].soft, 512);
  EXPECT_EQ(config.ulimits[0].hard, 512);
  EXPECT_EQ(config.ulimits[1].name, "nofile");  // the later nofile replaced the first
  EXPECT_EQ(config.ulimits[1].soft, 1024);
  EXPECT_EQ(config.ulimits[1].hard, 4096);
  EXPECT_EQ(config.ulimits[2].soft, -1);
}

TEST(DockerParametersTest, MemorySwapMinusOneIsUnlimited) {
  EXPECT_EQ(Apply({{"memory-swap", "-1"}}).memory_swap_bytes, -1);
}

TEST(DockerParametersTest, CpusBecomesAQuotaOverDockersPeriod) {
  ContainerConfig config = Apply({{"cpus", "1.5"}});
  EXPECT_EQ(config.cpu_period_us, 100000);
  EXPECT_EQ(config.cpu_quota_us, 150000);
  EXPECT_EQ(Apply({{"cpus", "0.01"}}).cpu_quota_us, 1000);
}

TEST(DockerParametersTest, CpusConflictsWithExplicitCfsValues) {
  ContainerConfig config;
  auto requests = ApplyDockerParameters({{"cpus", "2"}, {"cpu-quota", "50000"}}, config);
  ASSERT_FALSE(requests.ok());
  EXPECT_THAT(requests.status().message(), HasSubstr("cpus and cpu-period/cpu-quota conflict"));
}

TEST(DockerParametersTest, LoggingFlags) {
  ContainerConfig config = Apply({{"log-driver", "json-file"},
                                  {"log-opt", "max-size=10m"},
                                  {"log-opt", "max-file=3"}});
  EXPECT_EQ(config.log_driver, "json-file");
  EXPECT_THAT(config.log_options,
              UnorderedElementsAre(Pair("max-size", "10m"), Pair("max-file", "3")));
}

struct Malformed {
  const char* key;
  const char* value;
  const char* message;
};
std::ostream& operator<<(std::ostream& os, const Malformed& m) {
  return os << m.key << "='" << m.value << "'";
}

class MalformedParameterTest : public testing::TestWithParam<Malformed> {};

TEST_P(MalformedParameterTest, FailsNamingKeyAndValue) {
  ContainerConfig config;
  auto requests = ApplyDockerParameters({{GetParam().key, GetParam().value}}, config);
  ASSERT_FALSE(requests.ok());
  EXPECT_EQ(requests.status().code(), base::StatusCode::kInvalid);
  EXPECT_EQ(requests.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Values, MalformedParameterTest,
    testing::Values(
        Malformed{"env", "NOVALUE", "Docker parameter env='NOVALUE' is invalid: expected NAME=value"},
        Malformed{"env", "=x", "Docker parameter env='=x' is invalid: expected NAME=value"},
        Malformed{"workdir", "srv", "Docker parameter workdir='srv' is invalid: expected an absolute path"},
        Malformed{"stop-timeout", "10s", "Docker parameter stop-timeout='10s' is invalid: expected a number of seconds"},
        Malformed{"init", "yes", "Docker parameter init='yes' is invalid: expected true or false"},
        Malformed{"privileged", "", "Docker parameter privileged='' is invalid: expected true or false"},
        Malformed{"read-only", "on", "Docker parameter read-only='on' is invalid: expected true or false"},
        Malformed{"oom-kill-disable", "2", "Docker parameter oom-kill-disable='2' is invalid: expected true or false"},
        Malformed{"add-host", "db", "Docker parameter add-host='db' is invalid: expected host:ip"},
        Malformed{"volume", "/data", "Docker parameter volume='/data' is invalid: expected host-path-or-volume:container-path[:options]"},
        Malformed{"v", ":/data", "Docker parameter v=':/data' is invalid: expected host-path-or-volume:container-path[:options]"},
        Malformed{"tmpfs", "run", "Docker parameter tmpfs='run' is invalid: expected an absolute container path[:options]"},
        Malformed{"device", "/dev/a:/dev/b:rx", "Docker parameter device='/dev/a:/dev/b:rx' is invalid: expected permissions made of r, w, m"},
        Malformed{"device", "/a:/b:r:w", "Docker parameter device='/a:/b:r:w' is invalid: expected host-path[:container-path][:rwm]"},
        Malformed{"sysctl", "net.core.somaxconn", "Docker parameter sysctl='net.core.somaxconn' is invalid: expected key=value"},
        Malformed{"log-opt", "max-size", "Docker parameter log-opt='max-size' is invalid: expected key=value"},
        Malformed{"memory", "12q", "Docker parameter memory='12q' is invalid: expected a size like 512m or 1g"},
        Malformed{"memory-swap", "-2", "Docker parameter memory-swap='-2' is invalid: expected a size like 512m or 1g"},
        Malformed{"shm-size", "", "Docker parameter shm-size='' is invalid: expected a size like 512m or 1g"},
        Malformed{"memory-reservation", "1.5.5g", "Docker parameter memory-reservation='1.5.5g' is invalid: expected a size like 512m or 1g"},
        Malformed{"cpu-shares", "half", "Docker parameter cpu-shares='half' is invalid: expected an integer"},
        Malformed{"cpu-period", "1.5", "Docker parameter cpu-period='1.5' is invalid: expected an integer"},
        Malformed{"pids-limit", "", "Docker parameter pids-limit='' is invalid: expected an integer"},
        Malformed{"cpus", "0.001", "Docker parameter cpus='0.001' is invalid: expected a number of CPUs of at least 0.01, e.g. 1.5"},
        Malformed{"cpus", "two", "Docker parameter cpus='two' is invalid: expected a number of CPUs of at least 0.01, e.g. 1.5"},
        Malformed{"ulimit", "nofile", "Docker parameter ulimit='nofile' is invalid: expected name=soft[:hard], e.g. nofile=65536:65536"},
        Malformed{"ulimit", "files=10", "Docker parameter ulimit='files=10' is invalid: expected name=soft[:hard], e.g. nofile=65536:65536"},
        Malformed{"ulimit", "nofile=10:x", "Docker parameter ulimit='nofile=10:x' is invalid: expected name=soft[:hard], e.g. nofile=65536:65536"},
        Malformed{"ulimit", "nofile=20:10", "Docker parameter ulimit='nofile=20:10' is invalid: expected a soft limit not above the hard limit"}));

TEST(DockerParametersTest, ALaterMalformedValueFailsEvenAfterGoodOnes) {
  ContainerConfig config;
  auto requests = ApplyDockerParameters({{"memory", "1g"}, {"memory", "lots"}}, config);
  EXPECT_FALSE(requests.ok());
}

TEST(DockerParametersTest, SupportedListIsTheDocumentedSet) {
  EXPECT_THAT(SupportedDockerParameters(),
              ElementsAre("env", "label", "cap-add", "cap-drop", "volume-driver", "user", "workdir",
                          "entrypoint", "hostname", "stop-signal", "stop-timeout", "init", "net",
                          "network", "dns", "dns-search", "dns-option", "add-host", "volume", "v",
                          "tmpfs", "read-only", "privileged", "security-opt", "device", "group-add",
                          "ipc", "pid", "sysctl", "memory", "memory-swap", "memory-reservation",
                          "shm-size", "cpu-shares", "cpu-period", "cpu-quota", "cpus", "pids-limit",
                          "oom-kill-disable", "ulimit", "log-driver", "log-opt"));
}

}  // namespace
}  // namespace executor
