#include "executor/log_relay_extension.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <exception>

#include "base/async_event.h"
#include "executor/go_duration.h"
#include "executor/redactor.h"
#include "relay/entry_format.h"
#include "relay/syslog_address.h"
#include "relay/udp_sender.h"

namespace executor {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// A syslog host name gets this long to resolve.
constexpr auto kResolveTimeout = 10s;
// A container may write faster than its lines are relayed. When it stops,
// Docker ends the log stream once the relay has read the rest, unless the
// container is removed first: then the rest is lost. After an exit the
// removal waits up to this long (in Supervise), as does the executor's exit
// (in Release); what is not relayed by then is cut off.
constexpr auto kCatchUpTime = 5s;
// After a cancellation, only for the relay to see it.
constexpr auto kStopWait = 1s;
// Longer lines go out in pieces of this size, each a datagram of its own,
// so that datagrams stay far below UDP's 64 KiB (upstream's relay died on a
// line over 64 KiB, D35). Docker cuts long lines at the same size.
constexpr std::size_t kMaxRelayedLine = 16 * 1024;

std::map<std::string, std::string> ScrubbedValues(const std::map<std::string, std::string>& labels) {
  std::map<std::string, std::string> scrubbed;
  for (const auto& [name, value] : labels) scrubbed.emplace(name, GlobalRedactor().Scrub(value));
  return scrubbed;
}

}  // namespace

bool LogRelayEnabled(const Settings& settings) {
  return settings.relay_syslog || settings.relay_syslog_startup_only;
}

std::optional<std::chrono::nanoseconds> RelayWindow(const Settings& settings) {
  if (settings.relay_syslog_startup_only) return settings.relay_syslog_startup_time;
  return std::nullopt;
}

// One task's relay, shared by the extension and the coroutine that runs it.
struct LogRelayExtension::Relay {
  Relay(asio::any_io_executor executor, const Settings& settings, const net::Endpoint& docker_endpoint,
        const RunningTask& task)
      : docker(docker_endpoint, settings.docker_timeout),
        container_id(task.container_id),
        short_id(task.container_id.substr(0, 12)),
        syslog_addr(settings.syslog_addr),
        window(RelayWindow(settings)),
        copy_to_stdout(settings.container_logs_stdout),
        formatter(ScrubbedValues(task.plan.task_labels), settings.send_docker_labels,
                  GlobalRedactor().Scrub(settings.log_hostname)),
        done(executor) {}

  // Runs the relay to its end and logs how it went.
  static asio::awaitable<void> Run(std::shared_ptr<Relay> relay);
  // Why the relay ended, or nullopt when it had nowhere to send anything.
  asio::awaitable<std::optional<std::string>> Pump();
  asio::awaitable<bool> OpenSender();
  asio::awaitable<base::Result<docker::LogsOutcome>> Follow();
  void OnLine(docker::LogStream stream, std::string_view line);
  void Emit(std::string_view payload, relay::Level level);
  void LogEnd(const std::string& why) const;

  docker::Client docker;
  std::string container_id;
  std::string short_id;
  std::string syslog_addr;
  std::optional<std::chrono::nanoseconds> window;
  bool copy_to_stdout;
  relay::EntryFormatter formatter;
  std::optional<relay::UdpSender> sender;
  uint64_t sent = 0;
  uint64_t dropped = 0;
  uint64_t copied = 0;
  bool send_failure_logged = false;
  bool stopping = false;  // Release() or the extension's end asked the relay to stop
  asio::cancellation_signal stop;
  base::AsyncEvent done;
};

asio::awaitable<void> LogRelayExtension::Relay::Run(std::shared_ptr<Relay> relay) {
  // Cancellation ends the relay where it stands; what follows it (the
  // end-of-relay line) must not turn into an exception.
  co_await asio::this_coro::throw_if_cancelled(false);
  const std::optional<std::string> why = co_await relay->Pump();
  if (why) relay->LogEnd(*why);
}

asio::awaitable<bool> LogRelayExtension::Relay::OpenSender() {
  base::Result<relay::SyslogAddress> address = relay::ParseSyslogAddress(syslog_addr);
  base::Status problem = address.status();
  if (address.ok()) {
    base::Result<relay::UdpSender> opened = co_await relay::UdpSender::Open(*address, base::After(kResolveTimeout));
    if (opened.ok()) {
      sender.emplace(std::move(opened).value());
      co_return true;
    }
    problem = opened.status();
  }
  if (stopping) co_return false;
  // Upstream exited here, after the container had started (D35).
  spdlog::warn("Log relay: EXECUTOR_SYSLOG_ADDR={} is unusable ({}); container lines are not sent over UDP{}",
               syslog_addr, problem.message(), copy_to_stdout ? ", only copied to stdout" : "");
  co_return false;
}

