// LogRelayExtension: upstream's container log relay (upstream-behavior.md
// §8.3). Every line the container writes on stdout or stderr, secrets
// scrubbed, becomes one JSON datagram to EXECUTOR_SYSLOG_ADDR
// (relay/entry_format.h) and, with EXECUTOR_CONTAINER_LOGS_STDOUT, the same
// JSON line on the executor's stdout.
//
//   Supervise  starts the relay once the container runs: its logs followed
//              from the first line until the container stops, or with
//              EXECUTOR_RELAY_SYSLOG_STARTUP_ONLY until
//              EXECUTOR_RELAY_SYSLOG_STARTUP_TIME has passed
//   Release    lets a relay that is still reading (the container wrote
//              faster than lines are relayed) catch up for a few seconds,
//              then ends it
//
// The relay runs beside the task's supervision rather than inside it:
// supervision ends when a kill starts, and the lines a container writes
// while it is being stopped are the ones an operator wants most. It never
// holds the task up: nothing waits on a send (a datagram the kernel does
// not take is dropped and counted), and a syslog address that does not
// resolve only turns the UDP side off, with a warning. When the relay ends
// one log line says how many lines were sent and dropped.
//
// Registered only when the relay is on (LogRelayEnabled); nothing is
// allocated before the container runs.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>

#include "executor/executor.h"
#include "executor/task_extension.h"

namespace executor {

// EXECUTOR_RELAY_SYSLOG or EXECUTOR_RELAY_SYSLOG_STARTUP_ONLY.
bool LogRelayEnabled(const Settings& settings);

// How long the relay runs after the container started: the startup window
// when EXECUTOR_RELAY_SYSLOG_STARTUP_ONLY is set (it wins over
// EXECUTOR_RELAY_SYSLOG, as upstream), else as long as the container does.
std::optional<std::chrono::nanoseconds> RelayWindow(const Settings& settings);

class LogRelayExtension : public TaskExtension {
 public:
  explicit LogRelayExtension(const ExecutorConfig& config);
  ~LogRelayExtension() override;

  boost::asio::awaitable<void> Supervise(TaskControl& control) override;
  boost::asio::awaitable<void> Release() override;

 private:
  struct Relay;

  Settings settings_;
  net::Endpoint docker_endpoint_;
  // Shared with the running relay, which may outlive a Supervise() call.
  std::shared_ptr<Relay> relay_;
};

}  // namespace executor
