// AgentOptions: who the fake agent is and how it behaves, i.e. the settings
// a real agent gets from its flags and from the framework it serves.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/deadline.h"

namespace local_agent {

using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;
using std::chrono_literals::operator""min;

// Ordered name/value pairs: environment variables, labels, Docker parameters.
using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct AgentOptions {
  std::string framework_id = "local-framework-0000";
  std::string executor_id = "local-executor";
  std::string agent_id = "local-agent-S0";
  std::string container_id = "local-container";
  std::string hostname = "localhost";
  std::string framework_name = "local-agent";
  std::string framework_user;  // empty: the current user's name

  bool checkpoint = false;          // FrameworkInfo.checkpoint, MESOS_CHECKPOINT
  bool task_killing_state = false;  // framework capability TASK_KILLING_STATE
  bool partition_aware = false;     // capability PARTITION_AWARE: TASK_DROPPED, not TASK_LOST

  // The agent flags the executor learns through its environment.
  std::chrono::nanoseconds shutdown_grace = 5s;
  std::chrono::nanoseconds recovery_timeout = 15min;
  std::chrono::nanoseconds subscription_backoff_max = 2s;  // also the re-registration window
  // A launched executor that has not subscribed by then is killed.
  std::chrono::nanoseconds registration_timeout = 1min;

  // When set, every call needs "Authorization: Bearer <token>" (else 401),
  // and the executor gets MESOS_EXECUTOR_AUTHENTICATION_TOKEN.
  std::optional<std::string> auth_token;

  bool acknowledge_updates = true;
  // Real agents answer 202 first and put ACKNOWLEDGED on the stream 5-20 ms
  // later; LAUNCH follows SUBSCRIBED by a few milliseconds in its own chunk.
  base::Clock::duration ack_delay = 10ms;
  base::Clock::duration launch_delay = 5ms;
  // HEARTBEAT events on the stream; zero means none (real agents: 30 min).
  base::Clock::duration heartbeat_interval{0};

  uint16_t port = 0;  // 0: any free port
};

}  // namespace local_agent
