#include "executor/go_values.h"

#include <gtest/gtest.h>

#include <limits>
#include <ostream>

namespace executor {
namespace {

TEST(ParseGoBoolTest, AcceptsExactlyGosSpellings) {
  for (const char* text : {"1", "t", "T", "TRUE", "true", "True"}) {
    auto parsed = ParseGoBool(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_TRUE(*parsed) << text;
  }
  for (const char* text : {"0", "f", "F", "FALSE", "false", "False"}) {
    auto parsed = ParseGoBool(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_FALSE(*parsed) << text;
  }
  for (const char* text : {"", "yes", "no", "on", "tRUE", "TRue", " true", "true ", "2", "y"}) {
    EXPECT_FALSE(ParseGoBool(text).ok()) << text;
  }
  EXPECT_EQ(ParseGoBool("yes").status().message(),
            "strconv.ParseBool: parsing \"yes\": invalid syntax");
}

struct IntCase {
  const char* text;
  int64_t want;
};
std::ostream& operator<<(std::ostream& os, const IntCase& c) { return os << '"' << c.text << '"'; }

class ParseGoIntTest : public testing::TestWithParam<IntCase> {};

TEST_P(ParseGoIntTest, Parses) {
  auto parsed = ParseGoInt(GetParam().text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Base0, ParseGoIntTest,
    testing::Values(IntCase{"0", 0}, IntCase{"-0", 0}, IntCase{"+5", 5}, IntCase{"12345", 12345},
                    IntCase{"-12345", -12345}, IntCase{"012", 10}, IntCase{"0x1F", 31},
                    IntCase{"0X1f", 31}, IntCase{"-0x10", -16}, IntCase{"0o17", 15},
                    IntCase{"0O17", 15}, IntCase{"0b101", 5}, IntCase{"0B11", 3},
                    IntCase{"1_000", 1000}, IntCase{"0x_1F", 31}, IntCase{"0_7", 7},
                    IntCase{"9223372036854775807", std::numeric_limits<int64_t>::max()},
                    IntCase{"-9223372036854775808", std::numeric_limits<int64_t>::min()}));

TEST(ParseGoIntTest, RejectsWhatGoRejects) {
  for (const char* text : {"", "-", "+", "0x", "0b", "0o", "08", "0b2", "1.5", "1e3", " 1", "1 ",
                           "_1", "1_", "1__0", "0x_", "--1", "+-1", "abc", "5s"}) {
    auto parsed = ParseGoInt(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_NE(parsed.status().message().find("invalid syntax"), std::string::npos) << text;
  }
}

TEST(ParseGoIntTest, OutOfRangeIsReportedAsSuch) {
  for (const char* text : {"9223372036854775808", "-9223372036854775809",
                           "99999999999999999999999", "0xFFFFFFFFFFFFFFFFF"}) {
    auto parsed = ParseGoInt(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().message(),
              std::string("strconv.ParseInt: parsing \"") + text + "\": value out of range");
  }
}

TEST(ParseGoUintTest, ParsesBase0AndRejectsSigns) {
  EXPECT_EQ(*ParseGoUint("5"), 5u);
  EXPECT_EQ(*ParseGoUint("0x10"), 16u);
  EXPECT_EQ(*ParseGoUint("010"), 8u);
  EXPECT_EQ(*ParseGoUint("18446744073709551615"), std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(ParseGoUint("-1").ok());
  EXPECT_FALSE(ParseGoUint("+5").ok());
  EXPECT_FALSE(ParseGoUint("10s").ok());
  EXPECT_FALSE(ParseGoUint("").ok());
  EXPECT_EQ(ParseGoUint("18446744073709551616").status().message(),
            "strconv.ParseUint: parsing \"18446744073709551616\": value out of range");
}

}  // namespace
}  // namespace executor
