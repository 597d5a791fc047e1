// The executor's own log through the real binary: EXECUTOR_LOG_FORMAT=json
// gives one JSON object per stdout line with the stable keys; EXECUTOR_DEBUG
// adds upstream's TaskInfo and container config dumps, secrets scrubbed.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>

#include <regex>
#include <sstream>

#include "tests/integration/executor_harness.h"

namespace integration {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Longer than the redactor's minimum, unlike anything else in the log.
constexpr char kSecret[] = "hunter2-is-not-a-password-4711";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The line as a JSON object, or an empty object when it is not one.
boost::json::object ParseObject(const std::string& line) {
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(line, error);
  if (error || !value.is_object()) return {};
  return value.as_object();
}

std::string StringAt(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

class LogFormatTest : public ExecutorTest {
 protected:
  // `state` is a literal: no temporary may live across the co_await (g++ 12).
  static asio::awaitable<void> ExpectTerminalStateThenExit(Run& run, const char* state) {
    const std::string wanted = state;
    auto terminal = co_await run.agent.WaitForState(run.task_id, wanted, base::After(std::chrono::seconds(60)));
    CO_ASSERT_OK(terminal);
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  }
};

TEST_F(LogFormatTest, JsonGivesOneObjectPerLineWithTheTaskAndItsContainer) {
  executor_env_ = {{"EXECUTOR_LOG_FORMAT", "json"}};
  const boost::json::object task = Task(Spec("echo hello"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    co_await ExpectTerminalStateThenExit(run, "TASK_FINISHED");
  });
  const std::vector<std::string> lines = Lines(ExecutorStdout());
  ASSERT_GT(lines.size(), 10u);
  const std::regex time_format(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  bool task_known = false;
  bool container_known = false;
  std::string container_id;
  for (const std::string& line : lines) {
    const boost::json::object object = ParseObject(line);
    ASSERT_FALSE(object.empty()) << "not a JSON object: " << line;
    EXPECT_TRUE(std::regex_match(StringAt(object, "time"), time_format)) << line;
    EXPECT_THAT(StringAt(object, "level"), ::testing::AnyOf("info", "warning")) << "no debug without EXECUTOR_DEBUG";
    const std::string msg = StringAt(object, "msg");
    EXPECT_FALSE(msg.empty()) << line;
    // The ids appear from the moment the executor learns them, then on every line.
    task_known = task_known || msg.starts_with("Task ID ");
    container_known = container_known || msg.starts_with("Created container ");
    EXPECT_EQ(object.contains("task_id"), task_known) << line;
    if (task_known) {
      EXPECT_EQ(StringAt(object, "task_id"), task_id_) << line;
    }
    EXPECT_EQ(object.contains("container_id"), container_known) << line;
    if (container_known && container_id.empty()) container_id = StringAt(object, "container_id");
    if (container_known) {
      EXPECT_EQ(StringAt(object, "container_id"), container_id) << line;
    }
  }
  EXPECT_TRUE(task_known);
  EXPECT_EQ(container_id.size(), 64u) << container_id;
  EXPECT_EQ(StringAt(ParseObject(lines.front()), "msg"), "Starting Sidecar Executor");
  const boost::json::object last = ParseObject(lines.back());
  EXPECT_EQ(StringAt(last, "msg"), "Sidecar Executor exiting with status 0");
  EXPECT_EQ(StringAt(last, "exit_status"), "0") << "the action's fields have their own keys";
}

TEST_F(LogFormatTest, JsonLeavesTheCopiedContainerOutputRaw) {
  // As upstream: the container's own lines, copied on failure, are its
  // output, not executor log lines.
  executor_env_ = {{"EXECUTOR_LOG_FORMAT", "json"}};
  const boost::json::object task = Task(Spec("echo 'plain \"container\" line'; exit 3"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    co_await ExpectTerminalStateThenExit(run, "TASK_FAILED");
  });
  std::vector<std::string> raw;
  for (const std::string& line : Lines(ExecutorStdout())) {
    if (ParseObject(line).empty()) raw.push_back(line);
  }
  EXPECT_THAT(raw, ::testing::ElementsAre("plain \"container\" line"));
}

TEST_F(LogFormatTest, DebugLogsTheTaskInfoAndTheContainerConfigWithoutSecrets) {
  executor_env_ = {{"EXECUTOR_DEBUG", "true"}, {"EXECUTOR_LOG_FORMAT", "json"}};
  local_agent::TaskSpec spec = Spec("true");
  spec.parameters = {{"env", std::string("DB_PASSWORD=") + kSecret}};
  const boost::json::object task = Task(spec);
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    co_await ExpectTerminalStateThenExit(run, "TASK_FINISHED");
  });
  const std::string out = ExecutorStdout();
  EXPECT_THAT(out, Not(HasSubstr(kSecret)));
  std::string task_info;
  std::string container_config;
  for (const std::string& line : Lines(out)) {
    const boost::json::object object = ParseObject(line);
    ASSERT_FALSE(object.empty()) << "not a JSON object: " << line;
    const std::string msg = StringAt(object, "msg");
    if (StringAt(object, "level") != "debug") continue;
    if (msg.starts_with("TaskInfo ")) task_info = msg.substr(9);
    if (msg.starts_with("Docker container config ")) container_config = msg.substr(24);
  }
  // Both dumps are JSON themselves, with the task's facts, the secret scrubbed.
  const boost::json::object info = ParseObject(task_info);
  ASSERT_FALSE(info.empty()) << task_info;
  EXPECT_THAT(boost::json::serialize(info.at("task_id")), HasSubstr(task_id_));
  EXPECT_THAT(task_info, HasSubstr("DB_PASSWORD=[REDACTED]"));
  const boost::json::object config = ParseObject(container_config);
  ASSERT_FALSE(config.empty()) << container_config;
  EXPECT_EQ(StringAt(config, "Image"), kImage);
  EXPECT_THAT(boost::json::serialize(config.at("Env")), HasSubstr("DB_PASSWORD=[REDACTED]"));
}

TEST_F(LogFormatTest, WithoutDebugNeitherDumpIsLogged) {
  const boost::json::object task = Task(Spec("true"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    co_await ExpectTerminalStateThenExit(run, "TASK_FINISHED");
  });
  const std::string out = ExecutorStdout();
  EXPECT_THAT(out, HasSubstr(" info  Task ID " + task_id_ + "\n")) << "text lines as before";
  EXPECT_THAT(out, Not(HasSubstr("TaskInfo")));
  EXPECT_THAT(out, Not(HasSubstr("Docker container config")));
  EXPECT_THAT(out, Not(HasSubstr(" debug ")));
}

TEST_F(LogFormatTest, AnUnknownFormatFailsTheTaskAndTheLogStaysText) {
  executor_env_ = {{"EXECUTOR_LOG_FORMAT", "xml"}};
  const boost::json::object task = Task(Spec("true"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(std::chrono::seconds(60)));
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->reason, "REASON_TASK_INVALID");
    EXPECT_THAT(failed->message, HasSubstr("EXECUTOR_LOG_FORMAT='xml' is not a log format (expected text or json)"));
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
  const std::vector<std::string> lines = Lines(ExecutorStdout());
  ASSERT_THAT(lines, Not(IsEmpty()));
  EXPECT_THAT(lines.front(), HasSubstr(" info  Starting Sidecar Executor"));
}

}  // namespace
}  // namespace integration
