#include "docker/client.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

#include "base/text_format.h"
#include "docker/api_error.h"
#include "docker/create_request.h"

namespace docker {
namespace asio = boost::asio;
namespace http = net::http;

namespace {

constexpr std::size_t kMaxErrorBody = 64 * 1024;
constexpr std::size_t kMaxWaitBody = 64 * 1024;
// Events carry every label of the container among their attributes.
constexpr std::size_t kMaxEventLine = 1024 * 1024;

std::string ContainerPath(std::string_view id, std::string_view rest) {
  return "/containers/" + base::PercentEncode(id) + std::string(rest);
}

net::Request NewRequest(http::verb method, std::string target) {
  net::Request request;
  request.method = method;
  request.target = std::move(target);
  return request;
}

bool IsSuccess(unsigned status) { return status >= 200 && status < 300; }

std::string DescribeDuration(base::Clock::duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

// Reads a streaming body to its end, keeping at most `max` bytes.
asio::awaitable<base::Result<std::string>> ReadBody(net::HttpConnection& connection,
                                                    base::Deadline deadline, std::size_t max) {
  std::string body;
  for (;;) {
    base::Result<std::string_view> piece = co_await connection.ReadSome(deadline);
    if (!piece.ok()) co_return piece.status();
    if (piece->empty()) co_return body;
    body.append(piece->substr(0, max - std::min(max, body.size())));
  }
}

// The error for a streaming response that is not 2xx: its body is Docker's message.
asio::awaitable<base::Status> StreamError(std::string_view step, unsigned status,
                                          net::HttpConnection& connection, base::Deadline deadline) {
  base::Result<std::string> body = co_await ReadBody(connection, deadline, kMaxErrorBody);
  co_return ErrorFromResponse(step, status, body.ok() ? *body : std::string());
}

// The parsed body of a successful Call; parse failures name the step.
template <typename T>
base::Result<T> ParseWith(std::string_view step, const base::Result<net::Response>& response,
                          base::Result<T> (*parse)(std::string_view)) {
  if (!response.ok()) return response.status();
  base::Result<T> parsed = parse(response->body);
  if (!parsed.ok()) return parsed.status().Wrap(step);
  return parsed;
}

// Docker's attribute values are strings: {"exitCode": "137"}.
std::optional<int> IntAttribute(const boost::json::object& attributes, std::string_view key) {
  const boost::json::value* value = attributes.if_contains(key);
  if (!value || !value->is_string()) return std::nullopt;
  const boost::json::string& text = value->get_string();
  int number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

// One line of the events stream; nullopt for what is not a container event.
std::optional<ContainerEvent> ParseContainerEvent(std::string_view line) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(line, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const boost::json::object& object = parsed.get_object();
  const boost::json::value* action = object.if_contains("Action");
  if (!action || !action->is_string()) return std::nullopt;
  ContainerEvent event;
  event.action = action->get_string();
  if (const boost::json::value* time = object.if_contains("timeNano"); time && time->is_int64()) {
    event.time_nano = time->get_int64();
  }
  const boost::json::value* actor = object.if_contains("Actor");
  const boost::json::value* attributes = actor && actor->is_object() ? actor->get_object().if_contains("Attributes")
                                                                     : nullptr;
  if (attributes && attributes->is_object()) {
    event.signal = IntAttribute(attributes->get_object(), "signal");
    event.exit_code = IntAttribute(attributes->get_object(), "exitCode");
  }
  return event;
}

}  // namespace

struct Client::Stream {
  std::unique_ptr<net::HttpConnection> connection;
  net::ResponseHead head;
};

// --- ExitWaiter -------------------------------------------------------------

ExitWaiter::ExitWaiter(std::unique_ptr<net::HttpConnection> connection, std::string step)
    : connection_(std::move(connection)), step_(std::move(step)) {}

ExitWaiter::~ExitWaiter() = default;

asio::awaitable<base::Result<ExitStatus>> ExitWaiter::Result() {
  if (!connection_) co_return base::Status::Failed(step_ + ": result already read");
  // The frame owns what it reads from, so the waiter may go away meanwhile.
  std::unique_ptr<net::HttpConnection> connection = std::move(connection_);
  const std::string step = step_;
  base::Result<std::string> body = co_await ReadBody(*connection, base::kNoDeadline, kMaxWaitBody);
  if (!body.ok()) co_return body.status().Wrap(step);
  base::Result<ExitStatus> exit = ParseExitStatus(*body);
  if (!exit.ok()) co_return exit.status().Wrap(step);
  co_return exit;
}

// --- Client plumbing ----------------------------------------------------------

Client::Client(net::Endpoint endpoint, base::Clock::duration call_timeout)
    : endpoint_(std::move(endpoint)), call_timeout_(call_timeout) {}

asio::awaitable<base::Status> Client::Negotiate() {
  const std::string step = "negotiate API version with Docker at " + endpoint_.ToString();
  net::Request request = NewRequest(http::verb::get, "/_ping");
  base::Result<net::Response> response = co_await net::Fetch(endpoint_, request, CallDeadline());
  if (!response.ok()) co_return response.status().Wrap(step);
  if (response->status != 200) co_return ErrorFromResponse(step, response->status, response->body);
  std::optional<std::string_view> announced;
  if (auto it = response->fields.find("Api-Version"); it != response->fields.end()) {
    announced = it->value();
  }
  base::Result<ApiVersion> chosen = ChooseApiVersion(announced);
  if (!chosen.ok()) co_return chosen.status().Wrap(step);
  version_ = *chosen;
  co_return base::Status::Ok();
}

asio::awaitable<base::Status> Client::EnsureNegotiated() {
  if (version_) co_return base::Status::Ok();
  co_return co_await Negotiate();
}

std::string Client::Versioned(std::string_view path) const {
  return "/v" + version_->ToString() + std::string(path);
}

asio::awaitable<base::Result<net::Response>> Client::Call(std::string_view step,
                                                          net::Request request,
                                                          base::Deadline deadline, unsigned success,
                                                          unsigned also_success) {
  const base::Status negotiated = co_await EnsureNegotiated();
  if (!negotiated.ok()) co_return negotiated.Wrap(step);
  request.target = Versioned(request.target);
  base::Result<net::Response> response = co_await net::Fetch(endpoint_, request, deadline);
  if (!response.ok()) co_return response.status().Wrap(step);
  if (response->status != success && response->status != also_success) {
    co_return ErrorFromResponse(step, response->status, response->body);
  }
  co_return response;
}

asio::awaitable<base::Result<Client::Stream>> Client::Open(net::Request request,
                                                           base::Deadline deadline) {
  const base::Status negotiated = co_await EnsureNegotiated();
  if (!negotiated.ok()) co_return negotiated;
  request.target = Versioned(request.target);
  base::Result<std::unique_ptr<net::HttpConnection>> connection =
      co_await net::HttpConnection::Connect(endpoint_, deadline);
  if (!connection.ok()) co_return connection.status();
  base::Result<net::ResponseHead> head = co_await (*connection)->SendStreaming(request, deadline);
  if (!head.ok()) co_return head.status();
  co_return Stream{std::move(connection).value(), std::move(head).value()};
}

// --- Images -------------------------------------------------------------------

asio::awaitable<base::Result<ImageInfo>> Client::InspectImage(std::string image) {
  const std::string step = "inspect image " + image;
  net::Request request = NewRequest(http::verb::get, "/images/" + base::PercentEncode(image, ":/@") + "/json");
  base::Result<net::Response> response = co_await Call(step, std::move(request), CallDeadline(), 200);
  co_return ParseWith(step, std::move(response), ParseImageInfo);
}

asio::awaitable<base::Status> Client::PullOnce(const ImageReference& image,
                                               const std::string& registry_auth,
                                               const PullProgressHandler& progress,
                                               base::Clock::duration stall_timeout) {
  net::Request request =
      NewRequest(http::verb::post, "/images/create?fromImage=" + base::PercentEncode(image.Repository()) +
                                       "&tag=" + base::PercentEncode(image.PullTag()));
  request.headers.emplace_back("X-Registry-Auth", registry_auth);
  auto stalled = [&] {
    return base::Status::Timeout("stalled: nothing received for " +
                                 DescribeDuration(stall_timeout));
  };
  // Negotiated first, so that a timeout below is the stall of this pull.
  const base::Status negotiated = co_await EnsureNegotiated();
  if (!negotiated.ok()) co_return negotiated;

  base::Result<Stream> stream = co_await Open(std::move(request), base::After(stall_timeout));
  if (!stream.ok()) {
    co_return stream.status().code() == base::StatusCode::kTimeout ? stalled() : stream.status();
  }
  net::HttpConnection& connection = *stream->connection;
  if (!IsSuccess(stream->head.status)) {
    base::Result<std::string> body = co_await ReadBody(connection, CallDeadline(), kMaxErrorBody);
    co_return PullFailure(image.domain, stream->head.status, DockerMessage(body.ok() ? *body : std::string()));
  }
  PullProgressParser parser(progress);
  for (;;) {
    base::Result<std::string_view> piece = co_await connection.ReadSome(base::After(stall_timeout));
    if (!piece.ok()) {
      co_return piece.status().code() == base::StatusCode::kTimeout ? stalled() : piece.status();
    }
    // In-stream errors arrive with Docker's words and PullFailureCode's code.
    const base::Status fed = piece->empty() ? parser.Finish() : parser.Feed(*piece);
    if (!fed.ok() && IsAuthenticationFailure(fed.message())) co_return PullFailure(image.domain, 0, fed.message());
    if (!fed.ok() || piece->empty()) co_return fed;
  }
}

asio::awaitable<base::Status> Client::Pull(ImageReference image, std::string registry_auth,
                                           PullProgressHandler progress,
                                           base::Clock::duration stall_timeout) {
  base::Status status = co_await PullOnce(image, registry_auth, progress, stall_timeout);
  co_return status.Wrap("pull image " + image.PullName());
}

asio::awaitable<base::Status> Client::PullWithRetry(ImageReference image, std::string registry_auth,
                                                    PullProgressHandler progress,
                                                    base::Clock::duration stall_timeout,
                                                    RetryPolicy retry) {
  const std::string step = "pull image " + image.PullName();
  std::string attempts_text;
  base::Clock::duration backoff = retry.first_backoff;
  const int max_attempts = std::max(retry.attempts, 1);
  base::Status status;
  int attempt = 0;
  while (attempt < max_attempts) {
    ++attempt;
    status = co_await PullOnce(image, registry_auth, progress, stall_timeout);
    if (status.ok()) co_return status;
    attempts_text +=
        (attempt > 1 ? "; #" : "#") + std::to_string(attempt) + ": " + status.message();
    if (!status.transient() || attempt == max_attempts) break;
    const bool slept = co_await base::SleepUntil(base::After(backoff));
    if (!slept) {
      status = base::Status::Cancelled("cancelled while waiting to retry");
      attempts_text += "; cancelled while waiting to retry";
      break;
    }
    backoff = std::min(backoff * 2, retry.max_backoff);
  }
  if (attempt == 1) co_return status.Wrap(step);
  co_return base::Status::Error(
      status.code(), step + ": " + std::to_string(attempt) + " attempts failed: " + attempts_text);
}

// --- Containers ---------------------------------------------------------------

asio::awaitable<base::Result<std::string>> Client::Create(ContainerConfig config) {
  const std::string step = "create container " + (config.name.empty() ? "(unnamed)" : config.name);
  // Docker accepts a body without Image and fails only at start.
  if (config.image.empty()) co_return base::Status::Invalid(step + ": no image given");
  net::Request request = NewRequest(http::verb::post, "/containers/create");
  if (!config.name.empty()) request.target += "?name=" + base::PercentEncode(config.name);
  request.content_type = "application/json";
  request.body = boost::json::serialize(CreateRequestBody(config));
  base::Result<net::Response> response = co_await Call(step, std::move(request), CallDeadline(), 201);
  co_return ParseWith(step, std::move(response), ParseCreatedId);
}

asio::awaitable<base::Result<ExitWaiter>> Client::WaitForExit(std::string id,
                                                              WaitCondition condition) {
  const std::string step = "wait for container " + id;
  const char* name = condition == WaitCondition::kNextExit ? "next-exit" : "not-running";
  net::Request request = NewRequest(http::verb::post, ContainerPath(id, "/wait?condition=") + name);
  // The head comes once the wait is registered; the body at the exit.
  base::Result<Stream> stream = co_await Open(std::move(request), CallDeadline());
  if (!stream.ok()) co_return stream.status().Wrap(step);
  if (!IsSuccess(stream->head.status)) {
    co_return co_await StreamError(step, stream->head.status, *stream->connection, CallDeadline());
  }
  co_return ExitWaiter(std::move(stream->connection), step);
}

asio::awaitable<base::Status> Client::Start(std::string id) {
  const std::string step = "start container " + id;
  net::Request request = NewRequest(http::verb::post, ContainerPath(id, "/start"));
  const base::Result<net::Response> response = co_await Call(step, std::move(request), CallDeadline(), 204, 304);
  co_return response.status();
}

asio::awaitable<base::Status> Client::Stop(std::string id, std::chrono::seconds grace) {
  const std::string step = "stop container " + id;
  net::Request request =
      NewRequest(http::verb::post, ContainerPath(id, "/stop?t=" + std::to_string(grace.count())));
  const base::Result<net::Response> response =
      co_await Call(step, std::move(request), base::After(grace + call_timeout_), 204, 304);
  co_return response.status();
}

asio::awaitable<base::Status> Client::Kill(std::string id, std::string signal) {
  const std::string step = "kill container " + id + " with " + signal;
  net::Request request =
      NewRequest(http::verb::post, ContainerPath(id, "/kill?signal=" + base::PercentEncode(signal)));
  const base::Result<net::Response> response = co_await Call(step, std::move(request), CallDeadline(), 204);
  co_return response.status();
}

asio::awaitable<base::Result<ContainerState>> Client::Inspect(std::string id) {
  const std::string step = "inspect container " + id;
  net::Request request = NewRequest(http::verb::get, ContainerPath(id, "/json"));
  base::Result<net::Response> response = co_await Call(step, std::move(request), CallDeadline(), 200);
  co_return ParseWith(step, std::move(response), ParseContainerState);
}

asio::awaitable<base::Status> Client::Remove(std::string id, bool force, bool remove_volumes) {
  const std::string step = "remove container " + id;
  net::Request request = NewRequest(http::verb::delete_,
                                    ContainerPath(id, std::string("?force=") + (force ? "1" : "0") +
                                                          "&v=" + (remove_volumes ? "1" : "0")));
  const base::Result<net::Response> response = co_await Call(step, std::move(request), CallDeadline(), 204);
  co_return response.status();
}

asio::awaitable<base::Result<LogsOutcome>> Client::Logs(std::string id, LogsOptions options,
                                                        LogLineHandler handler) {
  const std::string step = "read logs of container " + id;
  std::string target = ContainerPath(id, "/logs?stdout=1&stderr=1");
  if (options.follow) target += "&follow=1";
  if (options.since_unix_seconds > 0) {
    target += "&since=" + std::to_string(options.since_unix_seconds);
  }
  base::Result<Stream> stream =
      co_await Open(NewRequest(http::verb::get, std::move(target)), CallDeadline());
  if (!stream.ok()) co_return stream.status().Wrap(step);
  net::HttpConnection& connection = *stream->connection;
  if (stream->head.status == 501) {
    co_await ReadBody(connection, CallDeadline(), kMaxErrorBody);
    co_return LogsOutcome::kNotReadable;
  }
  if (!IsSuccess(stream->head.status)) {
    co_return co_await StreamError(step, stream->head.status, connection, CallDeadline());
  }

  bool raw = options.tty;
  if (auto it = stream->head.fields.find(http::field::content_type);
      it != stream->head.fields.end()) {
    if (it->value().starts_with("application/vnd.docker.raw-stream")) raw = true;
    if (it->value().starts_with("application/vnd.docker.multiplexed-stream")) raw = false;
  }
  LogDemuxer demuxer(raw ? LogDemuxer::Framing::kRaw : LogDemuxer::Framing::kMultiplexed,
                     std::move(handler), options.max_line);
  for (;;) {
    const base::Deadline deadline = options.follow ? base::kNoDeadline : CallDeadline();
    base::Result<std::string_view> piece = co_await connection.ReadSome(deadline);
    if (!piece.ok()) {
      demuxer.Finish();  // deliver what arrived before the failure
      co_return piece.status().Wrap(step);
    }
    if (piece->empty()) break;
    if (base::Status fed = demuxer.Feed(*piece); !fed.ok()) co_return fed.Wrap(step);
  }
  if (base::Status finished = demuxer.Finish(); !finished.ok()) co_return finished.Wrap(step);
  co_return LogsOutcome::kComplete;
}

asio::awaitable<base::Status> Client::Events(std::string id, int64_t since_unix_nano,
                                             ContainerEventHandler handler) {
  const std::string step = "follow events of container " + id;
  const std::string filters = boost::json::serialize(
      boost::json::object{{"container", boost::json::array{boost::json::value(id)}},
                          {"type", boost::json::array{"container"}}});
  std::string nanos = std::to_string(since_unix_nano % 1'000'000'000);
  nanos.insert(0, 9 - nanos.size(), '0');
  const std::string since = std::to_string(since_unix_nano / 1'000'000'000) + "." + nanos;
  net::Request request =
      NewRequest(http::verb::get, "/events?since=" + since + "&filters=" + base::PercentEncode(filters));
  base::Result<Stream> stream = co_await Open(std::move(request), CallDeadline());
  if (!stream.ok()) co_return stream.status().Wrap(step);
  net::HttpConnection& connection = *stream->connection;
  if (!IsSuccess(stream->head.status)) {
    co_return co_await StreamError(step, stream->head.status, connection, CallDeadline());
  }
  // Docker writes one JSON object per line.
  std::string pending;
  for (;;) {
    base::Result<std::string_view> piece = co_await connection.ReadSome(base::kNoDeadline);
    if (!piece.ok()) co_return piece.status().Wrap(step);
    if (piece->empty()) co_return base::Status::Unavailable(step + ": Docker closed the event stream");
    pending.append(*piece);
    std::size_t begin = 0;
    for (std::size_t end = pending.find('\n'); end != std::string::npos; end = pending.find('\n', begin)) {
      const std::string_view line = std::string_view(pending).substr(begin, end - begin);
      if (const std::optional<ContainerEvent> event = ParseContainerEvent(line)) handler(*event);
      begin = end + 1;
    }
    pending.erase(0, begin);
    // A line this long is no event of ours; its end will not parse either.
    if (pending.size() > kMaxEventLine) pending.clear();
  }
}

asio::awaitable<base::Result<std::vector<ContainerSummary>>> Client::ListContainers(
    std::vector<std::string> labels) {
  const std::string step = "list containers";
  std::string target = "/containers/json?all=1";
  if (!labels.empty()) {
    boost::json::array values;
    for (std::string& label : labels) values.emplace_back(std::move(label));
    target += "&filters=" +
              base::PercentEncode(boost::json::serialize(boost::json::object{{"label", std::move(values)}}));
  }
  net::Request request = NewRequest(http::verb::get, std::move(target));
  base::Result<net::Response> response = co_await Call(step, std::move(request), CallDeadline(), 200);
  co_return ParseWith(step, std::move(response), ParseContainerList);
}

}  // namespace docker
