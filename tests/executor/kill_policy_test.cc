#include "executor/kill_policy.h"

#include <gtest/gtest.h>

namespace executor {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

TEST(KillGrace, KillEventBeatsTaskInfoBeatsSetting) {
  struct Case {
    std::optional<nanoseconds> from_kill, from_task;
    std::chrono::seconds setting;
    nanoseconds expected;
  };
  const Case cases[] = {
      {std::nullopt, std::nullopt, 5s, 5s},
      {std::nullopt, 30s, 5s, 30s},
      {2s, 30s, 5s, 2s},
      {0s, 30s, 5s, 0s},  // an explicit zero grace is a grace too
      {1500ms, std::nullopt, 5s, 1500ms},
  };
  for (const Case& c : cases) EXPECT_EQ(KillGrace(c.from_kill, c.from_task, c.setting), c.expected);
}

TEST(ShutdownGrace, LeavesTheMarginAndNeverGoesNegative) {
  EXPECT_EQ(ShutdownGrace(5s), 3s);
  EXPECT_EQ(ShutdownGrace(10s), 8s);
  EXPECT_EQ(ShutdownGrace(2s), 0s);
  EXPECT_EQ(ShutdownGrace(1s), 0s);
}

TEST(DockerStopTimeout, RoundsToTheNearestWholeSecond) {
  EXPECT_EQ(DockerStopTimeout(5s), 5s);
  EXPECT_EQ(DockerStopTimeout(999999us), 1s);
  EXPECT_EQ(DockerStopTimeout(1400ms), 1s);
  EXPECT_EQ(DockerStopTimeout(1600ms), 2s);
  EXPECT_EQ(DockerStopTimeout(400ms), 0s);
  EXPECT_EQ(DockerStopTimeout(nanoseconds(-1)), 0s);
}

}  // namespace
}  // namespace executor
