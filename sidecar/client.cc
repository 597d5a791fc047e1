#include "sidecar/client.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/text_format.h"
#include "net/http_client.h"
#include "sidecar/service_instances.h"

namespace sidecar {

namespace asio = boost::asio;

namespace {

// A drain answer is a one-line message; anything bigger is not Sidecar.
constexpr std::size_t kMaxDrainBody = 64 * 1024;
// One name's instances are a few hundred bytes each; a list beyond this is
// not worth reading twice (the full document follows a failed read anyway).
constexpr std::size_t kMaxInstancesBody = 4 * 1024 * 1024;

bool IsSidecarStateTarget(std::string_view target) { return target == "/state.json" || target == "/api/state.json"; }

}  // namespace

std::chrono::nanoseconds EffectiveHttpTimeout(std::chrono::nanoseconds configured) {
  return configured > std::chrono::nanoseconds(0) ? configured : std::chrono::nanoseconds(kUnsetHttpTimeout);
}

base::Result<Client> Client::Create(ClientSettings settings) {
  base::Result<net::HttpUrl> url = net::ParseHttpUrl(settings.state_url);
  if (!url.ok()) return url.status().Wrap("EXECUTOR_SIDECAR_URL");
  return Client(std::move(settings), std::move(url).value());
}

Client::Client(ClientSettings settings, net::HttpUrl url)
    : settings_(std::move(settings)), url_(std::move(url)), may_ask_by_name_(IsSidecarStateTarget(url_.target)) {}

std::string Client::DrainUrl(std::string_view service_id) const {
  return url_.endpoint.ToString() + "/api/services/" + std::string(service_id) + "/drain";
}

asio::awaitable<base::Status> Client::FetchOnce(StateDocumentReader& reader, base::Deadline deadline) {
  base::Result<std::unique_ptr<net::HttpConnection>> connection =
      co_await net::HttpConnection::Connect(url_.endpoint, deadline);
  if (!connection.ok()) co_return connection.status();
  net::Request request;
  request.target = url_.target;
  const base::Result<net::ResponseHead> head = co_await (*connection)->SendStreaming(request, deadline);
  if (!head.ok()) co_return head.status();
  for (;;) {
    const base::Result<std::string_view> piece = co_await (*connection)->ReadSome(deadline);
    if (!piece.ok()) co_return piece.status();
    if (piece->empty()) co_return base::Status::Ok();
    reader.Feed(*piece);  // an undecodable document is still read to its end, as upstream did
  }
}

asio::awaitable<base::Result<std::optional<int64_t>>> Client::FetchInstanceStatus(const ServiceKey& key,
                                                                                    base::Deadline deadline) {
  net::Request request;
  request.target = "/api/services/" + base::PercentEncode(polled_name_) + ".json";
  const base::Result<net::Response> response = co_await net::Fetch(url_.endpoint, request, deadline, kMaxInstancesBody);
  if (!response.ok()) co_return response.status();
  if (response->status != 200) co_return std::optional<int64_t>();
  co_return sidecar::FindInstanceStatus(response->body, polled_name_, key);
}

void Client::LearnName(const StateLookup& lookup, bool instances_missed) {
  if (!may_ask_by_name_) return;
  if (lookup.outcome != StateLookup::Outcome::kFound || lookup.name.empty() || lookup.name == unservable_name_) {
    polled_name_.clear();
    return;
  }
  if (instances_missed && lookup.name == polled_name_) {
    // Both answers came moments apart: Sidecar lists us under a name it
    // cannot look up (Sidecar's router takes no '/' in it, say).
    spdlog::info("Sidecar does not answer for service name '{}' on its own; polling the whole state", lookup.name);
    unservable_name_ = lookup.name;
    polled_name_.clear();
    return;
  }
  if (lookup.name != polled_name_) {
    spdlog::info("Sidecar lists this task as service '{}': polling {}/api/services/{}.json from now on",
                 lookup.name, url_.endpoint.ToString(), base::PercentEncode(lookup.name));
    polled_name_ = lookup.name;
  }
}

asio::awaitable<base::Result<StateLookup>> Client::PollOnce(StateDocumentReader& reader, base::Deadline deadline) {
  bool instances_missed = false;
  if (!polled_name_.empty()) {
    const base::Result<std::optional<int64_t>> instance = co_await FetchInstanceStatus(reader.key(), deadline);
    if (!instance.ok()) co_return instance.status();
    if (instance->has_value()) {
      StateLookup found;
      found.outcome = StateLookup::Outcome::kFound;
      found.status = **instance;
      found.name = polled_name_;
      co_return found;
    }
    instances_missed = true;
  }
  const base::Status fetched = co_await FetchOnce(reader, deadline);
  StateLookup lookup = reader.Finish();  // after a failed fetch: discards the partial document
  if (!fetched.ok()) co_return fetched;
  LearnName(lookup, instances_missed);
  co_return lookup;
}

asio::awaitable<base::Result<StateLookup>> Client::Poll(StateDocumentReader& reader) {
  const int64_t attempts = std::max<int64_t>(settings_.retry_count, 0) + 1;
  const auto timeout = EffectiveHttpTimeout(settings_.http_timeout);
  base::Status last;
  for (int64_t attempt = 1;; ++attempt) {
    base::Result<StateLookup> polled = co_await PollOnce(reader, base::After(timeout));
    if (polled.ok()) co_return polled;
    last = polled.status();
    spdlog::debug("Failed {} attempts to fetch state from Sidecar! ({})", attempt, last.message());
    if (attempt >= attempts) break;
    const bool slept = co_await base::SleepUntil(base::After(settings_.retry_delay));
    if (!slept) break;  // cancelled
  }
  co_return base::Status::Error(last.code(), std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts") +
                                                 " to GET " + settings_.state_url + " failed; last: " + last.message());
}

asio::awaitable<base::Status> Client::Drain(std::string_view service_id, base::Deadline budget) {
  const int64_t attempts = std::max<int64_t>(settings_.retry_count, 0) + 1;
  const auto timeout = EffectiveHttpTimeout(settings_.http_timeout);
  net::Request request;
  request.method = net::http::verb::post;
  request.target = "/api/services/" + std::string(service_id) + "/drain";
  base::Status last;
  int64_t attempt = 1;
  for (;; ++attempt) {
    const base::Deadline deadline = std::min(base::After(timeout), budget);
    const base::Result<net::Response> response = co_await net::Fetch(url_.endpoint, request, deadline, kMaxDrainBody);
    if (response.ok() && response->status == 202) co_return base::Status::Ok();
    if (response.ok() && response->status == 404) {
      co_return base::Status::NotFound("Sidecar does not know the service: " + net::DescribeFailure(request, *response));
    }
    last = response.ok() ? base::Status::Failed(net::DescribeFailure(request, *response)) : response.status();
    spdlog::warn("Failed {} attempts to set service to DRAINING in Sidecar! ({})", attempt, last.message());
    if (attempt >= attempts || base::After(settings_.retry_delay) >= budget) break;
    const bool slept = co_await base::SleepUntil(base::After(settings_.retry_delay));
    if (!slept) break;
  }
  co_return base::Status::Error(last.code(), std::to_string(attempt) + (attempt == 1 ? " attempt" : " attempts") +
                                                 " to POST " + DrainUrl(service_id) + " failed; last: " + last.message());
}

}  // namespace sidecar
