// Executor: the process-level flow. It keeps the agent subscription, turns
// events and signals into requests for the TaskRunner, and decides when the
// process may exit: after the terminal update is acknowledged, with bounded
// fail-safes, and never with the container left running. It opens the
// timeline in the sandbox (timeline.h) and records the agent's side there.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/signal_set.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/async_event.h"
#include "docker/client.h"
#include "executor/settings.h"
#include "executor/task_runner.h"
#include "mesos/agent_client.h"

namespace executor {

struct ExecutorConfig {
  // The executor's environment, for extensions that read their own variables
  // (TASK_HOST, VAULT_*, DOCKER_CONFIG, ...).
  std::function<std::optional<std::string>(std::string_view)> getenv;
  Settings settings;
  std::string configuration_error;  // bad settings or DOCKER_* values: fail the task with this
  mesos::AgentEnvironment agent;
  net::Endpoint docker_endpoint;
  int host_cpus = 1;
};

class Executor {
 public:
  Executor(boost::asio::any_io_executor executor, ExecutorConfig config);

  // Runs until the task is over and reported (or the agent is lost).
  // Returns the process exit status.
  boost::asio::awaitable<int> Run();

 private:
  boost::asio::awaitable<int> Lifecycle();
  boost::asio::awaitable<int> LifecycleWithinGrace();
  boost::asio::awaitable<void> SelfDestructTimer();
  void OnEvent(const mesos::Event& event);
  void OnSignal(int signal);
  void ArmSignals();
  void RequestStop(KillRequest request);
  std::string Update(const mesos::TaskStatus& status);

  ExecutorConfig config_;
  docker::Client docker_;
  mesos::AgentClient agent_;
  TaskRunner runner_;
  boost::asio::signal_set signals_;

  std::optional<mesos::Launch> launch_;
  bool task_killing_capability_ = false;
  base::AsyncEvent launch_or_stop_;  // a LAUNCH arrived or we must leave without one
  bool stop_before_launch_ = false;
  std::optional<base::Deadline> self_destruct_at_;
  base::AsyncEvent self_destruct_armed_;
  bool grace_over_ = false;  // the shutdown grace period ran out before the lifecycle ended
};

}  // namespace executor
