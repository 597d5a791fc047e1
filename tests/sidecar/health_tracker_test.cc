// sidecar/health_tracker: upstream's counting, fail-open, and what Mesos
// and the log are told.
#include "sidecar/health_tracker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sidecar {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

const ServiceKey kKey{"mesos-worker-01", "3f2a9c1b7d4e"};
// 2024-03-05T10:00:00Z
const WallTime kStart = WallTime(std::chrono::seconds(1709632800));

// "0".."9" a status; "down" unreachable; "bad" undecodable; "nohost",
// "nosvc" not listed.
Observation Parse(const std::string& poll) {
  if (poll == "down") return Observation::Unreachable("connection refused");
  StateLookup lookup;
  if (poll == "bad") {
    lookup.outcome = StateLookup::Outcome::kUndecodable;
    lookup.error = "invalid JSON";
  } else if (poll == "nohost") {
    lookup.outcome = StateLookup::Outcome::kHostMissing;
  } else if (poll == "nosvc") {
    lookup.outcome = StateLookup::Outcome::kServiceMissing;
  } else {
    lookup.outcome = StateLookup::Outcome::kFound;
    lookup.status = std::stoll(poll);
  }
  return Observation::Of(lookup);
}

struct Case {
  std::string name;
  int64_t max_fails;
  std::vector<std::string> polls;
  // Per poll: '.' nothing for Mesos, 'H' healthy reported, 'U' unhealthy
  // reported, 'K' kill, 'X' unhealthy reported and kill.
  std::string expected;
};

std::vector<Case> Cases() {
  return {
      {"fourth_consecutive_unhealthy_kills", 3, {"0", "2", "2", "2", "2"}, "HU..K"},
      {"healthy_resets_the_count", 3, {"2", "2", "2", "0", "2", "2", "2"}, "U..HU.."},
      {"flapping_never_kills", 3, {"2", "0", "2", "0", "2", "0", "2", "0", "2"}, "UHUHUHUHU"},
      {"flapping_with_max_fails_one_never_kills", 1, {"2", "0", "1", "0", "2", "4", "2"}, "UHUHUHU"},
      {"tombstone_counts", 3, {"1", "1", "1", "1"}, "U..K"},
      {"tombstone_and_unhealthy_count_together", 3, {"2", "1", "2", "1"}, "U..K"},
      {"draining_resets_and_is_healthy", 3, {"2", "2", "2", "4", "2", "2", "2"}, "U..HU.."},
      {"unknown_resets_without_a_claim", 3, {"2", "2", "2", "3", "2", "2", "2"}, "U......"},
      {"unexpected_status_resets", 3, {"2", "2", "2", "7", "2", "2", "2"}, "U......"},
      {"negative_status_resets", 3, {"2", "2", "2", "-1", "2", "2", "2"}, "U......"},
      {"fail_open_neither_counts_nor_resets", 3, {"2", "2", "down", "2", "bad", "2"}, "U....K"},
      {"missing_neither_counts_nor_resets", 3, {"2", "nohost", "2", "nosvc", "2", "2"}, "U....K"},
      {"max_fails_zero_kills_on_the_first", 0, {"0", "2"}, "HX"},
      {"max_fails_zero_unhealthy_from_the_start", 0, {"1"}, "X"},
      {"counting_restarts_after_a_kill", 1, {"2", "2", "2", "2"}, "UK.K"},
      {"sidecar_down_the_whole_time", 0, {"down", "down", "down", "down", "down", "down"}, "......"},
      {"undecodable_the_whole_time", 0, {"bad", "bad", "bad", "bad"}, "...."},
      {"service_missing_the_whole_time", 0, {"nosvc", "nosvc", "nosvc", "nosvc"}, "...."},
      {"host_missing_the_whole_time", 0, {"nohost", "nohost", "nohost"}, "..."},
      {"first_healthy_reported_once", 3, {"0", "0", "4", "0"}, "H..."},
      {"unknown_first_claims_nothing", 3, {"3", "3", "0"}, "..H"},
      {"fail_open_keeps_the_reported_health", 3, {"0", "down", "0", "nosvc", "2"}, "H...U"},
  };
}

class HealthTrackerTest : public ::testing::TestWithParam<Case> {};

TEST_P(HealthTrackerTest, Counts) {
  const Case& c = GetParam();
  ASSERT_EQ(c.polls.size(), c.expected.size());
  HealthTracker tracker(kKey, c.max_fails);
  std::string got;
  for (std::size_t i = 0; i < c.polls.size(); ++i) {
    const HealthVerdict verdict = tracker.Observe(Parse(c.polls[i]), kStart + i * 30s);
    char mark = '.';
    if (verdict.healthy) mark = *verdict.healthy ? 'H' : 'U';
    if (verdict.kill_evidence) mark = verdict.healthy ? 'X' : 'K';
    if (verdict.kill_evidence) {
      EXPECT_FALSE(verdict.healthy.value_or(false)) << "a kill never comes with healthy";
    }
    got += mark;
  }
  EXPECT_EQ(got, c.expected);
}