asio::awaitable<std::optional<std::string>> LogRelayExtension::Relay::Pump() {
  const bool udp = co_await OpenSender();
  if (stopping) co_return "the task ended first";
  if (!udp && !copy_to_stdout) co_return std::nullopt;
  const base::Deadline window_end = window ? base::After(*window) : base::kNoDeadline;
  Emit("sidecar-executor starting log pump for '" + short_id + "'", relay::Level::kInfo);
  spdlog::info("Started syslog log pump for container {}{}{}", short_id, sender ? " to udp://" + sender->peer() : "",
               window ? " for the first " + FormatGoDuration(*window) : "");

  std::optional<base::Result<docker::LogsOutcome>> followed = co_await base::WithDeadline(Follow(), window_end);
  if (stopping) co_return "cut off " + FormatGoDuration(kCatchUpTime) + " after the task ended";
  if (!followed) co_return "startup window of " + FormatGoDuration(*window) + " over";
  if (!followed->ok()) {
    spdlog::warn("Log relay: {}", followed->status().message());
    co_return "the log stream broke";
  }
  if (followed->value() == docker::LogsOutcome::kNotReadable) {
    spdlog::warn("Log relay: the container's log driver cannot be read back; nothing relayed");
    co_return "logs not readable";
  }
  co_return "container stopped";
}

asio::awaitable<base::Result<docker::LogsOutcome>> LogRelayExtension::Relay::Follow() {
  docker::LogsOptions options;
  options.follow = true;  // from the first line on, until the container stops
  options.max_line = kMaxRelayedLine;
  auto on_line = [this](docker::LogStream stream, std::string_view line) { OnLine(stream, line); };
  base::Result<docker::LogsOutcome> outcome = co_await docker.Logs(container_id, options, on_line);
  co_return outcome;
}

void LogRelayExtension::Relay::OnLine(docker::LogStream stream, std::string_view line) {
  const std::string clean = GlobalRedactor().Scrub(line);
  spdlog::debug("docker: {}", clean);
  Emit(clean, relay::LevelFor(stream, clean));
}

void LogRelayExtension::Relay::Emit(std::string_view payload, relay::Level level) {
  const std::string datagram =
      formatter.Format(payload, level, relay::GoRfc3339Local(std::chrono::system_clock::now()));
  if (copy_to_stdout) {
    std::fwrite(datagram.data(), 1, datagram.size(), stdout);
    std::fflush(stdout);
    ++copied;
  }
  if (!sender) return;
  const boost::system::error_code error = sender->Send(datagram);
  if (!error) {
    ++sent;
    return;
  }
  ++dropped;
  if (!send_failure_logged) {
    // Once, not per line (upstream wrote every failure to stderr, D35).
    send_failure_logged = true;
    spdlog::warn("Log relay: cannot send to {}: {}; such lines are dropped and counted", sender->peer(),
                 error.message());
  }
}

void LogRelayExtension::Relay::LogEnd(const std::string& why) const {
  if (sender) {
    spdlog::info("Log relay for container {} ended ({}): {} lines sent to {}, {} dropped", short_id, why, sent,
                 sender->peer(), dropped);
  } else {
    spdlog::info("Log relay for container {} ended ({}): {} lines copied to stdout", short_id, why, copied);
  }
}

LogRelayExtension::LogRelayExtension(const ExecutorConfig& config)
    : settings_(config.settings), docker_endpoint_(config.docker_endpoint) {}

LogRelayExtension::~LogRelayExtension() {
  // Normally Release() ended the relay; a coroutine still running keeps its
  // Relay alive and finishes on the cancellation.
  if (relay_ && !relay_->done.is_set()) {
    relay_->stopping = true;
    relay_->stop.emit(asio::cancellation_type::terminal);
  }
}

asio::awaitable<void> LogRelayExtension::Supervise(TaskControl& control) {
  if (!relay_) {
    const auto executor = co_await asio::this_coro::executor;
    relay_ = std::make_shared<Relay>(executor, settings_, docker_endpoint_, control.task());
    auto finished = [relay = relay_](std::exception_ptr error) {
      if (error) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          spdlog::error("Log relay failed: {}", e.what());
        }
      }
      relay->done.Set();
    };
    asio::co_spawn(executor, Relay::Run(relay_), asio::bind_cancellation_slot(relay_->stop.slot(), finished));
  }
  // Until cancelled: the container exited, or a kill started.
  co_await TaskExtension::Supervise(control);
  // After an exit the container's removal waits for this. A kill never
  // does (it runs beside the supervision), and a second cancellation (the
  // exit that follows a kill, the executor out of time) ends the wait.
  co_await asio::this_coro::reset_cancellation_state();
  co_await base::WithDeadline(relay_->done.Wait(), base::After(kCatchUpTime));
}

asio::awaitable<void> LogRelayExtension::Release() {
  if (!relay_ || relay_->done.is_set()) co_return;
  const bool caught_up = co_await base::WithDeadline(relay_->done.Wait(), base::After(kCatchUpTime));
  if (caught_up) co_return;
  relay_->stopping = true;
  relay_->stop.emit(asio::cancellation_type::terminal);
  co_await base::WithDeadline(relay_->done.Wait(), base::After(kStopWait));
}

}  // namespace executor
