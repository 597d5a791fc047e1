#include "vault/config.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "executor/go_duration.h"
#include "executor/go_values.h"

namespace vault {

namespace {

class Reader {
 public:
  explicit Reader(const EnvLookup& lookup) : lookup_(lookup) {}

  // The value, or "" when unset or empty (the Go client's rule).
  std::string Get(std::string_view name) const {
    std::optional<std::string> value = lookup_(name);
    return value ? *value : std::string();
  }

  void Problem(std::string text) { problems_.push_back(std::move(text)); }
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  const EnvLookup& lookup_;
  std::vector<std::string> problems_;
};

std::string Quoted(std::string_view name, std::string_view value) {
  return std::string(name) + "='" + std::string(value) + "'";
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

template <typename T>
std::optional<T> ParseDecimal(std::string_view text) {
  if (!AllDigits(text)) return std::nullopt;
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// hashicorp parseutil.ParseDurationSecond: a unit suffix means a Go
// duration, otherwise whole seconds.
std::optional<std::chrono::nanoseconds> ParseDurationSecond(std::string_view text) {
  if (text.ends_with('s') || text.ends_with('m') || text.ends_with('h')) {
    base::Result<std::chrono::nanoseconds> parsed = executor::ParseGoDuration(text);
    if (!parsed.ok()) return std::nullopt;
    return *parsed;
  }
  std::optional<int64_t> seconds = ParseDecimal<int64_t>(text);
  if (!seconds || *seconds > int64_t{1} << 32) return std::nullopt;
  return std::chrono::seconds(*seconds);
}

bool Printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
}

void ReadEndpoint(Reader& env, Config& config) {
  const std::string address = env.Get("VAULT_ADDR");
  if (!address.empty()) config.address = address;
  base::Result<net::HttpUrl> url = net::ParseHttpUrl(config.address);
  if (!url.ok()) {
    env.Problem("VAULT_ADDR: " + url.status().message());
    return;
  }
  std::string prefix = url->target;
  if (prefix.find_first_of("?#") != std::string::npos) {
    env.Problem(Quoted("VAULT_ADDR", config.address) + " must not carry a query or fragment");
    return;
  }
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  config.endpoint = url->endpoint;
  config.path_prefix = prefix;
  if (!config.endpoint.tls) return;  // the TLS variables mean nothing for http://

  net::TlsSettings& tls = *config.endpoint.tls;
  tls.ca_file = env.Get("VAULT_CACERT");
  if (tls.ca_file.empty()) tls.ca_path = env.Get("VAULT_CAPATH");  // VAULT_CACERT wins
  tls.cert_file = env.Get("VAULT_CLIENT_CERT");
  tls.key_file = env.Get("VAULT_CLIENT_KEY");
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    env.Problem(std::string(tls.cert_file.empty() ? "VAULT_CLIENT_KEY" : "VAULT_CLIENT_CERT") +
                " is set without " + (tls.cert_file.empty() ? "VAULT_CLIENT_CERT" : "VAULT_CLIENT_KEY") +
                " (a client certificate needs both)");
  }
  tls.server_name = env.Get("VAULT_TLS_SERVER_NAME");
  if (const std::string skip = env.Get("VAULT_SKIP_VERIFY"); !skip.empty()) {
    base::Result<bool> parsed = executor::ParseGoBool(skip);
    if (parsed.ok()) {
      tls.verify = !*parsed;
    } else {
      env.Problem(Quoted("VAULT_SKIP_VERIFY", skip) + " is not a boolean (expected true or false, 1 or 0)");
    }
  }
}

}  // namespace

base::Result<Config> ParseConfig(const EnvLookup& lookup) {
  Reader env(lookup);
  Config config;
  ReadEndpoint(env, config);
  config.namespace_path = env.Get("VAULT_NAMESPACE");

  config.token = env.Get("VAULT_TOKEN");
  if (!Printable(config.token)) env.Problem("VAULT_TOKEN contains non-printable characters");
  config.token_file = env.Get("VAULT_TOKEN_FILE");
  config.username = env.Get("VAULT_USERNAME");
  config.password = env.Get("VAULT_PASSWORD");
  config.role_id = env.Get("VAULT_ROLE_ID");
  config.secret_id = env.Get("VAULT_SECRET_ID");

  if (const std::string ttl = env.Get("VAULT_TTL"); !ttl.empty()) {
    std::optional<int64_t> seconds = ParseDecimal<int64_t>(ttl);
    if (seconds && *seconds <= int64_t{1} << 40) {
      config.token_ttl = std::chrono::seconds(*seconds);
    } else {
      env.Problem(Quoted("VAULT_TTL", ttl) + " is not a whole number of seconds (e.g. 86400)");
    }
  }
  if (const std::string retries = env.Get("VAULT_MAX_RETRIES"); !retries.empty()) {
    std::optional<uint32_t> count = ParseDecimal<uint32_t>(retries);
    if (count && *count <= 100) {
      config.max_retries = static_cast<int>(*count);
    } else {
      env.Problem(Quoted("VAULT_MAX_RETRIES", retries) + " is not a retry count (0 to 100)");
    }
  }
  if (const std::string timeout = env.Get("VAULT_CLIENT_TIMEOUT"); !timeout.empty()) {
    std::optional<std::chrono::nanoseconds> parsed = ParseDurationSecond(timeout);
    if (parsed && parsed->count() > 0) {
      config.timeout = *parsed;
    } else {
      env.Problem(Quoted("VAULT_CLIENT_TIMEOUT", timeout) +
                  " is not a positive timeout (whole seconds like 30, or a duration like 30s or 2m)");
    }
  }

  if (env.problems().empty()) return config;
  std::string message;
  for (const std::string& problem : env.problems()) {
    if (!message.empty()) message += "; ";
    message += problem;
  }
  return base::Status::Invalid(std::move(message));
}

}  // namespace vault
