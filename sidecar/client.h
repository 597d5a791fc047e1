// Client: the executor's two calls to the Sidecar on its host, as upstream
// made them (upstream-behavior.md §6.1, §6.6; sidecar-api.md §2, §4):
//
//   Poll   GET EXECUTOR_SIDECAR_URL, up to RetryCount + 1 attempts with
//          RetryDelay between them, HttpTimeout for each; the body streams
//          into a StateDocumentReader as it arrives. As upstream, the HTTP
//          status is not looked at: any body is read (an error body then
//          simply lists no host).
//   Drain  POST /api/services/<id12>/drain on the scheme and host[:port] of
//          the same URL; 202 is success. Unlike upstream a 404 (Sidecar does
//          not know the service) is not retried (D28): it cannot change.
//
// Each attempt opens a fresh connection: one small exchange per poll
// interval, nothing held open between polls.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/deadline.h"
#include "base/status.h"
#include "net/endpoint.h"
#include "sidecar/state_document.h"

namespace sidecar {

struct ClientSettings {
  std::string state_url;                   // EXECUTOR_SIDECAR_URL
  std::chrono::nanoseconds http_timeout{};  // EXECUTOR_HTTP_TIMEOUT, per attempt
  int64_t retry_count = 0;                  // EXECUTOR_SIDECAR_RETRY_COUNT
  std::chrono::nanoseconds retry_delay{};   // EXECUTOR_SIDECAR_RETRY_DELAY
};

// Go took HttpTimeout 0 as "no timeout"; every wait here has a deadline, so
// 0 bounds each request at this instead (a minute: far beyond any healthy
// answer, short enough that a hung Sidecar cannot stall polls for long).
inline constexpr std::chrono::seconds kUnsetHttpTimeout{60};
std::chrono::nanoseconds EffectiveHttpTimeout(std::chrono::nanoseconds configured);

class Client {
 public:
  // Invalid when the URL is not http(s)://host[:port]/...
  static base::Result<Client> Create(ClientSettings settings);

  // One poll. A failed Result means every attempt failed (the message names
  // the count and the last error); otherwise what the document says.
  boost::asio::awaitable<base::Result<StateLookup>> Poll(StateDocumentReader& reader);

  // Sets the service DRAINING. Attempts are retried (RetryCount, RetryDelay)
  // only while another one can start before `budget`; each ends by it.
  boost::asio::awaitable<base::Status> Drain(std::string_view service_id, base::Deadline budget);

  const std::string& state_url() const { return settings_.state_url; }
  std::string DrainUrl(std::string_view service_id) const;

 private:
  Client(ClientSettings settings, net::HttpUrl url);
  boost::asio::awaitable<base::Status> FetchOnce(StateDocumentReader& reader, base::Deadline deadline);

  ClientSettings settings_;
  net::HttpUrl url_;
};

}  // namespace sidecar
