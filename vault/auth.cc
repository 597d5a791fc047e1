#include "vault/auth.h"

#include <spdlog/spdlog.h>

#include "vault/responses.h"
#include "vault/token_file.h"

namespace vault {

namespace asio = boost::asio;
namespace json = boost::json;

const char* TokenOriginName(TokenOrigin origin) {
  switch (origin) {
    case TokenOrigin::kEnvironment: return "VAULT_TOKEN";
    case TokenOrigin::kTokenFile: return "the token file";
    case TokenOrigin::kSharedLogin: return "a login shared through the token file";
    case TokenOrigin::kOwnLogin: return "a login of this executor";
  }
  return "?";
}

Authenticator::Authenticator(Client& client, base::Clock::duration lock_wait)
    : client_(client),
      lock_wait_(lock_wait.count() > 0 ? lock_wait
                                       : std::chrono::duration_cast<base::Clock::duration>(client.config().timeout * 3)) {}

asio::awaitable<base::Result<AuthToken>> Authenticator::Login(std::chrono::seconds ttl) {
  const Config& config = client_.config();
  if (config.has_userpass() && config.has_approle()) {
    co_return base::Status::Invalid("both VAULT_USERNAME and VAULT_ROLE_ID are set; set the variables of one login "
                                    "method (userpass or AppRole)");
  }
  std::string path;
  std::string method;
  json::object body;
  if (config.has_userpass()) {
    if (config.username.empty() || config.password.empty()) {
      co_return base::Status::Invalid("a Vault login needs both VAULT_USERNAME and VAULT_PASSWORD");
    }
    path = "auth/userpass/login/" + config.username;
    method = "userpass login of user '" + config.username + "'";
    body["password"] = config.password;
  } else if (config.has_approle()) {
    path = "auth/approle/login";
    method = "AppRole login";
    body["role_id"] = config.role_id;
    if (!config.secret_id.empty()) body["secret_id"] = config.secret_id;
  } else {
    co_return base::Status::Invalid("no Vault credentials: set VAULT_TOKEN, VAULT_TOKEN_FILE (written by another "
                                    "executor), VAULT_USERNAME and VAULT_PASSWORD, or VAULT_ROLE_ID and VAULT_SECRET_ID");
  }
  if (!config.secret_id.empty() && !config.has_approle()) {
    co_return base::Status::Invalid("VAULT_SECRET_ID is set without VAULT_ROLE_ID");
  }

  client_.set_token("");  // login endpoints take no token
  const base::Result<Reply> login = co_await client_.Put(path, std::move(body));
  if (!login.ok()) co_return login.status().Wrap("Vault " + method + " failed");
  if (login->status != 200 || login->body.empty()) {
    co_return base::Status::Failed("Vault " + method + " answered " + std::to_string(login->status) + " without a token");
  }
  base::Result<TokenGrant> grant = ParseTokenGrant(login->body);
  if (!grant.ok()) co_return grant.status().Wrap("Vault " + method);
  client_.set_token(grant->token);
  spdlog::info("Successfully authenticated with Vault ({})", method);

  // Upstream's sequence, so existing policies keep working: renew the new
  // token to the wanted TTL, then look it up to see what Vault granted.
  const std::chrono::seconds increment = ttl + kLoginTtlMargin;
  json::object renew_body;
  renew_body["token"] = grant->token;
  renew_body["increment"] = increment.count();
  const base::Result<Reply> renewed = co_await client_.Put("auth/token/renew", std::move(renew_body));
  if (!renewed.ok()) co_return renewed.status().Wrap("renewing the token of the Vault " + method);
  if (renewed->status != 200 || renewed->body.empty()) {
    co_return base::Status::Failed("renewing the token of the Vault " + method + ": Vault answered " +
                                   std::to_string(renewed->status) + " without a body");
  }
  json::object lookup_body;
  lookup_body["token"] = grant->token;
  const base::Result<Reply> looked_up = co_await client_.Put("auth/token/lookup", std::move(lookup_body));
  if (!looked_up.ok()) co_return looked_up.status().Wrap("looking up the token of the Vault " + method);
  base::Result<std::chrono::seconds> granted = ParseLookupTtl(looked_up->body);
  if (!granted.ok()) co_return granted.status().Wrap("looking up the token of the Vault " + method);
  if (*granted + std::chrono::seconds(10) < increment) {
    spdlog::warn("FAILED to get TTL we asked for! Asked for: {}, Got: {}", increment.count(), granted->count());
  } else {
    spdlog::info("Successfully renewed token with Vault. New TTL: {}", granted->count());
  }
  AuthToken token;
  token.origin = TokenOrigin::kOwnLogin;
  token.ttl = *granted;
  token.renewable = grant->renewable;
  co_return token;
}

asio::awaitable<base::Result<AuthToken>> Authenticator::SharedToken() {
  const Config& config = client_.config();
  if (!config.token.empty()) {
    client_.set_token(config.token);
    AuthToken token;
    token.origin = TokenOrigin::kEnvironment;
    co_return token;
  }
  if (config.token_file.empty()) {
    base::Result<AuthToken> login = co_await Login(config.token_ttl);
    co_return login;
  }
  base::Result<AuthToken> shared = co_await SharedLogin();
  co_return shared;
}

asio::awaitable<base::Result<AuthToken>> Authenticator::SharedLogin() {
  const Config& config = client_.config();
  const std::string lock_path = config.token_file + ".lock";
  base::Result<FileLock> lock = co_await FileLock::Acquire(lock_path, base::After(lock_wait_));
  if (!lock.ok()) {
    if (lock.status().code() == base::StatusCode::kCancelled) co_return lock.status();
    spdlog::warn("Cannot take the token file lock ({}); checking the token file without it", lock.status().message());
  }

  const base::Result<std::string> cached = ReadFreshToken(config.token_file, config.token_ttl);
  if (cached.ok()) {
    client_.set_token(*cached);
    const base::Result<Reply> lookup = co_await client_.Get("auth/token/lookup-self");
    if (lookup.ok() && lookup->status == 200 && !lookup->body.empty()) {
      spdlog::info("Re-using Vault token from token file: {}", config.token_file);
      AuthToken token;
      token.origin = TokenOrigin::kTokenFile;
      const base::Result<std::chrono::seconds> ttl = ParseLookupTtl(lookup->body);
      if (ttl.ok()) token.ttl = *ttl;
      co_return token;
    }
    spdlog::warn("Retrieved token is not valid: {}. Re-logging in",
                 lookup.ok() ? "Vault answered " + std::to_string(lookup->status) : lookup.status().message());
  } else {
    spdlog::info("Not using the token file: {}; logging in", cached.status().message());
  }

  base::Result<AuthToken> login = co_await Login(config.token_ttl);
  if (!login.ok()) co_return login;
  const base::Status written = WriteTokenFile(config.token_file, client_.token());
  if (!written.ok()) {
    spdlog::warn("Cannot update the token file ({}); this executor keeps its login to itself", written.message());
    co_return login;
  }
  spdlog::info("Wrote the new Vault token to the token file {}", config.token_file);
  login->origin = TokenOrigin::kSharedLogin;
  co_return login;
}

asio::awaitable<base::Result<AuthToken>> Authenticator::ServiceToken(std::chrono::seconds ttl) {
  spdlog::info("Attempting to get a service-specific parent token with TTL to match requested AWS Role");
  base::Result<AuthToken> login = co_await Login(ttl);
  co_return login;
}

asio::awaitable<base::Result<std::chrono::seconds>> Authenticator::RenewSelf(std::chrono::seconds increment) {
  json::object body;
  body["increment"] = increment.count();
  const base::Result<Reply> renewed = co_await client_.Put("auth/token/renew-self", std::move(body));
  if (!renewed.ok()) co_return renewed.status().Wrap("renewing the Vault token");
  base::Result<TokenGrant> grant = ParseTokenGrant(renewed->body);
  if (!grant.ok()) co_return grant.status().Wrap("renewing the Vault token");
  co_return grant->ttl;
}

asio::awaitable<base::Status> Authenticator::RevokeSelf(base::Deadline limit) {
  json::object no_body;
  const base::Result<Reply> revoked = co_await client_.Put("auth/token/revoke-self", std::move(no_body), limit);
  if (!revoked.ok()) co_return revoked.status().Wrap("revoking the Vault token");
  client_.set_token("");
  co_return base::Status::Ok();
}

}  // namespace vault
