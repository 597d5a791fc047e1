// Authenticator: how the executor gets its Vault token.
//
// Upstream's shared chain, in its order (upstream-behavior.md §9.2-9.4):
//   1. VAULT_TOKEN, as is;
//   2. VAULT_TOKEN_FILE when fresh (token_file.h) and accepted by
//      auth/token/lookup-self;
//   3. a login, renewed to VAULT_TTL + 600 s, written to VAULT_TOKEN_FILE.
// The login is userpass (VAULT_USERNAME/VAULT_PASSWORD, mount "userpass"),
// as upstream, or AppRole (VAULT_ROLE_ID/VAULT_SECRET_ID, mount "approle").
// With a token file, steps 2-3 run under the file's lock, so executors
// starting together on a host share one login instead of one each.
//
// AWS role mode (§9.5) uses a service token instead: a login of its own,
// renewed to the role TTL + 600 s, never cached, revoked at the end, so the
// AWS lease (a child of that token) lives as long as the task needs it.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

#include "base/deadline.h"
#include "base/status.h"
#include "vault/client.h"

namespace vault {

// Decides whether the token is ours to revoke.
enum class TokenOrigin {
  kEnvironment,  // VAULT_TOKEN
  kTokenFile,    // the shared cache, written by some executor's login
  kSharedLogin,  // our login, written to the shared cache for the others
  kOwnLogin,     // our login, used by us alone
};

const char* TokenOriginName(TokenOrigin origin);

struct AuthToken {
  TokenOrigin origin = TokenOrigin::kEnvironment;
  std::chrono::seconds ttl{0};  // as looked up after the login; 0 = not known
  bool renewable = false;

  bool owned() const { return origin == TokenOrigin::kOwnLogin; }
};

// Added to the requested TTL when a login's token is renewed (upstream's margin).
inline constexpr std::chrono::seconds kLoginTtlMargin{600};

class Authenticator {
 public:
  // `lock_wait` bounds the wait for another executor's login; 0 = three
  // client timeouts (a login is three calls).
  explicit Authenticator(Client& client, base::Clock::duration lock_wait = {});

  // The chain above. On success the client holds the token.
  boost::asio::awaitable<base::Result<AuthToken>> SharedToken();

  // AWS role mode: our own login, renewed to `ttl` + 600 s.
  boost::asio::awaitable<base::Result<AuthToken>> ServiceToken(std::chrono::seconds ttl);

  // auth/token/renew-self by `increment`; the TTL Vault granted.
  boost::asio::awaitable<base::Result<std::chrono::seconds>> RenewSelf(std::chrono::seconds increment);

  // auth/token/revoke-self; afterwards the client holds no token.
  boost::asio::awaitable<base::Status> RevokeSelf(base::Deadline limit);

 private:
  boost::asio::awaitable<base::Result<AuthToken>> Login(std::chrono::seconds ttl);
  boost::asio::awaitable<base::Result<AuthToken>> SharedLogin();

  Client& client_;
  base::Clock::duration lock_wait_;
};

}  // namespace vault
