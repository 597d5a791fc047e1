#include "executor/stop_attribution.h"

#include <gmock/gmock.h>

namespace executor {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kSecond = 1'000'000'000;

// Event builders; `at` in seconds.
ObservedDockerEvent Kill(int signal, int64_t at, bool ours) {
  return {"kill", signal, std::nullopt, at * kSecond, ours};
}
ObservedDockerEvent Die(int exit_code, int64_t at, bool ours = false) {
  return {"die", std::nullopt, exit_code, at * kSecond, ours};
}
ObservedDockerEvent Oom(int64_t at) { return {"oom", std::nullopt, std::nullopt, at * kSecond, false}; }
ObservedDockerEvent Stop(int64_t at, bool ours) { return {"stop", std::nullopt, std::nullopt, at * kSecond, ours}; }
ObservedDockerEvent Lost(int64_t at, bool ours = false) {
  return {std::string(kStreamLost), std::nullopt, std::nullopt, at * kSecond, ours};
}

struct Case {
  std::string name;
  StopFacts facts;
  StoppedBy expected;
  std::optional<int> signal;
  std::string evidence;  // a part of it
};

// Test names carry the case; gtest would otherwise print its bytes.
void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

class AttributeStopTest : public ::testing::TestWithParam<Case> {};

TEST_P(AttributeStopTest, DecidesWhoStoppedTheContainer) {
  const Case& c = GetParam();
  const StopAttribution attribution = AttributeStop(c.facts);
  EXPECT_EQ(StoppedByName(attribution.by), StoppedByName(c.expected));
  EXPECT_EQ(attribution.signal, c.signal);
  EXPECT_THAT(attribution.evidence, HasSubstr(c.evidence));
}

INSTANTIATE_TEST_SUITE_P(
    Table, AttributeStopTest,
    ::testing::Values(
        Case{"ExitZero", {{Die(0, 10)}}, StoppedBy::kExitedByItself, std::nullopt, "no kill before it"},
        Case{"ExitNonZero", {{Die(3, 10)}}, StoppedBy::kExitedByItself, std::nullopt, "no kill before it"},
        Case{"NoEventsAtAll", {}, StoppedBy::kExitedByItself, std::nullopt, "no kill was reported"},
        Case{"OomEvent", {{Oom(9), Die(137, 10)}}, StoppedBy::kOomKiller, std::nullopt, "oom event"},
        Case{"OomFlagOnly", {{Die(137, 10)}, false, true}, StoppedBy::kOomKiller, std::nullopt, "OOMKilled"},
        Case{"OomBeatsOurStop",
             {{Kill(15, 8, true), Oom(9), Die(137, 10, true)}, true},
             StoppedBy::kOomKiller, std::nullopt, "oom"},
        Case{"OutsideDockerKill", {{Kill(9, 9, false), Die(137, 10)}}, StoppedBy::kOutsideKill, 9, "SIGKILL"},
        Case{"OutsideDockerStopNamesTheSignalThatEndedIt",
             {{Kill(15, 1, false), Kill(9, 11, false), Die(137, 11), Stop(11, false)}},
             StoppedBy::kOutsideKill, 9, "SIGTERM, then SIGKILL"},
        Case{"OurStop",
             {{Kill(15, 9, true), Die(143, 10, true), Stop(10, true)}, true},
             StoppedBy::kOurStop, 15, "executor stopped"},
        Case{"OurStopWithoutEvents", {{}, true}, StoppedBy::kOurStop, std::nullopt, "executor stopped"},
        Case{"OutsideKillBeforeOurs",
             {{Kill(9, 9, false), Kill(15, 9, true), Die(137, 10, true)}, true},
             StoppedBy::kOutsideKill, 9, "before the executor sent any"},
        Case{"KillsAfterTheDieDoNotCount",
             {{Die(1, 10), Kill(9, 11, false)}},
             StoppedBy::kExitedByItself, std::nullopt, "no kill before it"},
        Case{"DaemonShutdownStopsItAndTheStreamEnds",
             {{Kill(15, 10, false), Die(143, 10), Lost(11)}},
             StoppedBy::kDaemonRestart, 15, "event stream broke"},
        Case{"DaemonRestartedAndKilledItWhileTheStreamWasDown",
             {{Lost(5), Kill(15, 20, false), Die(143, 20)}},
             StoppedBy::kDaemonRestart, 15, "event stream broke"},
        Case{"StreamLostAndNoExitReported", {{Lost(5)}}, StoppedBy::kDaemonRestart, std::nullopt, "no exit"},
        Case{"StreamLostLongBeforeAnOutsideKill",
             {{Lost(5), Kill(9, 100, false), Die(137, 100)}},
             StoppedBy::kOutsideKill, 9, "SIGKILL"},
        Case{"StreamLostLongBeforeAnExit", {{Lost(5), Die(2, 100)}}, StoppedBy::kExitedByItself, std::nullopt, ""},
        Case{"ContainerLost", {{}, false, false, true}, StoppedBy::kDaemonRestart, std::nullopt, "no longer knew"},
        Case{"OurStopThoughTheDaemonWentAway",
             {{Kill(15, 9, true), Lost(10, true)}, true},
             StoppedBy::kOurStop, 15, "executor stopped"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(StopAttribution, NamesAreStable) {
  EXPECT_EQ(StoppedByName(StoppedBy::kOurStop), "our_stop");
  EXPECT_EQ(StoppedByName(StoppedBy::kOutsideKill), "outside_kill");
  EXPECT_EQ(StoppedByName(StoppedBy::kOomKiller), "oom_killer");
  EXPECT_EQ(StoppedByName(StoppedBy::kDaemonRestart), "daemon_restart");
  EXPECT_EQ(StoppedByName(StoppedBy::kExitedByItself), "exited_by_itself");
  EXPECT_EQ(KillCauseName(KillCause::kScheduler), "scheduler");
  EXPECT_EQ(KillCauseName(KillCause::kShutdown), "shutdown");
  EXPECT_EQ(KillCauseName(KillCause::kSignal), "signal");
  EXPECT_EQ(KillCauseName(KillCause::kHealthCheck), "health");
}

TEST(StopAttribution, SignalNames) {
  EXPECT_EQ(SignalName(9), "SIGKILL");
  EXPECT_EQ(SignalName(15), "SIGTERM");
  EXPECT_EQ(SignalName(0), "signal 0");
  EXPECT_EQ(SignalName(1000), "signal 1000");
}

TEST(StopAttribution, KillRequestsAreDescribedForTheTimeline) {
  const boost::json::object described =
      DescribeKillRequest(KillRequest{KillCause::kSignal, std::chrono::milliseconds(2500), "SIGTERM"});
  EXPECT_EQ(described.at("by"), "signal");
  EXPECT_EQ(described.at("grace_ms"), 2500);
  EXPECT_EQ(described.at("detail"), "SIGTERM");
}

}  // namespace
}  // namespace executor
