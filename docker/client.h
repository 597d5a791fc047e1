// docker::Client: the Engine API calls the executor, its tests and the
// benchmarks need, as coroutines on the caller's io_context.
//
// Each call opens its own connection (a Unix-socket connect is cheap), so
// calls may run concurrently and a cancelled call cannot poison another.
// Every call ends by a deadline, the per-call timeout unless noted; the two
// exceptions are bodies that legitimately last as long as the container
// (a wait's result, followed logs, followed events), which the caller ends
// by cancelling.
// The client makes no policy decisions and logs nothing: it returns data,
// and failures as Status values whose messages name the step and carry
// Docker's own words.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "docker/api_version.h"
#include "docker/container_config.h"
#include "docker/image_reference.h"
#include "docker/log_demux.h"
#include "docker/pull_progress.h"
#include "docker/responses.h"
#include "base/deadline.h"
#include "net/endpoint.h"
#include "net/http_client.h"

namespace docker {

using PullProgressHandler = PullProgressParser::Handler;
using LogLineHandler = LogDemuxer::LineHandler;

enum class WaitCondition {
  kNextExit,    // the next exit, even if the container is stopped now: register before Start
  kNotRunning,  // now if not running (a never-started container gives 0), else the exit
};

struct RetryPolicy {
  int attempts = 5;
  base::Clock::duration first_backoff = std::chrono::seconds(1);  // doubled after each failure
  base::Clock::duration max_backoff = std::chrono::seconds(16);
};

struct LogsOptions {
  int64_t since_unix_seconds = 0;  // 0: from the first record
  // Keep reading until the container stops. The body then has no deadline:
  // a quiet container may log nothing for days.
  bool follow = false;
  // The container's Config.Tty: raw stream instead of frames. Daemons from
  // API 1.42 say so in Content-Type, which then takes precedence.
  bool tty = false;
  std::size_t max_line = kDefaultMaxLogLine;
};

// One entry of GET /events about a container.
struct ContainerEvent {
  std::string action;            // "kill", "oom", "die", "stop", "start", ...
  std::optional<int> signal;     // kill: Actor.Attributes.signal
  std::optional<int> exit_code;  // die: Actor.Attributes.exitCode
  int64_t time_nano = 0;         // timeNano
};
using ContainerEventHandler = std::function<void(const ContainerEvent&)>;

enum class LogsOutcome {
  kComplete,     // the body ended (with follow: the container stopped)
  kNotReadable,  // 501: the log driver cannot be read back; not a container failure
};

// A registered wait: Docker has accepted the wait request (its response
// head arrived), so an exit from now on will be reported.
class ExitWaiter {
 public:
  ExitWaiter(ExitWaiter&&) = default;
  ExitWaiter& operator=(ExitWaiter&&) = default;
  ~ExitWaiter();

  // Awaits the exit; no deadline, it may take days. End it early through
  // Asio cancellation (-> kCancelled), or by destroying the waiter before
  // awaiting (which closes the connection). Can be awaited once.
  boost::asio::awaitable<base::Result<ExitStatus>> Result();

 private:
  friend class Client;
  ExitWaiter(std::unique_ptr<net::HttpConnection> connection, std::string step);

  std::unique_ptr<net::HttpConnection> connection_;
  std::string step_;
};

class Client {
 public:
  explicit Client(net::Endpoint endpoint,
                  base::Clock::duration call_timeout = std::chrono::seconds(30));

  // GET /_ping and pick the API version (ChooseApiVersion); refuses daemons
  // below 1.30. Other calls negotiate on first use if this was not called.
  boost::asio::awaitable<base::Status> Negotiate();
  std::optional<ApiVersion> api_version() const { return version_; }

  // `image` as Docker resolves it: a reference or an image ID. NotFound when absent.
  boost::asio::awaitable<base::Result<ImageInfo>> InspectImage(std::string image);

