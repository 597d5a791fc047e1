#include "tests/fakes/percent_decode.h"

#include <gtest/gtest.h>

namespace fakes {
namespace {

struct Case {
  std::string_view encoded;
  std::string_view decoded;
};

TEST(PercentDecodeTest, DecodesEscapesAndKeepsMalformedOnes) {
  const Case cases[] = {
      {"", ""},
      {"plain/path", "plain/path"},
      {"my%20service", "my service"},
      {"a%2Fb", "a/b"},
      {"a%2fb", "a/b"},
      {"%41%42%43", "ABC"},
      {"100%", "100%"},          // nothing after '%'
      {"50%2", "50%2"},          // one digit only
      {"%zz", "%zz"},            // not hex
      {"%4g", "%4g"},            // second digit not hex
      {"%%41", "%A"},            // the first '%' is kept, the second starts an escape
      {"%00x", std::string_view("\0x", 2)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PercentDecode(c.encoded), c.decoded) << "input: " << c.encoded;
  }
}

}  // namespace
}  // namespace fakes