INSTANTIATE_TEST_SUITE_P(Polls, HealthTrackerTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(HealthTracker, KillThresholdIsMaxFailsPlusOne) {
  EXPECT_EQ(HealthTracker(kKey, 3).kill_threshold(), 4);
  EXPECT_EQ(HealthTracker(kKey, 0).kill_threshold(), 1);
}

TEST(HealthTracker, StreakIsReportedForTheLog) {
  HealthTracker tracker(kKey, 3);
  EXPECT_EQ(tracker.Observe(Parse("2"), kStart).unhealthy_streak, 1);
  EXPECT_EQ(tracker.Observe(Parse("down"), kStart).unhealthy_streak, 1);
  EXPECT_EQ(tracker.Observe(Parse("1"), kStart).unhealthy_streak, 2);
  EXPECT_EQ(tracker.Observe(Parse("0"), kStart).unhealthy_streak, 0);
}

TEST(HealthTracker, KillEvidenceNamesCountsTimesHostAndService) {
  HealthTracker tracker(kKey, 2);
  tracker.Observe(Parse("0"), kStart);
  tracker.Observe(Parse("2"), kStart + 30s);
  tracker.Observe(Parse("down"), kStart + 60s);
  tracker.Observe(Parse("1"), kStart + 90s);
  const HealthVerdict verdict = tracker.Observe(Parse("2"), kStart + 120s);
  ASSERT_TRUE(verdict.kill_evidence);
  EXPECT_EQ(*verdict.kill_evidence,
            "Sidecar reported service 3f2a9c1b7d4e on host mesos-worker-01 unhealthy in 3 consecutive polls "
            "(2 UNHEALTHY, 1 TOMBSTONE) over 1m30s since 2024-03-05T10:00:30Z, the limit being "
            "EXECUTOR_SIDECAR_MAX_FAILS=2 + 1; last healthy at 2024-03-05T10:00:00Z");
}

TEST(HealthTracker, KillEvidenceWhenNeverHealthy) {
  HealthTracker tracker(kKey, 0);
  const HealthVerdict verdict = tracker.Observe(Parse("1"), kStart);
  ASSERT_TRUE(verdict.kill_evidence);
  EXPECT_THAT(*verdict.kill_evidence, HasSubstr("in 1 consecutive polls (1 TOMBSTONE) over 0s"));
  EXPECT_THAT(*verdict.kill_evidence, HasSubstr("never seen healthy"));
}

TEST(HealthTracker, HealthMessagesSayWhatSidecarReports) {
  HealthTracker tracker(kKey, 3);
  const HealthVerdict healthy = tracker.Observe(Parse("0"), kStart);
  EXPECT_EQ(healthy.health_message, "Sidecar reports service 3f2a9c1b7d4e on host mesos-worker-01 ALIVE");
  const HealthVerdict unhealthy = tracker.Observe(Parse("2"), kStart + 30s);
  EXPECT_EQ(unhealthy.health_message,
            "Sidecar reports service 3f2a9c1b7d4e on host mesos-worker-01 UNHEALTHY (1 of 4 consecutive unhealthy "
            "polls before the task is killed)");
}

TEST(HealthTracker, FailOpenIsLoggedOncePerChangeAndNoted) {
  HealthTracker tracker(kKey, 3);
  EXPECT_EQ(tracker.FailOpenNote(), "");

  const HealthVerdict first = tracker.Observe(Parse("down"), kStart);
  ASSERT_TRUE(first.fail_open_change);
  EXPECT_TRUE(first.fail_open_started);
  EXPECT_EQ(*first.fail_open_change, "Can't contact Sidecar! Assuming healthy... (connection refused)");
  EXPECT_EQ(tracker.FailOpenNote(),
            "Sidecar unreachable (connection refused) since 2024-03-05T10:00:00Z; the task is assumed healthy");
  for (int i = 1; i <= 5; ++i) {
    EXPECT_FALSE(tracker.Observe(Parse("down"), kStart + i * 30s).fail_open_change) << "poll " << i;
  }

  const HealthVerdict other = tracker.Observe(Parse("nosvc"), kStart + 200s);
  ASSERT_TRUE(other.fail_open_change);
  EXPECT_THAT(*other.fail_open_change, HasSubstr("Can't find this service in Sidecar yet! Assuming healthy..."));
  EXPECT_THAT(tracker.FailOpenNote(), HasSubstr("does not list service 3f2a9c1b7d4e on host mesos-worker-01 since"));

  const HealthVerdict back = tracker.Observe(Parse("0"), kStart + 260s);
  ASSERT_TRUE(back.fail_open_change);
  EXPECT_FALSE(back.fail_open_started);
  EXPECT_EQ(*back.fail_open_change,
            "Sidecar lists service 3f2a9c1b7d4e on host mesos-worker-01 again (ALIVE) after 1m0s of: Sidecar does "
            "not list service 3f2a9c1b7d4e on host mesos-worker-01");
  EXPECT_EQ(tracker.FailOpenNote(), "");
  EXPECT_FALSE(tracker.Observe(Parse("0"), kStart + 290s).fail_open_change);
}

TEST(HealthTracker, FailOpenNoteKeepsTheLatestReason) {
  HealthTracker tracker(kKey, 3);
  tracker.Observe(Parse("bad"), kStart);
  StateLookup other;
  other.outcome = StateLookup::Outcome::kUndecodable;
  other.error = "Status is a string";
  EXPECT_FALSE(tracker.Observe(Observation::Of(other), kStart + 30s).fail_open_change);
  EXPECT_THAT(tracker.FailOpenNote(), HasSubstr("Sidecar's state unreadable (Status is a string) since 2024-03-05T10:00:00Z"));
  EXPECT_THAT(tracker.Observe(Parse("nohost"), kStart + 60s).fail_open_change.value_or(""),
              HasSubstr("Host not found in Sidecar, can't manage this container! (mesos-worker-01)"));
}

}  // namespace
}  // namespace sidecar