  // POST /images/create for exactly image.PullName(). `registry_auth` is the
  // X-Registry-Auth value ("e30=" = anonymous). `progress` sees per-layer
  // status changes. `stall_timeout` bounds the wait for each piece of the
  // response (its head included), not the whole pull. Codes: see
  // PullFailureCode; a stall is kTimeout.
  boost::asio::awaitable<base::Status> Pull(ImageReference image, std::string registry_auth,
                                            PullProgressHandler progress,
                                            base::Clock::duration stall_timeout);
  // Pull, retried with exponential backoff while failures are transient
  // (Unavailable, Timeout). A failure over several attempts lists each one.
  boost::asio::awaitable<base::Status> PullWithRetry(ImageReference image,
                                                     std::string registry_auth,
                                                     PullProgressHandler progress,
                                                     base::Clock::duration stall_timeout,
                                                     RetryPolicy retry = {});

  // The new container's id. kConflict when the name is taken, NotFound when
  // the image is absent (create never pulls).
  boost::asio::awaitable<base::Result<std::string>> Create(ContainerConfig config);

  // Returns once the wait is registered; see ExitWaiter.
  boost::asio::awaitable<base::Result<ExitWaiter>> WaitForExit(
      std::string id, WaitCondition condition = WaitCondition::kNextExit);

  boost::asio::awaitable<base::Status> Start(std::string id);  // already running is ok
  // Stop signal, `grace` seconds, then SIGKILL; returns after the exit.
  // Already stopped is ok. Deadline: grace + the call timeout.
  boost::asio::awaitable<base::Status> Stop(std::string id, std::chrono::seconds grace);
  // `signal` as Docker accepts it: "SIGKILL", "KILL", "9". kConflict when
  // the container is not running.
  boost::asio::awaitable<base::Status> Kill(std::string id, std::string signal = "SIGKILL");
  boost::asio::awaitable<base::Result<ContainerState>> Inspect(std::string id);
  boost::asio::awaitable<base::Status> Remove(std::string id, bool force, bool remove_volumes);

  // Lines of stdout and stderr, in the order Docker delivers them. Without
  // follow, each read is bounded by the call timeout.
  boost::asio::awaitable<base::Result<LogsOutcome>> Logs(std::string id, LogsOptions options,
                                                         LogLineHandler handler);

  // Docker's events about container `id`, from `since_unix_nano` on: earlier
  // ones are replayed first, so nothing between the create and this call is
  // missed. The body has no deadline, it lasts as long as the container;
  // it ends when the caller cancels (kCancelled) or the daemon closes the
  // stream (kUnavailable: the daemon is going away).
  boost::asio::awaitable<base::Status> Events(std::string id, int64_t since_unix_nano,
                                              ContainerEventHandler handler);

  // All containers (running or not) carrying every label given ("key" or
  // "key=value").
  boost::asio::awaitable<base::Result<std::vector<ContainerSummary>>> ListContainers(
      std::vector<std::string> labels);

 private:
  struct Stream;

  boost::asio::awaitable<base::Status> EnsureNegotiated();
  std::string Versioned(std::string_view path) const;
  // One request and its whole response, whose status must be `success` or
  // `also_success` (0: none); failures name `step`.
  boost::asio::awaitable<base::Result<net::Response>> Call(std::string_view step,
                                                           net::Request request,
                                                           base::Deadline deadline, unsigned success,
                                                           unsigned also_success = 0);
  boost::asio::awaitable<base::Result<Stream>> Open(net::Request request, base::Deadline deadline);
  boost::asio::awaitable<base::Status> PullOnce(const ImageReference& image,
                                                const std::string& registry_auth,
                                                const PullProgressHandler& progress,
                                                base::Clock::duration stall_timeout);
  base::Deadline CallDeadline() const { return base::After(call_timeout_); }

  net::Endpoint endpoint_;
  base::Clock::duration call_timeout_;
  std::optional<ApiVersion> version_;
};

}  // namespace docker
