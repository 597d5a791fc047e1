#include "executor/logging.h"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "executor/redactor.h"

namespace executor {
namespace {

using std::chrono::milliseconds;
using testing::HasSubstr;
using testing::Not;

// 2026-11-26T10:02:11.042Z
const std::chrono::system_clock::time_point kTime =
    std::chrono::system_clock::time_point(std::chrono::seconds(1795687331)) + milliseconds(42);

LogRecord Record(std::string_view message) {
  LogRecord record;
  record.time = kTime;
  record.message = message;
  return record;
}

std::string Text(const LogRecord& record, const Redactor& redactor = Redactor()) {
  return FormatLogLine(record, LogFormat::kText, redactor);
}
std::string Json(const LogRecord& record, const Redactor& redactor = Redactor()) {
  return FormatLogLine(record, LogFormat::kJson, redactor);
}

// The line as an object; fails the test when it is not one JSON object
// followed by a newline.
boost::json::object ParseLine(const std::string& line) {
  EXPECT_TRUE(line.ends_with('\n')) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line only: " << line;
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(line, error);
  EXPECT_FALSE(error) << error.message() << ": " << line;
  if (error || !value.is_object()) return {};
  return value.as_object();
}

// The string at `key`, or "(missing)".
std::string At(const boost::json::object& line, std::string_view key) {
  const boost::json::value* value = line.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "(missing)";
}

TEST(TextLogLineTest, IsTimeLevelAndMessageAsBefore) {
  EXPECT_EQ(Text(Record("Task ID web.1")), "2026-11-26T10:02:11.042Z info  Task ID web.1\n");
  LogRecord warning = Record("careful");
  warning.level = spdlog::level::warn;
  EXPECT_EQ(Text(warning), "2026-11-26T10:02:11.042Z warning careful\n");
}

TEST(TextLogLineTest, LeavesContextAndFieldsToTheMessage) {
  const LogFields fields = {{"exit_status", "0"}};
  LogRecord record = Record("Sidecar Executor exiting with status 0");
  record.task_id = "web.1";
  record.container_id = "3f2a9c1b7d4e";
  record.fields = &fields;
  EXPECT_EQ(Text(record), "2026-11-26T10:02:11.042Z info  Sidecar Executor exiting with status 0\n");
}

TEST(JsonLogLineTest, HasTheStableKeysInOrder) {
  LogRecord record = Record("Created container 3f2a9c1b7d4e");
  record.level = spdlog::level::debug;
  record.task_id = "web.1";
  record.container_id = "3f2a9c1b7d4e5f60";
  EXPECT_EQ(Json(record),
            R"({"time":"2026-11-26T10:02:11.042Z","level":"debug","msg":"Created container 3f2a9c1b7d4e",)"
            R"("task_id":"web.1","container_id":"3f2a9c1b7d4e5f60"})"
            "\n");
}

TEST(JsonLogLineTest, LeavesOutIdsNotKnownYet) {
  const boost::json::object line = ParseLine(Json(Record("Starting Sidecar Executor")));
  EXPECT_EQ(At(line, "msg"), "Starting Sidecar Executor");
  EXPECT_EQ(At(line, "level"), "info");
  EXPECT_FALSE(line.contains("task_id"));
  EXPECT_FALSE(line.contains("container_id"));
}

TEST(JsonLogLineTest, AddsTheActionsFieldsAfterTheStandardKeys) {
  const LogFields fields = {{"exit_status", "1"}, {"agent", "127.0.0.1:5051/api/v1/executor"}};
  LogRecord record = Record("done");
  record.task_id = "web.1";
  record.fields = &fields;
  EXPECT_EQ(Json(record), R"({"time":"2026-11-26T10:02:11.042Z","level":"info","msg":"done","task_id":"web.1",)"
                          R"("exit_status":"1","agent":"127.0.0.1:5051/api/v1/executor"})"
                          "\n");
}

TEST(JsonLogLineTest, AFieldNamedLikeAStandardKeyDoesNotReplaceIt) {
  const LogFields fields = {{"msg", "field"}, {"time", "later"}};
  const boost::json::object line = ParseLine(Json([&] {
    LogRecord record = Record("message");
    record.fields = &fields;
    return record;
  }()));
  EXPECT_EQ(At(line, "msg"), "message");
  EXPECT_EQ(At(line, "fields.msg"), "field");
  EXPECT_EQ(At(line, "fields.time"), "later");
  EXPECT_EQ(At(line, "time"), "2026-11-26T10:02:11.042Z");
}

TEST(JsonLogLineTest, EscapesQuotesBackslashesNewlinesAndControlCharacters) {
  const std::string message = std::string("say \"hi\"\\ C:\\dir\nsecond line\r\ttab\b\f") + '\x01' + '\x1f' +
                              '\x7f' + " end";
  const std::string line = Json(Record(message));
  EXPECT_THAT(line, HasSubstr(R"("msg":"say \"hi\"\\ C:\\dir\nsecond line\r\ttab\b\f\u0001\u001f)"));
  EXPECT_EQ(At(ParseLine(line), "msg"), message) << "the message reads back unchanged";
}

TEST(JsonLogLineTest, KeepsUtf8AndReplacesBytesThatAreNot) {
  const std::string valid = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3";  // café € 🐳
  EXPECT_EQ(At(ParseLine(Json(Record(valid))), "msg"), valid);
  // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
  for (const std::string bad : {"a\x80z", "a\xe2\x82", "a\xc0\xafz", "a\xed\xa0\x80z"}) {
    const boost::json::object line = ParseLine(Json(Record(bad)));
    const std::string msg = At(line, "msg");
    EXPECT_TRUE(msg.starts_with("a\xef\xbf\xbd")) << msg;  // U+FFFD
  }
}

TEST(LogLineTest, ScrubsSecretsInBothFormats) {
  Redactor redactor;
  redactor.AddSecret("s3cr3t-value");
  const LogFields fields = {{"detail", "token s3cr3t-value"}};
  LogRecord record = Record("password is s3cr3t-value");
  record.fields = &fields;
  EXPECT_EQ(Text(record, redactor), "2026-11-26T10:02:11.042Z info  password is [REDACTED]\n");
  const std::string line = Json(record, redactor);
  EXPECT_THAT(line, Not(HasSubstr("s3cr3t")));
  EXPECT_EQ(At(ParseLine(line), "msg"), "password is [REDACTED]");
  EXPECT_EQ(At(ParseLine(line), "detail"), "token [REDACTED]");
}

TEST(LogLineTest, ScrubsASecretThatJsonWouldEscape) {
  // Scrubbed before quoting: the escaped form "p\"w\\d" would never match.
  Redactor redactor;
  redactor.AddSecret("p\"w\\d\nx");
  const std::string line = Json(Record("login with p\"w\\d\nx failed"), redactor);
  EXPECT_EQ(At(ParseLine(line), "msg"), "login with [REDACTED] failed");
}

}  // namespace
}  // namespace executor
