#include "executor/stop_attribution.h"

#include <algorithm>
#include <csignal>
#include <cstring>

namespace executor {

namespace {

using Events = std::vector<ObservedDockerEvent>;

bool IsAction(const ObservedDockerEvent& event, std::string_view action) { return event.action == action; }

std::string DescribeKills(const Events& kills) {
  std::string text;
  for (const ObservedDockerEvent& kill : kills) {
    text += text.empty() ? "" : ", then ";
    text += kill.signal ? SignalName(*kill.signal) : "an unnamed signal";
  }
  return text;
}

// The stream broke while the container was dying: at most the window before
// the exit, or after it.
bool StreamLostAroundExit(const Events& events, Events::const_iterator die) {
  if (die == events.end()) {
    return std::any_of(events.begin(), events.end(), [](const auto& e) { return IsAction(e, kStreamLost); });
  }
  const int64_t window = std::chrono::nanoseconds(kDaemonRestartWindow).count();
  return std::any_of(events.begin(), events.end(), [&](const ObservedDockerEvent& e) {
    return IsAction(e, kStreamLost) && e.time_nano >= die->time_nano - window;
  });
}

}  // namespace

std::string_view KillCauseName(KillCause cause) {
  switch (cause) {
    case KillCause::kScheduler: return "scheduler";
    case KillCause::kShutdown: return "shutdown";
    case KillCause::kSignal: return "signal";
    case KillCause::kAgentLost: return "agent_lost";
    case KillCause::kHealthCheck: return "health";
    case KillCause::kTaskFailure: return "task_failure";
  }
  return "unknown";
}

boost::json::object DescribeKillRequest(const KillRequest& kill) {
  return boost::json::object{
      {"by", KillCauseName(kill.cause)},
      {"grace_ms", std::chrono::duration_cast<std::chrono::milliseconds>(kill.grace).count()},
      {"detail", kill.detail}};
}

std::string_view StoppedByName(StoppedBy by) {
  switch (by) {
    case StoppedBy::kOurStop: return "our_stop";
    case StoppedBy::kOutsideKill: return "outside_kill";
    case StoppedBy::kOomKiller: return "oom_killer";
    case StoppedBy::kDaemonRestart: return "daemon_restart";
    case StoppedBy::kExitedByItself: return "exited_by_itself";
  }
  return "unknown";
}

std::string SignalName(int signal) {
  const char* name = signal > 0 && signal < NSIG ? sigabbrev_np(signal) : nullptr;
  return name ? std::string("SIG") + name : "signal " + std::to_string(signal);
}

StopAttribution AttributeStop(const StopFacts& facts) {
  const Events& events = facts.events;
  const auto oom = std::find_if(events.begin(), events.end(), [](const auto& e) { return IsAction(e, "oom"); });
  if (oom != events.end()) return {StoppedBy::kOomKiller, std::nullopt, "Docker reported an oom event"};
  if (facts.oom_killed) return {StoppedBy::kOomKiller, std::nullopt, "Docker's State.OOMKilled is true"};

  // Only what led to the exit counts: the events up to the (last) die.
  const auto die_from_end =
      std::find_if(events.rbegin(), events.rend(), [](const auto& e) { return IsAction(e, "die"); });
  const auto die = die_from_end == events.rend() ? events.end() : std::prev(die_from_end.base());
  const bool daemon_went_away = StreamLostAroundExit(events, die);

  Events outside_kills;
  Events our_kills;
  for (auto it = events.begin(); it != die; ++it) {
    if (!IsAction(*it, "kill")) continue;
    (it->after_our_stop ? our_kills : outside_kills).push_back(*it);
  }
  if (!outside_kills.empty()) {
    const std::optional<int> signal = outside_kills.back().signal;
    // A daemon that shuts down stops its containers itself, as `docker stop` would.
    if (daemon_went_away) {
      return {StoppedBy::kDaemonRestart, signal,
              "Docker sent " + DescribeKills(outside_kills) + ", then its event stream broke"};
    }
    return {StoppedBy::kOutsideKill, signal,
            "Docker reported a kill with " + DescribeKills(outside_kills) + " before the executor sent any"};
  }
  if (facts.we_stopped) {
    const std::optional<int> signal = our_kills.empty() ? std::nullopt : our_kills.back().signal;
    return {StoppedBy::kOurStop, signal,
            our_kills.empty() ? "the executor stopped the container"
                              : "the executor stopped the container (" + DescribeKills(our_kills) + ")"};
  }
  if (facts.container_lost) return {StoppedBy::kDaemonRestart, std::nullopt, "Docker no longer knew the container"};
  if (daemon_went_away) {
    return {StoppedBy::kDaemonRestart, std::nullopt,
            die == events.end() ? "Docker's event stream broke and no exit was reported"
                                : "Docker's event stream broke around the exit"};
  }
  return {StoppedBy::kExitedByItself, std::nullopt,
          die == events.end() ? "no kill was reported" : "Docker reported the exit and no kill before it"};
}

}  // namespace executor
