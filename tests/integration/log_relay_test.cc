// The container log relay through the real executor binary, the fake
// agent, the real Docker daemon and a real UDP receiver on 127.0.0.1:
// upstream's JSON datagrams with labels, levels and scrubbed secrets, the
// copy on stdout, the startup-only window, a receiver that is not there, a
// burst of output at the exit, lines written while the task is killed, an
// unusable syslog address.
#include <boost/json/parse.hpp>
#include <gmock/gmock.h>

#include <regex>
#include <set>

#include "tests/integration/executor_harness.h"
#include "tests/support/udp_receiver.h"

namespace integration {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr char kSecret[] = "relay-db-password-5e1b";
const std::regex kRfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d))");
const std::regex kPumpStart(R"(sidecar-executor starting log pump for '[0-9a-f]{12}')");

// The datagram's JSON object; an empty one (and a test failure) when the
// datagram is not one JSON object ending in a newline.
json::object Parse(const std::string& datagram) {
  EXPECT_TRUE(datagram.ends_with('\n')) << datagram;
  boost::system::error_code error;
  json::value value = json::parse(datagram, error);
  if (error || !value.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << datagram;
    return {};
  }
  return value.as_object();
}

std::string Field(const json::object& entry, std::string_view key) {
  const json::value* value = entry.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::set<std::string> Keys(const json::object& entry) {
  std::set<std::string> keys;
  for (const auto& member : entry) keys.emplace(member.key());
  return keys;
}

// The datagram carrying `payload`, or "" (and a test failure).
std::string WithPayload(const std::vector<std::string>& datagrams, const std::string& payload) {
  for (const std::string& datagram : datagrams) {
    if (Field(Parse(datagram), "Payload") == payload) return datagram;
  }
  ADD_FAILURE() << "no datagram with Payload '" << payload << "'";
  return "";
}

class LogRelayTest : public ExecutorTest {
 protected:
  enum class Receiver { kListening, kAbsent };

  static asio::awaitable<void> ExpectFinishedAndExit(Run& run) {
    auto finished = co_await run.agent.WaitForState(run.task_id, "TASK_FINISHED", base::After(60s));
    CO_ASSERT_OK(finished);
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
    EXPECT_TRUE(exit->success()) << exit->ToString();
  }

  // Runs `script` with EXECUTOR_SYSLOG_ADDR pointing at a UDP receiver on
  // 127.0.0.1, udp_ while `body` runs (or at a port nobody listens on);
  // `body` drives the task to its end. Returns the datagrams `body` left.
  std::vector<std::string> RunRelaying(const std::string& script, std::function<asio::awaitable<void>(Run&)> body,
                                       Receiver receiver = Receiver::kListening) {
    std::vector<std::string> datagrams;
    RunExecutorWith(
        [&](asio::any_io_executor executor, Keep& keep) {
          auto owned = std::make_shared<test::UdpReceiver>(executor);
          udp_ = owned.get();
          keep.push_back(owned);
          syslog_addr_ = receiver == Receiver::kListening ? udp_->address()
                                                          : "127.0.0.1:" + std::to_string(test::ClosedUdpPort());
          executor_env_.emplace_back("EXECUTOR_SYSLOG_ADDR", syslog_addr_);
          local_agent::TaskSpec spec = Spec(script);
          spec.parameters = parameters_;
          return Task(spec);
        },
        [&](Run& run) -> asio::awaitable<void> {
          co_await body(run);
          datagrams = udp_->Take();
        });
    udp_ = nullptr;
    return datagrams;
  }

  // Until a datagram with `payload` has arrived (kept in `datagrams`).
  static asio::awaitable<bool> WaitForPayload(test::UdpReceiver& udp, std::vector<std::string>& datagrams,
                                              const std::string& payload) {
    const base::Deadline deadline = base::After(60s);
    while (base::Clock::now() < deadline) {
      for (const std::string& datagram : udp.Take()) {
        datagrams.push_back(datagram);
        if (datagram.find("\"Payload\":\"" + payload + "\"") != std::string::npos) co_return true;
      }
      co_await base::SleepUntil(base::After(50ms));
    }
    co_return false;
  }

  // Docker parameters of the task: its Docker labels, for EXECUTOR_SEND_DOCKER_LABELS.
  local_agent::KeyValues parameters_ = {{"label", "ServiceName=it"}, {"label", "Environment=test"}};
  std::string syslog_addr_;
  test::UdpReceiver* udp_ = nullptr;
};

TEST_F(LogRelayTest, RelaysEveryLineAsUpstreamsJsonWithLabelsLevelsAndSecretsScrubbed) {
  executor_env_ = {{"EXECUTOR_RELAY_SYSLOG", "true"},
                   {"EXECUTOR_SEND_DOCKER_LABELS", "ServiceName,Environment,NotALabel"},
                   {"EXECUTOR_LOG_HOSTNAME", "relay-host"},
                   {"EXECUTOR_CONTAINER_LOGS_STDOUT", "true"},
                   {"EXECUTOR_DEBUG", "true"}};
  parameters_.emplace_back("env", std::string("DB_PASSWORD=") + kSecret);
  const std::vector<std::string> datagrams = RunRelaying(
      "echo 'hello <stdout> & more'; echo 'just a warning' >&2; echo 'An Error happened' >&2; "
      "echo \"password is $DB_PASSWORD\"",
      ExpectFinishedAndExit);

  ASSERT_EQ(datagrams.size(), 5u);
  EXPECT_TRUE(std::regex_match(Field(Parse(datagrams[0]), "Payload"), kPumpStart)) << datagrams[0];
  const std::set<std::string> keys = {"Environment", "Hostname", "Level", "Payload", "ServiceName", "Timestamp"};
  for (const std::string& datagram : datagrams) {
    const json::object entry = Parse(datagram);
    EXPECT_EQ(Keys(entry), keys) << datagram;
    EXPECT_TRUE(std::regex_match(Field(entry, "Timestamp"), kRfc3339)) << datagram;
    EXPECT_THAT(datagram, Not(HasSubstr(kSecret)));
  }
  // Byte for byte: keys sorted, compact, HTML characters escaped as Go does.
  const std::string hello = WithPayload(datagrams, "hello <stdout> & more");
  const std::string timestamp = Field(Parse(hello), "Timestamp");
  EXPECT_EQ(hello, R"({"Environment":"test","Hostname":"relay-host","Level":"info",)"
                   R"("Payload":"hello \u003cstdout\u003e \u0026 more","ServiceName":"it","Timestamp":")" +
                       timestamp + "\"}\n");
  EXPECT_EQ(Field(Parse(WithPayload(datagrams, "just a warning")), "Level"), "info");
  EXPECT_EQ(Field(Parse(WithPayload(datagrams, "An Error happened")), "Level"), "error");
  EXPECT_EQ(Field(Parse(WithPayload(datagrams, "password is [REDACTED]")), "Level"), "info");

  const std::string stdout_text = ExecutorStdout();
  for (const std::string& datagram : datagrams) {
    EXPECT_THAT(stdout_text, HasSubstr(datagram)) << "EXECUTOR_CONTAINER_LOGS_STDOUT copies each line";
  }
  EXPECT_THAT(stdout_text, AllOf(HasSubstr("Started syslog log pump for container"),
                                 HasSubstr("docker: An Error happened"), Not(HasSubstr(kSecret))));
  EXPECT_THAT(stdout_text, HasSubstr("ended (container stopped): 5 lines sent to " + syslog_addr_ + ", 0 dropped"));
}

