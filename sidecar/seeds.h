// SIDECAR_SEEDS (EXECUTOR_SEED_SIDECAR, upstream-behavior.md §4.11): a
// Sidecar running inside the task's container needs peers to join the
// gossip cluster; upstream gave it every Mesos agent's hostname:
//
//   GET http://<MESOS_AGENT_ENDPOINT>/state      -> master_hostname
//   GET http://<master>[:<MesosMasterPort>]/slaves -> slaves[].hostname
//   SIDECAR_SEEDS=<hostnames in the master's order, joined by ','>
//
// Every request has the HttpTimeout deadline. When any step fails the task
// still launches, without the variable, and the log says why. Unlike
// upstream (D39) a non-2xx answer is a failure rather than a body to parse.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "executor/task_extension.h"

namespace sidecar {

// The agent's /state document -> its master_hostname (Go's key matching;
// empty or missing is an error: the agent knows no master).
base::Result<std::string> ParseMasterHostname(std::string_view agent_state);

// The master's /slaves document -> every agent's hostname, in order
// (entries without one count as "", as upstream).
base::Result<std::vector<std::string>> ParseAgentHostnames(std::string_view master_slaves);

// Both requests; `master_port` empty means none (the URL's default).
boost::asio::awaitable<base::Result<std::vector<std::string>>> FetchSidecarSeeds(
    std::string agent_endpoint, std::string master_port, std::chrono::nanoseconds http_timeout);

class SeedExtension : public executor::TaskExtension {
 public:
  // `agent_endpoint`: MESOS_AGENT_ENDPOINT ("host:port"), if set.
  SeedExtension(std::optional<std::string> agent_endpoint, std::string master_port,
                std::chrono::nanoseconds http_timeout);

  // Adds SIDECAR_SEEDS to the launch's extra environment; never fails it.
  boost::asio::awaitable<base::Status> PrepareLaunch(executor::LaunchPreparation& preparation) override;

 private:
  std::optional<std::string> agent_endpoint_;
  std::string master_port_;
  std::chrono::nanoseconds http_timeout_;
};

}  // namespace sidecar
