#include "base/text_format.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace base {
namespace {

using std::chrono::system_clock;

TEST(FormatUtc, SecondsAndMillisecondsInUtc) {
  const auto time = system_clock::time_point(std::chrono::milliseconds(1795687331123));
  EXPECT_EQ(FormatUtcSeconds(time), "2026-11-26T10:02:11Z");
  EXPECT_EQ(FormatUtcMillis(time), "2026-11-26T10:02:11.123Z");
  EXPECT_EQ(FormatUtcMillis(system_clock::time_point()), "1970-01-01T00:00:00.000Z");
  // Truncated, never rounded up into the next second.
  EXPECT_EQ(FormatUtcSeconds(time + std::chrono::microseconds(876999)), "2026-11-26T10:02:11Z");
}

std::string Json(std::string_view text, JsonEscaping escaping) {
  std::string out;
  AppendJsonString(out, text, escaping);
  return out;
}

TEST(AppendJsonString, EscapesWhatEachStyleRequires) {
  struct Case {
    std::string text;
    std::string minimal;
    std::string go;
  };
  const Case cases[] = {
      {"plain", R"("plain")", R"("plain")"},
      {"a\"b\\c", R"("a\"b\\c")", R"("a\"b\\c")"},
      {"\n\r\t", R"("\n\r\t")", R"("\n\r\t")"},
      {"\b\f\x01\x1f", R"("\b\f\u0001\u001f")", R"("\u0008\u000c\u0001\u001f")"},
      {"<a&b>", R"("<a&b>")", R"("\u003ca\u0026b\u003e")"},
      {"\xE2\x80\xA8", "\"\xE2\x80\xA8\"", R"("\u2028")"},
      {"caf\xC3\xA9", "\"caf\xC3\xA9\"", "\"caf\xC3\xA9\""},
      {"bad\xFF", R"("bad\ufffd")", R"("bad\ufffd")"},
      {"cut\xE2\x82", R"("cut\ufffd\ufffd")", R"("cut\ufffd\ufffd")"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Json(c.text, JsonEscaping::kMinimal), c.minimal) << c.text;
    EXPECT_EQ(Json(c.text, JsonEscaping::kGo), c.go) << c.text;
  }
}

TEST(Utf8SequenceLength, AcceptsOnlyWellFormedSequences) {
  EXPECT_EQ(Utf8SequenceLength("a"), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xC3\xA9"), 2u);
  EXPECT_EQ(Utf8SequenceLength("\xE2\x82\xAC"), 3u);
  EXPECT_EQ(Utf8SequenceLength("\xF0\x9F\x98\x80"), 4u);
  EXPECT_EQ(Utf8SequenceLength("\x80"), 0u) << "stray continuation byte";
  EXPECT_EQ(Utf8SequenceLength("\xC0\xAF"), 0u) << "overlong";
  EXPECT_EQ(Utf8SequenceLength("\xED\xA0\x80"), 0u) << "surrogate";
  EXPECT_EQ(Utf8SequenceLength("\xF4\x90\x80\x80"), 0u) << "past U+10FFFF";
  EXPECT_EQ(Utf8SequenceLength("\xE2\x82"), 0u) << "cut";
}

TEST(PercentEncode, KeepsOnlyUnreservedCharactersAndTheOnesAsked) {
  struct Case {
    std::string text;
    std::string keep;
    std::string encoded;
  };
  const std::vector<Case> cases = {
      {"AZaz09-._~", "", "AZaz09-._~"},
      {"registry.example.com/team/web:1", "", "registry.example.com%2Fteam%2Fweb%3A1"},
      {"registry.example.com/team/web:1", ":/@", "registry.example.com/team/web:1"},
      {"a b+c%d", "", "a%20b%2Bc%25d"},
      {"\xC3\xA9", "", "%C3%A9"},
      {"secret/my app!", "!$&'()*+,;=:@/", "secret/my%20app!"},
      {"", "", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(PercentEncode(c.text, c.keep), c.encoded) << c.text;
}

}  // namespace
}  // namespace base
