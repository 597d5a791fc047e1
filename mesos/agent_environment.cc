#include "mesos/agent_environment.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace mesos {

namespace {

struct Unit {
  std::string_view name;
  double nanoseconds;
};

constexpr Unit kUnits[] = {
    {"ns", 1.0},          {"us", 1e3},           {"ms", 1e6},
    {"secs", 1e9},        {"mins", 60e9},        {"hrs", 3600e9},
    {"days", 86400e9},    {"weeks", 604800e9},
};

bool IsTrue(const std::optional<std::string>& value) {
  return value && (*value == "1" || *value == "true");
}

}  // namespace

base::Result<std::chrono::nanoseconds> ParseMesosDuration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() &&
         ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.')) {
    ++digits;
  }
  const std::string_view number = text.substr(0, digits);
  const std::string_view unit = text.substr(digits);
  auto invalid = [&] {
    return base::Status::Invalid("'" + std::string(text) +
                                 "' is not a Mesos duration (expected e.g. 5secs, 15mins, 1500ms)");
  };
  if (number.empty() || number.front() == '.') return invalid();
  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size()) return invalid();
  for (const Unit& u : kUnits) {
    if (u.name != unit) continue;
    const double ns = value * u.nanoseconds;
    if (!std::isfinite(ns) || ns > 9.2e18) return invalid();
    return std::chrono::nanoseconds(static_cast<int64_t>(std::llround(ns)));
  }
  return invalid();
}

base::Result<AgentEnvironment> ReadAgentEnvironment(const EnvLookup& getenv) {
  AgentEnvironment env;
  auto required = [&](std::string_view name, std::string& out) -> base::Status {
    std::optional<std::string> value = getenv(name);
    if (!value || value->empty()) {
      return base::Status::Invalid(std::string(name) + " is not set; is this running under a Mesos agent?");
    }
    out = *value;
    return base::Status::Ok();
  };
  auto duration = [&](std::string_view name, std::chrono::nanoseconds& out) -> base::Status {
    std::string text;
    if (base::Status s = required(name, text); !s.ok()) return s;
    base::Result<std::chrono::nanoseconds> parsed = ParseMesosDuration(text);
    if (!parsed.ok()) return parsed.status().Wrap(name);
    out = *parsed;
    return base::Status::Ok();
  };

  for (auto [name, field] : {std::pair{"MESOS_FRAMEWORK_ID", &env.framework_id},
                             std::pair{"MESOS_EXECUTOR_ID", &env.executor_id}}) {
    if (base::Status s = required(name, *field); !s.ok()) return s;
  }
  env.agent_id = getenv("MESOS_SLAVE_ID").value_or("");
  env.directory = getenv("MESOS_DIRECTORY").value_or("");
  env.sandbox = getenv("MESOS_SANDBOX").value_or(env.directory);

  // The agent's address: the libprocess PID "slave(1)@ip:port" gives both the
  // address and the path prefix; MESOS_AGENT_ENDPOINT alone reaches the same
  // handler through libprocess' delegate.
  std::string address;
  env.api_path = "/api/v1/executor";
  if (std::optional<std::string> pid = getenv("MESOS_SLAVE_PID"); pid && !pid->empty()) {
    const std::size_t at = pid->find('@');
    if (at == std::string::npos || at == 0) {
      return base::Status::Invalid("MESOS_SLAVE_PID='" + *pid + "' is not of the form slave(1)@ip:port");
    }
    env.api_path = "/" + pid->substr(0, at) + "/api/v1/executor";
    address = pid->substr(at + 1);
  } else if (base::Status s = required("MESOS_AGENT_ENDPOINT", address); !s.ok()) {
    return s;
  }
  const std::size_t colon = address.rfind(':');
  unsigned port = 0;
  if (colon == std::string::npos ||
      std::from_chars(address.data() + colon + 1, address.data() + address.size(), port).ec != std::errc() ||
      port == 0 || port > 65535) {
    return base::Status::Invalid("agent address '" + address + "' is not of the form ip:port");
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  env.endpoint = net::Endpoint::Tcp(host, static_cast<uint16_t>(port));
  if (std::optional<std::string> socket = getenv("MESOS_DOMAIN_SOCKET"); socket && !socket->empty()) {
    env.endpoint = net::Endpoint::Unix(*socket);
  } else if (IsTrue(getenv("SSL_ENABLED")) || IsTrue(getenv("LIBPROCESS_SSL_ENABLED"))) {
    net::TlsSettings tls;
    tls.ca_file = getenv("LIBPROCESS_SSL_CA_FILE").value_or("");
    tls.ca_path = getenv("LIBPROCESS_SSL_CA_DIR").value_or("");
    tls.cert_file = getenv("LIBPROCESS_SSL_CERT_FILE").value_or("");
    tls.key_file = getenv("LIBPROCESS_SSL_KEY_FILE").value_or("");
    tls.verify = IsTrue(getenv("LIBPROCESS_SSL_VERIFY_CERT"));
    env.endpoint.tls = tls;
  }

  env.checkpoint = getenv("MESOS_CHECKPOINT").value_or("") == "1";
  if (env.checkpoint) {
    if (base::Status s = duration("MESOS_RECOVERY_TIMEOUT", env.recovery_timeout); !s.ok()) return s;
    if (base::Status s = duration("MESOS_SUBSCRIPTION_BACKOFF_MAX", env.subscription_backoff_max); !s.ok()) {
      return s;
    }
  }
  if (getenv("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD")) {
    if (base::Status s = duration("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", env.shutdown_grace); !s.ok()) {
      return s;
    }
  }
  if (std::optional<std::string> token = getenv("MESOS_EXECUTOR_AUTHENTICATION_TOKEN");
      token && !token->empty()) {
    env.auth_token = std::move(token);
  }
  return env;
}

}  // namespace mesos
