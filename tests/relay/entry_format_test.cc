// relay/entry_format: the relayed JSON line as logrus' JSONFormatter and
// Go's encoding/json wrote it upstream.
#include "relay/entry_format.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace relay {
namespace {

using namespace std::chrono_literals;

TEST(GoJsonString, EscapesAsEncodingJsonDoes) {
  struct Case {
    std::string text;
    std::string json;
  };
  const Case cases[] = {
      {"", R"("")"},
      {"plain text 123 :8080", R"("plain text 123 :8080")"},
      {R"(say "hi" \ bye)", R"("say \"hi\" \\ bye")"},
      {"a\nb\rc\td", R"("a\nb\rc\td")"},
      {std::string("\x00\x01\x08\x0c\x1b\x1f", 6), R"("\u0000\u0001\u0008\u000c\u001b\u001f")"},
      {"<b>&amp;</b>", R"("\u003cb\u003e\u0026amp;\u003c/b\u003e")"},
      {"del\x7f kept", "\"del\x7f kept\""},
      {"h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80", "\"h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80\""},
      {"\xEF\xBF\xBD", "\"\xEF\xBF\xBD\""},  // a real U+FFFD stays as it is
      {"\xE2\x80\xA8 \xE2\x80\xA9", R"("\u2028 \u2029")"},
      {"\xFF", R"("\ufffd")"},
      {"\x80" "abc", R"("\ufffdabc")"},
      {"a\xC3", R"("a\ufffd")"},                              // cut 2-byte sequence
      {"\xE2\x82", R"("\ufffd\ufffd")"},                      // cut 3-byte sequence: one per byte
      {"\xF0\x9F\x98", R"("\ufffd\ufffd\ufffd")"},            // cut 4-byte sequence
      {"\xC0\xAF", R"("\ufffd\ufffd")"},                      // overlong '/'
      {"\xE0\x80\xAF", R"("\ufffd\ufffd\ufffd")"},            // overlong, 3 bytes
      {"\xED\xA0\x80", R"("\ufffd\ufffd\ufffd")"},            // UTF-16 surrogate
      {"\xF4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},  // past U+10FFFF
      {"\xF5\x80\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},
      {"ok\xC3(", R"("ok\ufffd(")"},  // the byte after a bad lead is read again
  };
  for (const Case& c : cases) {
    EXPECT_EQ(GoJsonString(c.text), c.json) << c.json;
  }
}

TEST(LevelFor, IsUpstreamsHeuristic) {
  struct Case {
    docker::LogStream stream;
    const char* line;
    Level level;
  };
  const Case cases[] = {
      {docker::LogStream::kStdout, "an error on stdout", Level::kInfo},
      {docker::LogStream::kStdout, "ERROR", Level::kInfo},
      {docker::LogStream::kStderr, "ERROR: disk full", Level::kError},
      {docker::LogStream::kStderr, "An Error happened", Level::kError},
      {docker::LogStream::kStderr, "3 errors", Level::kError},
      {docker::LogStream::kStderr, "terrors of the deep", Level::kError},  // a substring is enough
      {docker::LogStream::kStderr, "eRrOr", Level::kError},
      {docker::LogStream::kStderr, "err or", Level::kInfo},
      {docker::LogStream::kStderr, "warning: slow", Level::kInfo},
      {docker::LogStream::kStderr, "erro", Level::kInfo},
      {docker::LogStream::kStderr, "", Level::kInfo},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(LevelFor(c.stream, c.line), c.level) << c.line;
  }
}

// Sets TZ for one test and restores it afterwards.
class ZoneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = std::getenv("TZ")) saved_ = tz;
  }
  void TearDown() override {
    if (saved_) {
      setenv("TZ", saved_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  static std::string At(const char* zone, std::chrono::system_clock::time_point at) {
    setenv("TZ", zone, 1);
    tzset();
    return GoRfc3339Local(at);
  }

 private:
  std::optional<std::string> saved_;
};

TEST_F(ZoneTest, GoRfc3339LocalUsesTheLocalZone) {
  // 2021-07-26T11:14:07Z, upstream's example, and 999 ms later (Go truncates).
  const std::chrono::system_clock::time_point at{std::chrono::seconds(1627298047)};
  EXPECT_EQ(At("UTC0", at), "2021-07-26T11:14:07Z");
  EXPECT_EQ(At("UTC0", at + 999ms), "2021-07-26T11:14:07Z");
  EXPECT_EQ(At("<+0530>-5:30", at), "2021-07-26T16:44:07+05:30");
  EXPECT_EQ(At("<-03>3", at), "2021-07-26T08:14:07-03:00");
  EXPECT_EQ(At("<-03>3", at - 9h), "2021-07-25T23:14:07-03:00");
  // A zone whose offset is zero prints Z too, as Go does.
  EXPECT_EQ(At("<+00>0", at), "2021-07-26T11:14:07Z");
  // Summer and winter time of a real zone.
  EXPECT_EQ(At("CET-1CEST,M3.5.0,M10.5.0/3", at), "2021-07-26T13:14:07+02:00");
  EXPECT_EQ(At("CET-1CEST,M3.5.0,M10.5.0/3", at - 24h * 180), "2021-01-27T12:14:07+01:00");
}

TEST(EntryFormatter, ReproducesUpstreamsExample) {
  const std::map<std::string, std::string> labels = {
      {"Environment", "prod"}, {"ServiceName", "beowulf"}, {"NotSent", "x"}};
  const EntryFormatter formatter(labels, {"Environment", "ServiceName"}, "worker-3");
  EXPECT_EQ(formatter.Format("listening on :8080", Level::kInfo, "2021-07-26T11:14:07Z"),
            R"({"Environment":"prod","Hostname":"worker-3","Level":"info","Payload":"listening on :8080",)"
            R"("ServiceName":"beowulf","Timestamp":"2021-07-26T11:14:07Z"})"
            "\n");
}

TEST(EntryFormatter, WithoutLabelsCarriesTheFourFields) {
  // EXECUTOR_SEND_DOCKER_LABELS unset parses as [""].
  const EntryFormatter formatter({{"ServiceName", "web"}}, {""}, "host-1");
  EXPECT_EQ(formatter.Format("x", Level::kError, "T"),
            R"({"Hostname":"host-1","Level":"error","Payload":"x","Timestamp":"T"})"
            "\n");
}

TEST(EntryFormatter, LeavesOutLabelsTheTaskDoesNotHave) {
  const EntryFormatter formatter({{"Environment", "dev"}}, {"Missing", "Environment", "Environment"}, "h");
  EXPECT_EQ(formatter.Format("x", Level::kInfo, "T"),
            R"({"Environment":"dev","Hostname":"h","Level":"info","Payload":"x","Timestamp":"T"})"
            "\n");
}

TEST(EntryFormatter, RenamesLabelsThatClashWithItsOwnKeys) {
  const std::map<std::string, std::string> labels = {{"Timestamp", "t"}, {"Level", "l"},        {"Payload", "p"},
                                                     {"logrus_error", "e"}, {"Hostname", "label"}, {"Func", "f"}};
  const EntryFormatter formatter(labels, {"Timestamp", "Level", "Payload", "logrus_error", "Hostname", "Func"},
                                 "worker-3");
  // Hostname is overwritten, not renamed (upstream set it after the labels);
  // Func is no clash without caller reporting.
  EXPECT_EQ(formatter.Format("x", Level::kInfo, "T"),
            R"({"Func":"f","Hostname":"worker-3","Level":"info","Payload":"x","Timestamp":"T",)"
            R"("fields.Level":"l","fields.Payload":"p","fields.Timestamp":"t","fields.logrus_error":"e"})"
            "\n");
}

TEST(EntryFormatter, SortsKeysBytewiseAndEscapesEverything) {
  const std::map<std::string, std::string> labels = {
      {"alpha", "a&b"}, {"Zulu", "<z>"}, {"_under", "\xC3\xA9t\xC3\xA9"}, {"q\"uote", "v"}};
  const EntryFormatter formatter(labels, {"alpha", "Zulu", "_under", "q\"uote"}, "h<1>");
  EXPECT_EQ(formatter.Format("say \"<hi>\"\t& bye\xFF", Level::kInfo, "T"),
            R"({"Hostname":"h\u003c1\u003e","Level":"info","Payload":"say \"\u003chi\u003e\"\t\u0026 bye\ufffd",)"
            R"("Timestamp":"T","Zulu":"\u003cz\u003e","_under":"été","alpha":"a\u0026b","q\"uote":"v"})"
            "\n");
}

TEST(EntryFormatter, FormatsManyLinesFromOneSetUp) {
  const EntryFormatter formatter({{"ServiceName", "web"}}, {"ServiceName"}, "h");
  EXPECT_EQ(formatter.Format("one", Level::kInfo, "T1"),
            R"({"Hostname":"h","Level":"info","Payload":"one","ServiceName":"web","Timestamp":"T1"})"
            "\n");
  EXPECT_EQ(formatter.Format("", Level::kError, "T2"),
            R"({"Hostname":"h","Level":"error","Payload":"","ServiceName":"web","Timestamp":"T2"})"
            "\n");
}

}  // namespace
}  // namespace relay