TEST_F(LogRelayTest, StartupOnlyRelaysTheWindowThenLetsGoOfTheStream) {
  executor_env_ = {{"EXECUTOR_RELAY_SYSLOG_STARTUP_ONLY", "true"},
                   {"EXECUTOR_RELAY_SYSLOG_STARTUP_TIME", "3s"},
                   {"EXECUTOR_SEND_DOCKER_LABELS", "ServiceName"}};
  const std::vector<std::string> datagrams =
      RunRelaying("echo early; sleep 8; echo late; echo 'late too' >&2", ExpectFinishedAndExit);

  ASSERT_EQ(datagrams.size(), 2u);
  EXPECT_TRUE(std::regex_match(Field(Parse(datagrams[0]), "Payload"), kPumpStart)) << datagrams[0];
  EXPECT_EQ(Field(Parse(datagrams[1]), "Payload"), "early");
  EXPECT_EQ(Field(Parse(datagrams[1]), "ServiceName"), "it");
  const std::string stdout_text = ExecutorStdout();
  const std::size_t window_over = stdout_text.find("ended (startup window of 3s over): 2 lines sent to");
  const std::size_t exited = stdout_text.find("exited with status 0");
  ASSERT_NE(window_over, std::string::npos);
  ASSERT_NE(exited, std::string::npos);
  EXPECT_LT(window_over, exited) << "the relay ends with its window, not with the container";
  EXPECT_THAT(stdout_text, Not(HasSubstr("\"Payload\":\"late\""))) << "no stdout copy without the setting";
}

