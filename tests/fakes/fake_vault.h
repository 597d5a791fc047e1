// FakeVault: the subset of Vault's HTTP API that vault-api.md §8.6 asks of
// a fake, on net::HttpServer (127.0.0.1, any free port), validating what a
// real Vault validates:
//
//   tokens      X-Vault-Token or Authorization: Bearer; unknown, revoked
//               or expired tokens get 403 {"errors":["permission denied"]};
//               a token may be limited to path prefixes (its "policy")
//   methods     PUT and POST are the same; reads are GET; a wrong method
//               gets 405
//   namespaces  with SetNamespace("ns1") everything lives in ns1 and is
//               reached by X-Vault-Namespace or a path prefix; else 403
//   KV          v1 and v2 mounts (v2 at <mount>data/<path>, data.data;
//               a v1-style path on v2 gets Vault's 404 with a warning);
//               sys/internal/ui/mounts[/<path>]
//   auth        token lookup-self, lookup, renew, renew-self, revoke-self;
//               userpass and approle logins (a stale token header on a
//               login is ignored, as Vault does)
//   AWS         aws/creds/<role> with leases; sys/leases/renew (capped by
//               the role's max TTL) and revoke; a revoked token's leases die
//   errors      {"errors":[...]} bodies; switchable faults: down, sealed
//               (503), deny-all (403), injected statuses, silence
//
// Names are deterministic so tests can know secrets in advance: login
// tokens are "hvs.fake-login-<n>", AWS keys "AKIAFAKE<12 digits n>" and
// "fakeAwsSecret<n>..." (40 characters), leases "aws/creds/<role>/<n>".
// Every request is recorded; WaitUntil() waits for a condition on them.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/deadline.h"
#include "base/status.h"
#include "net/http_server.h"

namespace fakes {

struct VaultCall {
  std::string method;
  std::string path;  // after /v1/, namespace prefix removed: "secret/data/app"
  std::string token;
  std::string namespace_header;
  std::string body;
  unsigned status = 0;  // 0: not answered (silence)
};

struct AwsRoleOptions {
  int64_t lease_duration = 3600;  // seconds, of a new lease and the default renewal
  int64_t max_ttl = 86400;        // no renewal reaches past issue + max_ttl
  bool renewable = true;
  bool sts = false;  // credentials with a security_token (STS roles are not renewable)
};

struct LeaseRenewal {
  std::string lease_id;
  int64_t asked = 0;
  int64_t granted = 0;
};

class FakeVault {
 public:
  explicit FakeVault(boost::asio::any_io_executor executor);
  ~FakeVault();
  FakeVault(const FakeVault&) = delete;
  FakeVault& operator=(const FakeVault&) = delete;

  base::Status Start(uint16_t port = 0);
  // Vault goes away: connections are refused until Start(port()).
  void Stop();
  uint16_t port() const;
  std::string address() const;  // "http://127.0.0.1:<port>", for VAULT_ADDR

  // --- Contents ---------------------------------------------------------
  void SetNamespace(std::string ns);
  void MountKv(std::string mount, int version);                   // "secret" or "secret/"
  void PutSecret(std::string path, boost::json::object data);     // "secret/app/db" (mount included)
  // `allowed`: path prefixes the token may use for secrets, mounts and AWS
  // (empty: all); token and lease endpoints are open to every valid token.
  void AddToken(std::string token, std::vector<std::string> allowed = {});
  void AddUser(std::string username, std::string password, std::vector<std::string> allowed = {});
  void AddAppRole(std::string role_id, std::string secret_id, std::vector<std::string> allowed = {});
  // TTL and max TTL of tokens issued by logins (seconds; Vault's 32 days by default).
  void SetLoginTokenTtl(int64_t ttl, int64_t max_ttl);
  void AddAwsRole(std::string role, AwsRoleOptions options = {});

  // --- Faults -----------------------------------------------------------
  void SetSealed(bool sealed);  // 503 {"errors":["Vault is sealed"]} for everything
  void SetDenyAll(bool deny);   // 403 for everything that takes a token
  // The next `count` requests whose path starts with `path_prefix` get `status`.
  void FailNext(unsigned status, int count = 1, std::string path_prefix = "");
  void SetSilent(bool silent);  // requests are read but never answered
  void SetResetAll(bool reset);  // requests are read, then the connection is reset (RST), unanswered
  void SetGarbage(bool garbage);  // 200 with a body that is not JSON, for everything

  // --- Observation ------------------------------------------------------
  const std::vector<VaultCall>& calls() const;
  // Calls whose path starts with `path_prefix` (and method matches, if given).
  int CountCalls(std::string_view path_prefix, std::string_view method = {}) const;
  int logins() const;  // successful userpass and approle logins
  std::vector<std::string> issued_tokens() const;
  std::vector<std::string> revoked_tokens() const;
  bool TokenValid(const std::string& token) const;
  std::vector<std::string> issued_leases() const;
  std::vector<std::string> issued_aws_secret_keys() const;
  std::vector<LeaseRenewal> lease_renewals() const;
  std::vector<std::string> revoked_leases() const;  // by sys/leases/revoke
  bool LeaseActive(const std::string& lease_id) const;  // issued, not revoked (directly or with its token)
  // Until `condition()` holds; checked after every request.
  boost::asio::awaitable<bool> WaitUntil(std::function<bool()> condition, base::Deadline deadline);

  struct State;

 private:
  std::shared_ptr<State> state_;
  net::HttpServer server_;
};

}  // namespace fakes
