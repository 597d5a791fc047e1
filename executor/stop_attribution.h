// Who stopped the container, decided from plain facts: Docker's container
// events in the order the executor received them, whether the executor had
// asked for a stop by then, and the container's final state. Docker's events
// do not say who sent a kill, so "ours" is known only from the order: a kill
// that arrives before the executor sent any stop or kill came from outside.
//
//   oom_killer       Docker reported an OOM kill (event or State.OOMKilled)
//   daemon_restart   the event stream broke around the exit, or Docker lost
//                    the container: the daemon went away and took it along
//   outside_kill     a kill (docker kill, docker stop) the executor did not send
//   our_stop         the executor stopped it (KILL, SHUTDOWN, signal, health)
//   exited_by_itself none of the above: the task's own process ended
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "executor/task_outcome.h"

namespace executor {

// "scheduler", "shutdown", "signal", "agent_lost", "health", "task_failure":
// who asked the executor to stop the task (KillRequest.cause).
std::string_view KillCauseName(KillCause cause);

// {"by": ..., "grace_ms": ..., "detail": ...}: a kill request as the
// timeline and the post-mortem show it.
boost::json::object DescribeKillRequest(const KillRequest& kill);

// One entry of the container's event history as the executor received it.
struct ObservedDockerEvent {
  // Docker's Action ("kill", "oom", "die", "stop"), or kStreamLost.
  std::string action;
  std::optional<int> signal;     // kill: the signal number
  std::optional<int> exit_code;  // die
  int64_t time_nano = 0;         // Docker's timeNano; ours for kStreamLost
  bool after_our_stop = false;   // received after the executor sent a stop or kill
};

inline constexpr std::string_view kStreamLost = "stream_lost";

// A break of the event stream this close before the exit (or after it)
// counts as the daemon going away with the container.
inline constexpr std::chrono::seconds kDaemonRestartWindow{30};

struct StopFacts {
  std::vector<ObservedDockerEvent> events;  // in the order received
  bool we_stopped = false;                  // the executor sent a stop or kill
  bool oom_killed = false;                  // State.OOMKilled
  bool container_lost = false;              // Docker no longer knew the container
};

enum class StoppedBy { kOurStop, kOutsideKill, kOomKiller, kDaemonRestart, kExitedByItself };

struct StopAttribution {
  StoppedBy by = StoppedBy::kExitedByItself;
  std::optional<int> signal;  // the kill's signal, when a kill event says
  std::string evidence;       // one line: what in the facts decided it
};

StopAttribution AttributeStop(const StopFacts& facts);

// "our_stop", "outside_kill", "oom_killer", "daemon_restart", "exited_by_itself".
std::string_view StoppedByName(StoppedBy by);

// "SIGKILL" for 9; "signal 42" when the number has no name.
std::string SignalName(int signal);

}  // namespace executor