TEST_F(LogRelayTest, ADeadReceiverCostsDroppedLinesNotTheTask) {
  executor_env_ = {{"EXECUTOR_RELAY_SYSLOG", "true"}};
  const std::vector<std::string> datagrams = RunRelaying(
      "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do echo line $i; done", ExpectFinishedAndExit,
      Receiver::kAbsent);

  EXPECT_TRUE(datagrams.empty());
  const std::string stdout_text = ExecutorStdout();
  const std::regex summary("ended \\(container stopped\\): (\\d+) lines sent to " + syslog_addr_ + ", (\\d+) dropped");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(stdout_text, match, summary)) << stdout_text;
  const int sent = std::stoi(match[1]);
  const int dropped = std::stoi(match[2]);
  EXPECT_EQ(sent + dropped, 21) << "20 lines and the pump's first line";
  EXPECT_GT(dropped, 0);
  const std::string refused = "cannot send to " + syslog_addr_ + ": Connection refused";
  const std::size_t first = stdout_text.find(refused);
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(stdout_text.find(refused, first + 1), std::string::npos) << "the failure is logged once, not per line";
}

TEST_F(LogRelayTest, ABurstAtTheExitIsRelayedBeforeTheContainerIsRemoved) {
  executor_env_ = {{"EXECUTOR_RELAY_SYSLOG", "true"}};
  // The container writes faster than lines are relayed, so the relay is
  // still reading when the container exits; removing the container then
  // would cut the stream short.
  std::size_t received = 0;
  auto read_until_exit = [&](Run& run) -> asio::awaitable<void> {
    for (;;) {
      // Read as the datagrams arrive, so the receiver's queue never overflows.
      auto exit = co_await run.agent.WaitExecutorExit(base::After(5ms));
      received += udp_->Take().size();
      if (exit.ok()) break;
    }
    EXPECT_EQ(run.agent.TaskState(run.task_id), "TASK_FINISHED");
  };
  received += RunRelaying("seq 100000", read_until_exit).size();

  const std::string stdout_text = ExecutorStdout();
  const std::regex summary("ended \\(container stopped\\): (\\d+) lines sent to " + syslog_addr_ + ", 0 dropped");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(stdout_text, match, summary)) << stdout_text;
  // Docker 20.10 itself may end a followed stream early when the container
  // stops while its reader is behind (seen under load, with curl too), so
  // the count is what the relay read, not necessarily all 100001 lines.
  EXPECT_EQ(received, std::stoul(match[1]));
  EXPECT_GT(received, 1u);
  const std::size_t removed = stdout_text.find("Removed container");
  ASSERT_NE(removed, std::string::npos);
  EXPECT_LT(static_cast<std::size_t>(match.position(0)), removed) << "the removal waits for the relay";
}

TEST_F(LogRelayTest, LinesWrittenWhileTheTaskIsKilledAreRelayed) {
  executor_env_ = {{"EXECUTOR_RELAY_SYSLOG", "true"}};
  std::vector<std::string> datagrams;
  auto kill_when_ready = [&](Run& run) -> asio::awaitable<void> {
    const bool ready = co_await WaitForPayload(*udp_, datagrams, "ready");
    CO_ASSERT_TRUE(ready);
    CO_ASSERT_OK(run.agent.Kill(run.task_id));
    auto killed = co_await run.agent.WaitForState(run.task_id, "TASK_KILLED", base::After(60s));
    CO_ASSERT_OK(killed);
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  };
  const std::vector<std::string> rest = RunRelaying(
      "trap 'echo stopping on TERM; exit 0' TERM; echo ready; while true; do sleep 0.2; done", kill_when_ready);
  datagrams.insert(datagrams.end(), rest.begin(), rest.end());
  std::vector<std::string> payloads;
  for (const std::string& datagram : datagrams) payloads.push_back(Field(Parse(datagram), "Payload"));
  ASSERT_EQ(payloads.size(), 3u);
  EXPECT_EQ(payloads[1], "ready");
  EXPECT_EQ(payloads[2], "stopping on TERM");
  EXPECT_THAT(ExecutorStdout(), HasSubstr("ended (container stopped): 3 lines sent to " + syslog_addr_));
}

TEST_F(LogRelayTest, AnUnusableSyslogAddressLeavesTheStdoutCopyAndTheTask) {
  executor_env_ = {{"EXECUTOR_RELAY_SYSLOG", "true"},
                   {"EXECUTOR_SYSLOG_ADDR", "localhost"},
                   {"EXECUTOR_CONTAINER_LOGS_STDOUT", "true"},
                   {"EXECUTOR_LOG_HOSTNAME", "relay-host"}};
  const boost::json::object task = Task(Spec("echo 'only on stdout'"));
  RunExecutor(&task, ExpectFinishedAndExit);
  const std::string stdout_text = ExecutorStdout();
  EXPECT_THAT(stdout_text,
              AllOf(HasSubstr("Log relay: EXECUTOR_SYSLOG_ADDR=localhost is unusable (address localhost: missing port "
                              "in address); container lines are not sent over UDP, only copied to stdout"),
                    HasSubstr(R"("Hostname":"relay-host","Level":"info","Payload":"only on stdout")"),
                    HasSubstr("ended (container stopped): 2 lines copied to stdout")));
}

}  // namespace
}  // namespace integration
