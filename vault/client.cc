#include "vault/client.h"

#include <boost/json/serialize.hpp>

#include "net/http_client.h"
#include "vault/api_path.h"
#include "vault/responses.h"
#include "vault/retry_policy.h"

namespace vault {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr int kMaxRedirects = 1;

bool IsRedirect(unsigned status) { return status == 301 || status == 302 || status == 307; }

base::StatusCode StatusCodeForAnswer(unsigned status) {
  if (status == 404) return base::StatusCode::kNotFound;
  if (IsRetryableStatus(status)) return base::StatusCode::kUnavailable;
  return base::StatusCode::kFailed;
}

// Where a redirect points, with our TLS settings; never https -> http.
base::Result<net::HttpUrl> RedirectTarget(const net::Endpoint& from, std::string_view location) {
  base::Result<net::HttpUrl> url = net::ParseHttpUrl(location);
  if (!url.ok()) return url.status();
  if (from.tls && !url->endpoint.tls) return base::Status::Failed("refusing a redirect from https to http");
  if (url->endpoint.tls && from.tls) url->endpoint.tls = from.tls;
  return url;
}

}  // namespace

Client::Client(Config config, ClientOptions options)
    : config_(std::move(config)), options_(std::move(options)), random_(std::random_device{}()) {
  set_token(config_.token);
}

void Client::set_token(std::string token) {
  NoteSecret(token);
  token_ = std::move(token);
}

void Client::NoteSecret(std::string_view value) const {
  if (options_.on_secret && !value.empty()) options_.on_secret(value);
}

asio::awaitable<base::Result<Reply>> Client::Get(std::string path, base::Deadline limit) {
  base::Result<Reply> reply = co_await Call(http::verb::get, std::move(path), std::string(), limit);
  co_return reply;
}

asio::awaitable<base::Result<Reply>> Client::Put(std::string path, boost::json::object body, base::Deadline limit) {
  std::string text = boost::json::serialize(body);
  base::Result<Reply> reply = co_await Call(http::verb::put, std::move(path), std::move(text), limit);
  co_return reply;
}

asio::awaitable<base::Result<Reply>> Client::Call(http::verb method, std::string path, std::string body,
                                                  base::Deadline limit) {
  const base::Deadline deadline = std::min(limit, base::After(config_.timeout));
  net::Request request;
  request.method = method;
  request.target = config_.path_prefix + "/v1/" + EncodePath(CleanPath(path));
  request.body = std::move(body);
  if (!request.body.empty()) request.content_type = "application/json";
  if (!token_.empty()) request.headers.emplace_back("X-Vault-Token", token_);
  if (!config_.namespace_path.empty()) request.headers.emplace_back("X-Vault-Namespace", config_.namespace_path);
  const std::string what = std::string(http::to_string(method)) + " " + request.target;

  net::Endpoint endpoint = config_.endpoint;
  const int attempts = 1 + config_.max_retries;
  int redirects = 0;
  int tried = 0;
  base::StatusCode code = base::StatusCode::kUnavailable;
  std::string problem = "Vault at " + config_.address + " was not tried before the deadline";
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) {
      const double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
      const base::Deadline wake = base::Clock::now() + RetryBackoff(attempt - 1, options_.retry_base, jitter);
      if (wake >= deadline) break;
      const bool slept = co_await base::SleepUntil(wake);
      if (!slept) co_return base::Status::Cancelled("cancelled (" + what + ")");
    }
    tried = attempt;
    base::Result<net::Response> response = co_await net::Fetch(endpoint, request, deadline);
    if (!response.ok()) {
      code = response.status().code();
      problem = "Vault at " + endpoint.ToString() + ": " + response.status().message();
      if (code == base::StatusCode::kCancelled || code == base::StatusCode::kTimeout) break;
      continue;  // connection refused, reset, TLS trouble: worth another attempt
    }
    const unsigned status = response->status;
    if (IsRedirect(status) && redirects < kMaxRedirects) {
      base::Result<net::HttpUrl> target = RedirectTarget(endpoint, response->fields["Location"]);
      if (!target.ok()) co_return target.status().Wrap("Vault redirect (" + what + ")");
      endpoint = target->endpoint;
      request.target = target->target;
      ++redirects;
      --attempt;  // redirects are not retries
      continue;
    }
    if (status >= 400) {
      code = StatusCodeForAnswer(status);
      problem = DescribeError(status, response->body);
      if (IsRetryableStatus(status)) continue;
      break;
    }
    Reply reply{status, {}};
    if (!response->body.empty()) {
      base::Result<boost::json::object> envelope = ParseEnvelope(response->body);
      if (!envelope.ok()) co_return envelope.status().Wrap(what);
      reply.body = std::move(envelope).value();
    }
    co_return reply;
  }
  const std::string attempts_note = tried > 1 ? ", " + std::to_string(tried) + " attempts" : "";
  co_return base::Status::Error(code, problem + " (" + what + attempts_note + ")");
}

}  // namespace vault
