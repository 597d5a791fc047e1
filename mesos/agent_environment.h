// What the Mesos agent tells its executor through the environment: who we
// are (framework and executor IDs), where the agent is, and the timing rules
// of recovery and shutdown (mesos-executor-api.md §1).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "net/endpoint.h"

namespace mesos {

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

struct AgentEnvironment {
  std::string framework_id;
  std::string executor_id;
  std::string agent_id;
  net::Endpoint endpoint;
  std::string api_path;  // "/slave(1)/api/v1/executor"
  std::string directory;  // sandbox on the host
  std::string sandbox;    // sandbox as the container sees it
  bool checkpoint = false;
  std::chrono::nanoseconds recovery_timeout{0};          // only with checkpoint
  std::chrono::nanoseconds subscription_backoff_max{0};  // only with checkpoint
  std::chrono::nanoseconds shutdown_grace{std::chrono::seconds(5)};
  std::optional<std::string> auth_token;  // never logged
};

// Parses stout's duration format ("5secs", "15mins", "1500ms", "0.5hrs").
base::Result<std::chrono::nanoseconds> ParseMesosDuration(std::string_view text);

// Reads and validates the MESOS_* variables. Missing required values are an
// error naming the variable: without them the executor cannot talk to the agent.
base::Result<AgentEnvironment> ReadAgentEnvironment(const EnvLookup& getenv);

}  // namespace mesos
