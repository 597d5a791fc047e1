// Go's own time.ParseDuration / Duration.String() tables (src/time/time_test.go)
// plus the values upstream's settings use.
#include "executor/go_duration.h"

#include <gtest/gtest.h>

#include <limits>
#include <ostream>

namespace executor {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

struct ParseCase {
  const char* text;
  nanoseconds want;
};
std::ostream& operator<<(std::ostream& os, const ParseCase& c) { return os << '"' << c.text << '"'; }

class ParseGoDurationTest : public testing::TestWithParam<ParseCase> {};

TEST_P(ParseGoDurationTest, MatchesGo) {
  auto parsed = ParseGoDuration(GetParam().text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->count(), GetParam().want.count());
}

INSTANTIATE_TEST_SUITE_P(
    GoTable, ParseGoDurationTest,
    testing::Values(
        // simple
        ParseCase{"0", nanoseconds(0)}, ParseCase{"5s", seconds(5)}, ParseCase{"30s", seconds(30)},
        ParseCase{"1478s", seconds(1478)},
        // sign
        ParseCase{"-5s", seconds(-5)}, ParseCase{"+5s", seconds(5)}, ParseCase{"-0", nanoseconds(0)},
        ParseCase{"+0", nanoseconds(0)},
        // decimal
        ParseCase{"5.0s", seconds(5)}, ParseCase{"5.6s", milliseconds(5600)},
        ParseCase{"5.s", seconds(5)}, ParseCase{".5s", milliseconds(500)},
        ParseCase{"1.0s", seconds(1)}, ParseCase{"1.00s", seconds(1)},
        ParseCase{"1.004s", milliseconds(1004)}, ParseCase{"1.0040s", milliseconds(1004)},
        ParseCase{"100.00100s", milliseconds(100001)},
        // units
        ParseCase{"10ns", nanoseconds(10)}, ParseCase{"11us", microseconds(11)},
        ParseCase{"12\u00b5s", microseconds(12)}, ParseCase{"12\u03bcs", microseconds(12)},
        ParseCase{"13ms", milliseconds(13)}, ParseCase{"14s", seconds(14)},
        ParseCase{"15m", minutes(15)}, ParseCase{"16h", hours(16)},
        // composite
        ParseCase{"3h30m", hours(3) + minutes(30)},
        ParseCase{"10.5s4m", minutes(4) + milliseconds(10500)},
        ParseCase{"-2m3.4s", -(minutes(2) + milliseconds(3400))},
        ParseCase{"1h2m3s4ms5us6ns", hours(1) + minutes(2) + seconds(3) + milliseconds(4) +
                                         microseconds(5) + nanoseconds(6)},
        ParseCase{"39h9m14.425s", hours(39) + minutes(9) + milliseconds(14425)},
        // large values and precision
        ParseCase{"52763797000ns", nanoseconds(52763797000)},
        ParseCase{"0.3333333333333333333h", minutes(20)},
        ParseCase{"9007199254740993ns", nanoseconds((int64_t{1} << 53) + 1)},
        ParseCase{"9223372036854775807ns", nanoseconds(kMax)},
        ParseCase{"9223372036854775.807us", nanoseconds(kMax)},
        ParseCase{"9223372036s854ms775us807ns", nanoseconds(kMax)},
        ParseCase{"-9223372036854775808ns", nanoseconds(kMin)},
        ParseCase{"-9223372036854775.808us", nanoseconds(kMin)},
        ParseCase{"-9223372036s854ms775us808ns", nanoseconds(kMin)},
        ParseCase{"-2562047h47m16.854775808s", nanoseconds(kMin)},
        ParseCase{"0.100000000000000000000h", minutes(6)},
        ParseCase{"0.830103483285477580700h", minutes(49) + seconds(48) + nanoseconds(372539827)},
        // upstream defaults
        ParseCase{"1m", minutes(1)}, ParseCase{"744h", hours(744)}, ParseCase{"1m30s", seconds(90)},
        ParseCase{"1.5h", minutes(90)}));

class ParseGoDurationErrorTest : public testing::TestWithParam<const char*> {};

TEST_P(ParseGoDurationErrorTest, IsInvalidAndQuotesTheInputLikeGo) {
  auto parsed = ParseGoDuration(GetParam());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), base::StatusCode::kInvalid);
  EXPECT_EQ(parsed.status().message().rfind("time: ", 0), 0u) << parsed.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    GoTable, ParseGoDurationErrorTest,
    testing::Values("", "3", "-", "s", ".", "-.", ".s", "+.s", "1d", "\x85\x85", "\xff" "fff",
                    "hello \xff" "fff world", "\uFFFD", "\uFFFD hello \uFFFD world",
                    // overflow
                    "9223372036854775810ns", "9223372036854775808ns", "-9223372036854775809ns",
                    "9223372036854776us", "3000000h", "9223372036854775.808us",
                    "9223372036854ms775us808ns",
                    // what operators actually type
                    "2 seconds", " 2s", "2s ", "10", "1m 30s", "2S"));

