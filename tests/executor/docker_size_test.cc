#include "executor/docker_size.h"

#include <gtest/gtest.h>

#include <ostream>

namespace executor {
namespace {

struct SizeCase {
  const char* text;
  int64_t want;
};
std::ostream& operator<<(std::ostream& os, const SizeCase& c) { return os << '"' << c.text << '"'; }

class ParseDockerSizeTest : public testing::TestWithParam<SizeCase> {};

TEST_P(ParseDockerSizeTest, ParsesLikeDockerRun) {
  auto parsed = ParseDockerSize(GetParam().text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, GetParam().want);
}

// go-units RAMInBytes cases.
INSTANTIATE_TEST_SUITE_P(
    GoUnits, ParseDockerSizeTest,
    testing::Values(SizeCase{"32", 32}, SizeCase{"32b", 32}, SizeCase{"32B", 32},
                    SizeCase{"32k", 32 * 1024}, SizeCase{"32K", 32 * 1024},
                    SizeCase{"32kb", 32 * 1024}, SizeCase{"32Kb", 32 * 1024},
                    SizeCase{"32Kib", 32 * 1024}, SizeCase{"32KIB", 32 * 1024},
                    SizeCase{"32Mb", 32 * 1024 * 1024}, SizeCase{"512m", 512 * 1024 * 1024},
                    SizeCase{"1g", int64_t{1} << 30}, SizeCase{"32Gb", int64_t{32} << 30},
                    SizeCase{"32Tb", int64_t{32} << 40}, SizeCase{"32Pb", int64_t{32} << 50},
                    SizeCase{"32.5KB", 33280}, SizeCase{"32.3 GiB", 34681860915},
                    SizeCase{"1 g", int64_t{1} << 30}, SizeCase{"0", 0}));

TEST(ParseDockerSizeTest, RejectsWhatDockerRejects) {
  for (const char* text : {"", "-1", "32.", ".3", "32  mb", "32m b", "32bm", "1.2.3", "abc",
                           "1x", " 1", "1e3", "99999999999p"}) {
    EXPECT_FALSE(ParseDockerSize(text).ok()) << text;
  }
}

}  // namespace
}  // namespace executor
