#include "docker/docker_host.h"

#include <pwd.h>
#include <unistd.h>

#include <charconv>
#include <vector>

namespace docker {
namespace {

constexpr std::string_view kDefaultSocket = "/var/run/docker.sock";
constexpr uint16_t kDefaultTcpPort = 2375;

std::string EnvValue(const EnvLookup& getenv, std::string_view name) {
  std::optional<std::string> value = getenv(name);
  return value ? *value : std::string();
}

std::string PasswdHome() {
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) return "";
  return found->pw_dir ? found->pw_dir : "";
}

// DOCKER_CERT_PATH, else the config directory ($DOCKER_CONFIG, else ~/.docker).
std::string CertDirectory(const EnvLookup& getenv) {
  if (std::string dir = EnvValue(getenv, "DOCKER_CERT_PATH"); !dir.empty()) return dir;
  if (std::string dir = EnvValue(getenv, "DOCKER_CONFIG"); !dir.empty()) return dir;
  std::string home = EnvValue(getenv, "HOME");
  if (home.empty()) home = PasswdHome();
  return home + "/.docker";
}

base::Status Bad(std::string_view value, std::string_view why) {
  return base::Status::Invalid("DOCKER_HOST '" + std::string(value) + "': " + std::string(why));
}

base::Result<net::Endpoint> ParseTcp(std::string_view value, std::string_view rest) {
  // An optional path would be a prefix for every request; nobody uses it
  // and silently dropping it would send requests elsewhere.
  if (std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
    if (rest.substr(slash) != "/") return Bad(value, "a path after host:port is not supported");
    rest = rest.substr(0, slash);
  }
  std::string_view host = rest;
  std::string_view port_text;
  if (rest.starts_with('[')) {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return Bad(value, "unterminated IPv6 address");
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return Bad(value, "expected ':port' after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) return Bad(value, "empty port");
    }
  } else if (std::size_t colon = rest.find(':'); colon != std::string_view::npos) {
    if (rest.find(':', colon + 1) != std::string_view::npos) {
      return Bad(value, "write IPv6 addresses as [addr]:port");
    }
    host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
    if (port_text.empty()) return Bad(value, "empty port");
  }
  if (host.empty()) return Bad(value, "no host");
  uint16_t port = kDefaultTcpPort;
  if (!port_text.empty()) {
    unsigned number = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), number);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || number == 0 ||
        number > 65535) {
      return Bad(value, "invalid port '" + std::string(port_text) + "'");
    }
    port = static_cast<uint16_t>(number);
  }
  return net::Endpoint::Tcp(std::string(host), port);
}

}  // namespace

base::Result<net::Endpoint> EndpointFromEnvironment(const EnvLookup& getenv) {
  const std::string value = EnvValue(getenv, "DOCKER_HOST");
  if (value.empty()) return net::Endpoint::Unix(std::string(kDefaultSocket));

  const std::string_view text = value;
  if (text.starts_with("unix://")) {
    std::string_view path = text.substr(7);
    if (path.empty()) return Bad(text, "no socket path after unix://");
    return net::Endpoint::Unix(std::string(path));
  }
  if (!text.starts_with("tcp://")) {
    return Bad(text, "expected unix:///path/to/socket or tcp://host[:port]");
  }
  base::Result<net::Endpoint> endpoint = ParseTcp(text, text.substr(6));
  if (!endpoint.ok()) return endpoint;
  if (!EnvValue(getenv, "DOCKER_TLS_VERIFY").empty()) {
    const std::string dir = CertDirectory(getenv);
    net::TlsSettings tls;
    tls.ca_file = dir + "/ca.pem";
    tls.cert_file = dir + "/cert.pem";
    tls.key_file = dir + "/key.pem";
    tls.verify = true;
    endpoint->tls = std::move(tls);
  }
  return endpoint;
}

}  // namespace docker
