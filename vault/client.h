// Client: Vault's HTTP API as the executor uses it, on net::Fetch.
//
// Every call carries the token (X-Vault-Token) and namespace
// (X-Vault-Namespace) when set, has one deadline for all its attempts
// (VAULT_CLIENT_TIMEOUT, the newer Go client's meaning), is retried on
// transient failures only (retry_policy.h) and follows one redirect (a
// standby pointing at the active node), never from https to http.
// Failures name the method and path and what Vault said, never a request
// body, so they are safe to log and to put into a task's status.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <random>
#include <string>
#include <string_view>

#include "base/deadline.h"
#include "base/status.h"
#include "vault/config.h"

namespace vault {

// Told every secret value (token, secret, key) the moment it is known, so
// the executor can keep it out of everything it writes.
using SecretSink = std::function<void(std::string_view)>;

struct ClientOptions {
  // Retry n waits n × [base, 1.5 × base) (tests shorten it).
  std::chrono::nanoseconds retry_base = std::chrono::seconds(1);
  SecretSink on_secret;
};

struct Reply {
  unsigned status = 0;
  boost::json::object body;  // the envelope; empty for 204 and other empty bodies
};

class Client {
 public:
  explicit Client(Config config, ClientOptions options = {});

  const Config& config() const { return config_; }
  const std::string& token() const { return token_; }
  void set_token(std::string token);  // reported to on_secret
  void NoteSecret(std::string_view value) const;

  // One call to /v1/<path>. A status below 400 is a Reply (204 included);
  // 400 and above is an error with code NotFound (404), Unavailable
  // (retryable statuses, transport failures), Timeout, or Failed. `limit`
  // can only shorten the call's own deadline.
  boost::asio::awaitable<base::Result<Reply>> Call(boost::beast::http::verb method, std::string path,
                                                   std::string body = {}, base::Deadline limit = base::kNoDeadline);

  boost::asio::awaitable<base::Result<Reply>> Get(std::string path, base::Deadline limit = base::kNoDeadline);
  // Writes go out as PUT, like the Go client's (Vault treats PUT and POST alike).
  boost::asio::awaitable<base::Result<Reply>> Put(std::string path, boost::json::object body,
                                                  base::Deadline limit = base::kNoDeadline);

 private:
  Config config_;
  ClientOptions options_;
  std::string token_;
  std::minstd_rand random_;
};

}  // namespace vault
