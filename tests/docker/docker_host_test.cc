// DOCKER_HOST and the TLS variables map to an Endpoint as the Docker CLI
// maps them (docker-engine-api.md §1.1-1.2).
#include "docker/docker_host.h"

#include <gtest/gtest.h>

#include <pwd.h>
#include <unistd.h>

#include <map>

namespace docker {
namespace {

using Env = std::map<std::string, std::string>;

EnvLookup Lookup(const Env& env) {
  return [env](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

struct HostCase {
  std::string docker_host;
  std::string endpoint;  // Endpoint::ToString()
};

TEST(EndpointFromEnvironment, MapsDockerHost) {
  const HostCase cases[] = {
      {"", "unix:///var/run/docker.sock"},
      {"unix:///var/run/docker.sock", "unix:///var/run/docker.sock"},
      {"unix:///tmp/other.sock", "unix:///tmp/other.sock"},
      {"tcp://10.0.0.1:2376", "http://10.0.0.1:2376"},
      {"tcp://docker.example", "http://docker.example:2375"},
      {"tcp://docker.example/", "http://docker.example:2375"},
      {"tcp://[::1]:2376", "http://[::1]:2376"},
      {"tcp://[fe80::1]", "http://[fe80::1]:2375"},
  };
  for (const HostCase& c : cases) {
    base::Result<net::Endpoint> endpoint =
        EndpointFromEnvironment(Lookup({{"DOCKER_HOST", c.docker_host}}));
    ASSERT_TRUE(endpoint.ok()) << c.docker_host << ": " << endpoint.status().message();
    EXPECT_EQ(endpoint->ToString(), c.endpoint) << c.docker_host;
    EXPECT_FALSE(endpoint->tls.has_value()) << c.docker_host;
  }
}

TEST(EndpointFromEnvironment, UnsetDockerHostIsTheDefaultSocket) {
  base::Result<net::Endpoint> endpoint = EndpointFromEnvironment(Lookup({}));
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->transport, net::Endpoint::Transport::kUnix);
  EXPECT_EQ(endpoint->path, "/var/run/docker.sock");
}

TEST(EndpointFromEnvironment, IPv6HostIsStoredWithoutBrackets) {
  base::Result<net::Endpoint> endpoint =
      EndpointFromEnvironment(Lookup({{"DOCKER_HOST", "tcp://[::1]:2376"}}));
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->host, "::1");
  EXPECT_EQ(endpoint->port, 2376);
}

TEST(EndpointFromEnvironment, RejectsWhatTheCliRejects) {
  const std::string bad[] = {
      "http://127.0.0.1:2375",
      "https://127.0.0.1:2376",
      "foo://x",
      "ssh://user@host",
      "/var/run/docker.sock",  // a bare path is not a socket for the CLI either
      "unix://",
      "tcp://",
      "tcp://:2375",
      "tcp://h:0",
      "tcp://h:65536",
      "tcp://h:abc",
      "tcp://h:",
      "tcp://::1:2375",
      "tcp://[::1",
      "tcp://[::1]2375",
      "tcp://[::1]:",
      "tcp://h:2375/prefix",
  };
  for (const std::string& value : bad) {
    base::Result<net::Endpoint> endpoint =
        EndpointFromEnvironment(Lookup({{"DOCKER_HOST", value}}));
    ASSERT_FALSE(endpoint.ok()) << value;
    EXPECT_EQ(endpoint.status().code(), base::StatusCode::kInvalid) << value;
    EXPECT_NE(endpoint.status().message().find("DOCKER_HOST '" + value + "'"), std::string::npos)
        << endpoint.status().message();
  }
}

struct TlsCase {
  std::string label;
  Env env;               // DOCKER_HOST is tcp://docker.example:2376 unless given
  std::string cert_dir;  // "" = no TLS expected
};

std::string PasswdHome() {
  passwd* entry = getpwuid(getuid());
  return entry && entry->pw_dir ? entry->pw_dir : "";
}

TEST(EndpointFromEnvironment, TlsFollowsDockerTlsVerify) {
  const TlsCase cases[] = {
      {"verify=1 with cert path",
       {{"DOCKER_TLS_VERIFY", "1"}, {"DOCKER_CERT_PATH", "/certs"}},
       "/certs"},
      {"verify=0 still enables TLS",
       {{"DOCKER_TLS_VERIFY", "0"}, {"DOCKER_CERT_PATH", "/certs"}},
       "/certs"},
      {"empty verify is plain", {{"DOCKER_TLS_VERIFY", ""}, {"DOCKER_CERT_PATH", "/certs"}}, ""},
      {"cert path alone is plain", {{"DOCKER_CERT_PATH", "/certs"}}, ""},
      {"config dir is the default",
       {{"DOCKER_TLS_VERIFY", "1"}, {"DOCKER_CONFIG", "/cfg"}, {"HOME", "/home/u"}},
       "/cfg"},
      {"cert path wins over config dir",
       {{"DOCKER_TLS_VERIFY", "1"}, {"DOCKER_CERT_PATH", "/certs"}, {"DOCKER_CONFIG", "/cfg"}},
       "/certs"},
      {"then ~/.docker", {{"DOCKER_TLS_VERIFY", "1"}, {"HOME", "/home/u"}}, "/home/u/.docker"},
      {"empty variables are unset",
       {{"DOCKER_TLS_VERIFY", "1"},
        {"DOCKER_CERT_PATH", ""},
        {"DOCKER_CONFIG", ""},
        {"HOME", "/h"}},
       "/h/.docker"},
      {"no HOME: passwd entry", {{"DOCKER_TLS_VERIFY", "1"}}, PasswdHome() + "/.docker"},
      {"unix socket never uses TLS",
       {{"DOCKER_HOST", "unix:///s.sock"}, {"DOCKER_TLS_VERIFY", "1"}, {"DOCKER_CERT_PATH", "/c"}},
       ""},
  };
  for (const TlsCase& c : cases) {
    Env env = c.env;
    env.emplace("DOCKER_HOST", "tcp://docker.example:2376");
    base::Result<net::Endpoint> endpoint = EndpointFromEnvironment(Lookup(env));
    ASSERT_TRUE(endpoint.ok()) << c.label << ": " << endpoint.status().message();
    if (c.cert_dir.empty()) {
      EXPECT_FALSE(endpoint->tls.has_value()) << c.label;
      continue;
    }
    ASSERT_TRUE(endpoint->tls.has_value()) << c.label;
    EXPECT_EQ(endpoint->tls->ca_file, c.cert_dir + "/ca.pem") << c.label;
    EXPECT_EQ(endpoint->tls->cert_file, c.cert_dir + "/cert.pem") << c.label;
    EXPECT_EQ(endpoint->tls->key_file, c.cert_dir + "/key.pem") << c.label;
    EXPECT_TRUE(endpoint->tls->verify) << c.label;
    EXPECT_EQ(endpoint->port, 2376) << c.label;
    EXPECT_EQ(endpoint->ToString(), "https://docker.example:2376") << c.label;
  }
}

TEST(EndpointFromEnvironment, TlsWithoutPortStillUses2375) {
  base::Result<net::Endpoint> endpoint = EndpointFromEnvironment(
      Lookup({{"DOCKER_HOST", "tcp://127.0.0.1"}, {"DOCKER_TLS_VERIFY", "1"}, {"HOME", "/h"}}));
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->ToString(), "https://127.0.0.1:2375");
}

}  // namespace
}  // namespace docker