TEST(ParseGoDurationTest, ErrorMessagesAreGos) {
  EXPECT_EQ(ParseGoDuration("3").status().message(), "time: missing unit in duration \"3\"");
  EXPECT_EQ(ParseGoDuration("1d").status().message(),
            "time: unknown unit \"d\" in duration \"1d\"");
  EXPECT_EQ(ParseGoDuration("").status().message(), "time: invalid duration \"\"");
  EXPECT_EQ(ParseGoDuration("\x85\x85").status().message(),
            "time: invalid duration \"\\x85\\x85\"");
  EXPECT_EQ(ParseGoDuration("\uFFFD").status().message(),
            "time: invalid duration \"\\xef\\xbf\\xbd\"");
}

struct FormatCase {
  nanoseconds duration;
  const char* want;
};
std::ostream& operator<<(std::ostream& os, const FormatCase& c) { return os << c.want; }

class FormatGoDurationTest : public testing::TestWithParam<FormatCase> {};

TEST_P(FormatGoDurationTest, MatchesGo) {
  EXPECT_EQ(FormatGoDuration(GetParam().duration), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    GoTable, FormatGoDurationTest,
    testing::Values(
        FormatCase{nanoseconds(0), "0s"}, FormatCase{nanoseconds(1), "1ns"},
        FormatCase{nanoseconds(1100), "1.1\u00b5s"}, FormatCase{microseconds(2200), "2.2ms"},
        FormatCase{milliseconds(3300), "3.3s"}, FormatCase{minutes(4) + seconds(5), "4m5s"},
        FormatCase{minutes(4) + milliseconds(5001), "4m5.001s"},
        FormatCase{hours(5) + minutes(6) + milliseconds(7001), "5h6m7.001s"},
        FormatCase{minutes(8) + nanoseconds(1), "8m0.000000001s"},
        FormatCase{nanoseconds(kMax), "2562047h47m16.854775807s"},
        FormatCase{nanoseconds(kMin), "-2562047h47m16.854775808s"},
        // the startup log's values
        FormatCase{minutes(1), "1m0s"}, FormatCase{hours(744), "744h0m0s"},
        FormatCase{milliseconds(1500), "1.5s"}, FormatCase{milliseconds(300), "300ms"},
        FormatCase{hours(2) + minutes(45), "2h45m0s"}, FormatCase{seconds(-5), "-5s"}));

TEST(GoDurationTest, FormatThenParseRoundTrips) {
  for (int64_t n : {int64_t{1}, int64_t{999}, int64_t{1001}, int64_t{123456789},
                    int64_t{86400} * 1'000'000'000 + 7, kMax, kMin, int64_t{-42}}) {
    auto parsed = ParseGoDuration(FormatGoDuration(nanoseconds(n)));
    ASSERT_TRUE(parsed.ok()) << n;
    EXPECT_EQ(parsed->count(), n);
  }
}

}  // namespace
}  // namespace executor
