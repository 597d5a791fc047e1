#include "tools/local_agent/mesos_duration.h"

#include <gtest/gtest.h>

#include "mesos/agent_environment.h"

namespace local_agent {
namespace {

using namespace std::chrono_literals;

TEST(MesosDuration, FormatsAsTheAgentPrints) {
  const std::vector<std::pair<std::chrono::nanoseconds, std::string>> cases = {
      {5s, "5secs"},
      {15min, "15mins"},
      {2s, "2secs"},
      {90s, "90secs"},
      {1500ms, "1500ms"},
      {0ns, "0ns"},
      {999ns, "999ns"},
      {1500ns, "1500ns"},
      {3us, "3us"},
      {2h, "2hrs"},
      {std::chrono::hours(24 * 7), "1weeks"},
      {std::chrono::hours(24 * 10), "10days"},
      {1000000100ns, "1.0000001secs"},
  };
  for (const auto& [duration, text] : cases) {
    EXPECT_EQ(FormatMesosDuration(duration), text) << duration.count() << "ns";
  }
}

// What the fake prints, the executor must read back exactly.
TEST(MesosDuration, RoundTripsThroughTheExecutorsParser) {
  const std::vector<std::chrono::nanoseconds> durations = {5s, 15min, 1500ms, 2h, 0ns, 3us, 1000000100ns};
  for (std::chrono::nanoseconds d : durations) {
    base::Result<std::chrono::nanoseconds> parsed = mesos::ParseMesosDuration(FormatMesosDuration(d));
    ASSERT_TRUE(parsed.ok()) << FormatMesosDuration(d);
    EXPECT_EQ(*parsed, d);
  }
}

}  // namespace
}  // namespace local_agent
