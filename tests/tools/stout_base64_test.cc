#include "tools/local_agent/stout_base64.h"

#include <gtest/gtest.h>

namespace local_agent {
namespace {

TEST(Base64, EncodesWithPadding) {
  EXPECT_EQ(base::Base64Encode(""), "");
  EXPECT_EQ(base::Base64Encode("f"), "Zg==");
  EXPECT_EQ(base::Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base::Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(base::Base64Encode("\xfb\xff"), "+/8=");
}

TEST(Base64, DecodesLikeStout) {
  struct Case {
    std::string text;
    std::optional<std::string> bytes;  // nullopt: rejected
  };
  const std::vector<Case> cases = {
      {"Zm9v", "foo"},
      {"Zm8=", "fo"},
      {"Zm8", "fo"},              // padding optional
      {"Zm 9v\n", "foo"},         // whitespace skipped
      {"Zg==ignored", "f"},       // stops at the first '='
      {"+/8=", "\xfb\xff"},
      {"-_8=", std::nullopt},     // URL-safe alphabet rejected
      {"Z", std::nullopt},        // half a byte
      {"Zm9v!", std::nullopt},
  };
  for (const Case& c : cases) {
    base::Result<std::string> decoded = StoutBase64Decode(c.text);
    if (c.bytes) {
      ASSERT_TRUE(decoded.ok()) << c.text;
      EXPECT_EQ(*decoded, *c.bytes) << c.text;
    } else {
      EXPECT_FALSE(decoded.ok()) << c.text;
    }
  }
}

}  // namespace
}  // namespace local_agent
