// Vault client configuration from the VAULT_* variables, read the way
// Vault's own Go client and the upstream executor read them
// (vault-api.md §6, §8.1), so existing agent setups keep working.
//
// Pure: the environment arrives as a lookup function. As in the Go client
// an empty variable counts as unset. Unlike upstream, a value that does not
// parse is an error naming the variable (never silently 0, D18/D20).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "net/endpoint.h"

namespace vault {

inline constexpr std::string_view kDefaultAddress = "https://127.0.0.1:8200";

struct Config {
  std::string address = std::string(kDefaultAddress);  // VAULT_ADDR as given, for messages
  net::Endpoint endpoint;   // TLS settings from VAULT_CACERT & co. when https
  std::string path_prefix;  // a path in VAULT_ADDR ("/vault"), prepended to /v1/...
  std::string namespace_path;  // VAULT_NAMESPACE -> X-Vault-Namespace

  std::string token;       // VAULT_TOKEN
  std::string token_file;  // VAULT_TOKEN_FILE, shared by the executors of a host
  std::chrono::seconds token_ttl{86400};  // VAULT_TTL
  std::string username;    // VAULT_USERNAME (userpass login)
  std::string password;    // VAULT_PASSWORD
  std::string role_id;     // VAULT_ROLE_ID (AppRole login)
  std::string secret_id;   // VAULT_SECRET_ID

  int max_retries = 2;                                   // VAULT_MAX_RETRIES
  std::chrono::nanoseconds timeout = std::chrono::seconds(60);  // VAULT_CLIENT_TIMEOUT, per call

  bool has_userpass() const { return !username.empty(); }
  bool has_approle() const { return !role_id.empty(); }
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Every problem is reported, each naming its variable (values of secret
// variables are never repeated), joined by "; ".
base::Result<Config> ParseConfig(const EnvLookup& lookup);

}  // namespace vault
