// Client: the executor's two calls to the Sidecar on its host, as upstream
// made them (upstream-behavior.md §6.1, §6.6; sidecar-api.md §2, §4):
//
//   Poll   GET EXECUTOR_SIDECAR_URL, up to RetryCount + 1 attempts with
//          RetryDelay between them, HttpTimeout for each; the body streams
//          into a StateDocumentReader as it arrives. As upstream, the HTTP
//          status is not looked at: any body is read (an error body then
//          simply lists no host).
//          Unlike upstream, once that document has shown our service and
//          the Name it is filed under, polls ask for that name's instances
//          only (GET /api/services/<name>.json; service_instances.h): on a
//          large cluster the state is MBs for every executor every interval,
//          this a few hundred bytes. Whenever that answer does not list our
//          instance, the same attempt reads the full document, which decides
//          as before. Only for the URLs Sidecar serves the state at
//          (/state.json, /api/state.json, no query): any other URL is some
//          operator's own arrangement, and is polled as it is.
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
#include <optional>
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

  // One poll for `reader`'s service. A failed Result means every attempt
  // failed (the message names the count and the last error); otherwise what
  // Sidecar says.
  boost::asio::awaitable<base::Result<StateLookup>> Poll(StateDocumentReader& reader);

  // Sets the service DRAINING. Attempts are retried (RetryCount, RetryDelay)
  // only while another one can start before `budget`; each ends by it.
  boost::asio::awaitable<base::Status> Drain(std::string_view service_id, base::Deadline budget);

  const std::string& state_url() const { return settings_.state_url; }
  std::string DrainUrl(std::string_view service_id) const;
  // The service name polls ask for instead of the whole state; empty: none.
  const std::string& polled_name() const { return polled_name_; }

 private:
  Client(ClientSettings settings, net::HttpUrl url);
  // One attempt: our instance's list when we know its name, else (or when
  // that list lacks us) the whole state document.
  boost::asio::awaitable<base::Result<StateLookup>> PollOnce(StateDocumentReader& reader, base::Deadline deadline);
  boost::asio::awaitable<base::Status> FetchOnce(StateDocumentReader& reader, base::Deadline deadline);
  // Our instance's Status from polled_name_'s list; nothing when Sidecar
  // answered without it; failed when no answer came.
  boost::asio::awaitable<base::Result<std::optional<int64_t>>> FetchInstanceStatus(const ServiceKey& key,
                                                                                   base::Deadline deadline);
  void LearnName(const StateLookup& lookup, bool instances_missed);

  ClientSettings settings_;
  net::HttpUrl url_;
  bool may_ask_by_name_ = false;  // the URL is Sidecar's own state URL
  std::string polled_name_;
  std::string unservable_name_;  // listed in the state, but not served by name
};

}  // namespace sidecar
