// The API version follows the daemon, capped at ours, floored at 1.30
// (docker-engine-api.md §1.5).
#include "docker/api_version.h"

#include <gtest/gtest.h>

namespace docker {
namespace {

struct Case {
  std::optional<std::string> announced;
  std::string chosen;  // "" = refused
};

TEST(ChooseApiVersion, MinOfOursAndTheDaemons) {
  const Case cases[] = {
      {"1.41", "1.41"}, {"1.44", "1.44"},   {"1.45", "1.44"},   {"1.52", "1.44"},
      {"2.0", "1.44"},  {"1.30", "1.30"},   {"1.41.0", "1.41"}, {"1.29", ""},
      {"1.9", ""},      {std::nullopt, ""},  // no header: 1.24
      {"abc", ""},      {"1", ""},          {"1.x", ""},        {"", ""},
      {"1.41.", ""},
  };
  for (const Case& c : cases) {
    std::optional<std::string_view> announced;
    if (c.announced) announced = *c.announced;
    base::Result<ApiVersion> chosen = ChooseApiVersion(announced);
    const std::string label = c.announced.value_or("(none)");
    if (c.chosen.empty()) {
      EXPECT_FALSE(chosen.ok()) << label;
      continue;
    }
    ASSERT_TRUE(chosen.ok()) << label << ": " << chosen.status().message();
    EXPECT_EQ(chosen->ToString(), c.chosen) << label;
  }
}

TEST(ChooseApiVersion, ExplainsWhyAnOldDaemonIsRefused) {
  base::Result<ApiVersion> chosen = ChooseApiVersion(std::nullopt);
  ASSERT_FALSE(chosen.ok());
  EXPECT_NE(chosen.status().message().find("1.24"), std::string::npos);
  EXPECT_NE(chosen.status().message().find("1.30"), std::string::npos);
}

TEST(ParseApiVersion, ComparesNumerically) {
  EXPECT_LT(*ParseApiVersion("1.9"), *ParseApiVersion("1.10"));
  EXPECT_LT(*ParseApiVersion("1.41"), *ParseApiVersion("2.0"));
}

}  // namespace
}  // namespace docker
