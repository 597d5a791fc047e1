// executor/log_relay_extension: when the relay runs, and for how long.
#include <gtest/gtest.h>

#include "executor/log_relay_extension.h"

namespace executor {
namespace {

using namespace std::chrono_literals;

TEST(LogRelaySettings, StartupOnlyWorksAloneAndWinsOverTheFullRelay) {
  struct Case {
    bool relay_syslog;
    bool startup_only;
    bool enabled;
    std::optional<std::chrono::nanoseconds> window;
  };
  const Case cases[] = {
      {false, false, false, std::nullopt},
      {true, false, true, std::nullopt},
      {false, true, true, 90s},
      {true, true, true, 90s},
  };
  for (const Case& c : cases) {
    Settings settings = DefaultSettings("host");
    settings.relay_syslog = c.relay_syslog;
    settings.relay_syslog_startup_only = c.startup_only;
    settings.relay_syslog_startup_time = 90s;
    EXPECT_EQ(LogRelayEnabled(settings), c.enabled) << c.relay_syslog << c.startup_only;
    EXPECT_EQ(RelayWindow(settings), c.window) << c.relay_syslog << c.startup_only;
  }
}

}  // namespace
}  // namespace executor
