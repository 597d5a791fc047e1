// The lifecycle timeline (<sandbox>/timeline.jsonl) and the post-mortem
// (<sandbox>/postmortem.json), through the real executor binary, the fake
// agent, the real Docker daemon and, for the health kill, the fake Sidecar.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/fakes/fake_sidecar.h"
#include "tests/integration/executor_harness.h"

namespace integration {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Exits 0 on SIGTERM.
constexpr char kPolite[] = "trap 'echo bye; exit 0' TERM; echo ready; while true; do sleep 0.2; done";

// One step of an expected sequence: the event and the fields it must carry.
struct Step {
  std::string event;
  json::object fields = {};
};

std::string Describe(const std::vector<json::object>& records) {
  std::string text;
  for (const json::object& record : records) text += "\n  " + json::serialize(record);
  return text;
}

bool Matches(const json::object& record, const Step& step) {
  if (record.at("event") != step.event.c_str()) return false;
  for (const auto& field : step.fields) {
    const json::value* value = record.if_contains(field.key());
    if (!value || *value != field.value()) return false;
  }
  return true;
}

// The steps occur in this order (other records may come in between).
::testing::AssertionResult InOrder(const std::vector<json::object>& records, const std::vector<Step>& steps) {
  std::size_t at = 0;
  for (const Step& step : steps) {
    while (at < records.size() && !Matches(records[at], step)) ++at;
    if (at == records.size()) {
      return ::testing::AssertionFailure() << "no " << step.event << " " << json::serialize(step.fields)
                                           << " in order in the timeline:" << Describe(records);
    }
    ++at;
  }
  return ::testing::AssertionSuccess();
}

std::size_t CountOf(const std::vector<json::object>& records, const Step& step) {
  return std::count_if(records.begin(), records.end(), [&](const json::object& record) { return Matches(record, step); });
}

class TimelineTest : public ExecutorTest {
 protected:
  std::vector<json::object> Timeline() const {
    std::vector<json::object> records;
    std::ifstream in(sandbox_ + "/timeline.jsonl");
    for (std::string line; std::getline(in, line);) {
      boost::system::error_code ec;
      json::value record = json::parse(line, ec);
      EXPECT_FALSE(ec) << "not JSON: " << line;
      if (!ec) records.push_back(std::move(record.as_object()));
    }
    return records;
  }

  std::optional<json::object> Postmortem() const {
    std::ifstream in(sandbox_ + "/postmortem.json");
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str()).as_object();
  }

  // Every line carries both clocks; the monotonic one never goes back.
  static void ExpectClocks(const std::vector<json::object>& records) {
    int64_t previous = 0;
    for (const json::object& record : records) {
      ASSERT_TRUE(record.contains("time")) << json::serialize(record);
      ASSERT_TRUE(record.at("mono_ms").is_int64()) << json::serialize(record);
      EXPECT_GE(record.at("mono_ms").as_int64(), previous) << json::serialize(record);
      previous = record.at("mono_ms").as_int64();
    }
  }

  static std::vector<std::string> Lines(const json::object& postmortem) {
    std::vector<std::string> lines;
    for (const json::value& line : postmortem.at("output").at("lines").as_array()) lines.emplace_back(line.as_string());
    return lines;
  }

  static asio::awaitable<base::Result<std::string>> ContainerOf(Run& run) {
    std::vector<std::string> labels;
    labels.push_back("mesos.task_id=" + run.task_id);
    const auto containers = co_await run.docker.ListContainers(std::move(labels));
    if (!containers.ok()) co_return containers.status();
    if (containers->size() != 1) co_return base::Status::Failed("expected one container for " + run.task_id);
    co_return containers->front().id;
  }
};

TEST_F(TimelineTest, FinishRecordsEveryStepAndLeavesNoPostmortem) {
  const boost::json::object task = Task(Spec("echo hello"));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    const auto finished = co_await run.agent.WaitForState(run.task_id, "TASK_FINISHED", base::After(60s));
    CO_ASSERT_OK(finished);
    const auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
  const std::vector<json::object> records = Timeline();
  ExpectClocks(records);
  EXPECT_TRUE(InOrder(records, {{"executor_started"},
                                {"subscribed", {{"subscription", 1}}},
                                {"launch_received", {{"task_id", task_id_}}},
                                {"status_update", {{"state", "TASK_STARTING"}}},
                                {"image_present", {{"image", kImage}}},
                                {"container_created"},
                                {"container_started"},
                                {"status_update", {{"state", "TASK_RUNNING"}}},
                                {"container_exited", {{"exit_code", 0}, {"oom_killed", false}}},
                                {"status_update", {{"state", "TASK_FINISHED"}}},
                                {"container_removed"},
                                {"executor_exiting", {{"exit_status", 0}}}}));
  // Acknowledgements arrive while the executor goes on.
  for (const char* state : {"TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"}) {
    EXPECT_TRUE(InOrder(records, {{"status_update", {{"state", state}}},
                                  {"update_sent", {{"state", state}}},
                                  {"update_acknowledged", {{"state", state}}},
                                  {"executor_exiting"}}));
  }
  EXPECT_EQ(CountOf(records, {"logs_copied"}), 0u) << "no log copy on success";
  EXPECT_FALSE(Postmortem()) << "no post-mortem for TASK_FINISHED";
}

TEST_F(TimelineTest, FailureRecordsTheExitAndWritesThePostmortem) {
  const boost::json::object task = Task(Spec("echo out-3; echo err-3 >&2; exit 3"));
  std::string message;
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    const auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(60s));
    CO_ASSERT_OK(failed);
    message = failed->message;
    const auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
  const std::vector<json::object> records = Timeline();
  ExpectClocks(records);
  EXPECT_TRUE(InOrder(records, {{"container_started"},
                                {"docker_die", {{"exit_code", 3}, {"after_our_stop", false}}},
                                {"container_exited", {{"exit_code", 3}}},
                                {"status_update", {{"state", "TASK_FAILED"}}},
                                {"logs_copied", {{"lines", 2}}},
                                {"postmortem_written", {{"stopped_by", "exited_by_itself"}}},
                                {"container_removed"},
                                {"executor_exiting"}}));
  EXPECT_EQ(CountOf(records, {"kill_requested"}), 0u);

  const std::optional<json::object> postmortem = Postmortem();
  ASSERT_TRUE(postmortem);
  EXPECT_EQ(postmortem->at("cause"), message.c_str()) << "the cause is the terminal status message";
  EXPECT_EQ(postmortem->at("state"), "TASK_FAILED");
  EXPECT_EQ(postmortem->at("container").at("exit_code"), 3);
  EXPECT_EQ(postmortem->at("container").at("oom_killed"), false);
  EXPECT_EQ(postmortem->at("stopped_by").at("who"), "exited_by_itself");
  EXPECT_TRUE(postmortem->at("kill").is_null());
  EXPECT_THAT(Lines(*postmortem), ::testing::UnorderedElementsAre("stdout: out-3", "stderr: err-3"));
}

TEST_F(TimelineTest, SchedulerKillRecordsWhoAskedAndOurStop) {
  executor_env_ = {{"EXECUTOR_SIDECAR_DRAINING_DURATION", "0"}};
  const boost::json::object task = Task(Spec(kPolite));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    const auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s));
    CO_ASSERT_OK(running);
    CO_ASSERT_OK(run.agent.Kill(run.task_id, 3s));
    const auto killed = co_await run.agent.WaitForState(run.task_id, "TASK_KILLED", base::After(60s));
    CO_ASSERT_OK(killed);
    const auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
  const std::vector<json::object> records = Timeline();
  ExpectClocks(records);
  EXPECT_TRUE(InOrder(records, {{"status_update", {{"state", "TASK_RUNNING"}}},
                                {"kill_requested", {{"by", "scheduler"}, {"grace_ms", 3000}, {"effect", "stop"}}},
                                {"drain_outcome", {{"outcome", "skipped"}}},
                                {"container_stopping", {{"timeout_s", 3}}},
                                {"docker_kill", {{"signal", 15}, {"signal_name", "SIGTERM"}, {"after_our_stop", true}}},
                                {"docker_die", {{"exit_code", 0}}},
                                {"container_exited", {{"exit_code", 0}}},
                                {"status_update", {{"state", "TASK_KILLED"}}},
                                {"logs_copied"},
                                {"postmortem_written", {{"stopped_by", "our_stop"}}},
                                {"container_removed"},
                                {"executor_exiting", {{"exit_status", 0}}}}));
  EXPECT_TRUE(InOrder(records, {{"update_acknowledged", {{"state", "TASK_KILLED"}}}, {"executor_exiting"}}));

  const std::optional<json::object> postmortem = Postmortem();
  ASSERT_TRUE(postmortem);
  EXPECT_EQ(postmortem->at("state"), "TASK_KILLED");
  EXPECT_EQ(postmortem->at("kill").at("by"), "scheduler");
  EXPECT_EQ(postmortem->at("stopped_by").at("who"), "our_stop");
  EXPECT_EQ(postmortem->at("stopped_by").at("signal_name"), "SIGTERM");
  EXPECT_EQ(postmortem->at("drain").at("outcome"), "skipped");
  EXPECT_THAT(Lines(*postmortem), ::testing::ElementsAre("stdout: ready", "stdout: bye"));
}

constexpr char kHost[] = "timeline-it-host";

TEST_F(TimelineTest, HealthKillRecordsTheObservationsTheDrainAndTheStop) {
  executor_env_ = FastSidecarSettings(kHost);
  fakes::FakeSidecar* sidecar = nullptr;
  std::string message;
  std::string service_id;
  RunExecutorWith(
      [&](asio::any_io_executor executor, Keep& keep) {
        auto fake = std::make_shared<fakes::FakeSidecar>(executor, kHost);
        EXPECT_TRUE(fake->Start().ok());
        sidecar = fake.get();
        keep.push_back(fake);
        local_agent::TaskSpec spec = Spec(kPolite);
        spec.environment.emplace_back("EXECUTOR_SIDECAR_URL", fake->state_url());
        return Task(spec);
      },
      [&](Run& run) -> asio::awaitable<void> {
        const auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s));
        CO_ASSERT_OK(running);
        const auto id = co_await ContainerOf(run);
        CO_ASSERT_OK(id);
        service_id = id->substr(0, 12);
        sidecar->SetService(kHost, service_id, 0);
        auto healthy = [&run] {
          for (const auto& update : run.agent.updates()) {
            if (update.healthy && *update.healthy) return true;
          }
          return false;
        };
        const bool affirmed = co_await run.agent.WaitUntil(healthy, base::After(60s));
        CO_ASSERT_TRUE(affirmed);
        sidecar->SetService(kHost, service_id, 2);
        const auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(60s));
        CO_ASSERT_OK(failed);
        message = failed->message;
        const auto exit = co_await ExecutorExit(run.agent);
        CO_ASSERT_OK(exit);
      });
  const std::vector<json::object> records = Timeline();
  ExpectClocks(records);
  EXPECT_TRUE(InOrder(records, {{"container_started"},
                                {"health_checks_started", {{"service_id", service_id}, {"threshold", 3}}},
                                {"health_observation", {{"status", "ALIVE"}, {"healthy", true}, {"streak", 0}}},
                                {"health_observation", {{"status", "UNHEALTHY"}, {"healthy", false}, {"streak", 1}}},
                                {"health_observation", {{"status", "UNHEALTHY"}, {"streak", 2}}},
                                {"health_observation", {{"status", "UNHEALTHY"}, {"streak", 3}}},
                                {"kill_requested", {{"by", "health"}, {"grace_ms", 6000}}},
                                {"drain_requested", {{"service_id", service_id}}},
                                {"drain_outcome", {{"outcome", "drained"}}},
                                {"container_stopping"},
                                {"docker_kill", {{"after_our_stop", true}}},
                                {"docker_die"},
                                {"container_exited"},
                                {"status_update", {{"state", "TASK_FAILED"}, {"healthy", false}}},
                                {"postmortem_written", {{"stopped_by", "our_stop"}}},
                                {"container_removed"}}));
  // Polls that change nothing are not recorded: one ALIVE, however many came.
  EXPECT_EQ(CountOf(records, {"health_observation", {{"status", "ALIVE"}}}), 1u) << Describe(records);
  EXPECT_EQ(CountOf(records, {"health_observation", {{"status", "UNHEALTHY"}}}), 3u) << Describe(records);

  const std::optional<json::object> postmortem = Postmortem();
  ASSERT_TRUE(postmortem);
  EXPECT_EQ(postmortem->at("cause"), message.c_str());
  EXPECT_EQ(postmortem->at("healthy"), false);
  EXPECT_EQ(postmortem->at("kill").at("by"), "health");
  EXPECT_EQ(postmortem->at("kill").at("grace_ms"), 6000) << "as requested, before the drain took its share";
  EXPECT_EQ(postmortem->at("stopped_by").at("who"), "our_stop");
  EXPECT_EQ(postmortem->at("drain").at("outcome"), "drained");
  // Before the service was listed, Sidecar did not know the host: that poll is there too.
  const json::array& health = postmortem->at("health").as_array();
  ASSERT_GE(health.size(), 4u);
  const std::size_t last = health.size() - 1;
  EXPECT_EQ(health[last - 3].at("status"), "ALIVE");
  EXPECT_EQ(health[last].at("status"), "UNHEALTHY");
  EXPECT_EQ(health[last].at("streak"), 3);
  EXPECT_THAT(std::string(health[last].at("kill").as_string()), HasSubstr("unhealthy in 3 consecutive polls"));
  for (const json::value& observation : health) EXPECT_TRUE(observation.as_object().contains("time"));
}

TEST_F(TimelineTest, OomPostmortemNamesTheOomKiller) {
  local_agent::TaskSpec spec = Spec("echo filling; x=$(head -c 60000000 /dev/zero | tr '\\0' a); echo ${#x}");
  spec.parameters = {{"memory", "16m"}, {"memory-swap", "16m"}};
  const boost::json::object task = Task(spec);
  std::string message;
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    const auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(60s));
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->reason, "REASON_CONTAINER_LIMITATION_MEMORY");
    message = failed->message;
    const auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
  const std::vector<json::object> records = Timeline();
  // Docker relays every OOM notification of the container's cgroup, often several.
  EXPECT_GE(CountOf(records, {"docker_oom"}), 1u) << Describe(records);
  EXPECT_TRUE(InOrder(records, {{"container_started"},
                                {"docker_die", {{"exit_code", 137}}},
                                {"container_exited", {{"exit_code", 137}, {"oom_killed", true}}},
                                {"status_update", {{"state", "TASK_FAILED"}}},
                                {"postmortem_written", {{"stopped_by", "oom_killer"}}}}));

  const std::optional<json::object> postmortem = Postmortem();
  ASSERT_TRUE(postmortem);
  EXPECT_EQ(postmortem->at("cause"), message.c_str());
  EXPECT_EQ(postmortem->at("reason"), "REASON_CONTAINER_LIMITATION_MEMORY");
  EXPECT_EQ(postmortem->at("container").at("oom_killed"), true);
  EXPECT_EQ(postmortem->at("container").at("exit_code"), 137);
  EXPECT_EQ(postmortem->at("container").at("signal_name"), "SIGKILL");
  EXPECT_EQ(postmortem->at("stopped_by").at("who"), "oom_killer");
  EXPECT_TRUE(postmortem->at("kill").is_null());
  EXPECT_THAT(Lines(*postmortem), ::testing::Contains("stdout: filling"));
}

TEST_F(TimelineTest, OutsideDockerKillIsNamedWithItsSignal) {
  const boost::json::object task = Task(Spec(kPolite));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    const auto running = co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s));
    CO_ASSERT_OK(running);
    const auto id = co_await ContainerOf(run);
    CO_ASSERT_OK(id);
    const base::Status killed = co_await run.docker.Kill(*id, "SIGKILL");
    CO_ASSERT_OK(killed);
    const auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(60s));
    CO_ASSERT_OK(failed);
    EXPECT_THAT(failed->message, HasSubstr("status 137"));
    const auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
  const std::vector<json::object> records = Timeline();
  EXPECT_TRUE(InOrder(records, {{"container_started"},
                                {"docker_kill", {{"signal", 9}, {"after_our_stop", false}}},
                                {"docker_die", {{"exit_code", 137}}},
                                {"container_exited", {{"exit_code", 137}}},
                                {"postmortem_written", {{"stopped_by", "outside_kill"}}}}));
  EXPECT_EQ(CountOf(records, {"container_stopping"}), 0u) << "the executor stopped nothing";

  const std::optional<json::object> postmortem = Postmortem();
  ASSERT_TRUE(postmortem);
  EXPECT_EQ(postmortem->at("stopped_by").at("who"), "outside_kill");
  EXPECT_EQ(postmortem->at("stopped_by").at("signal"), 9);
  EXPECT_EQ(postmortem->at("stopped_by").at("signal_name"), "SIGKILL");
  EXPECT_EQ(postmortem->at("container").at("exit_code"), 137);
  EXPECT_EQ(postmortem->at("container").at("oom_killed"), false);
  EXPECT_TRUE(postmortem->at("kill").is_null());
}

}  // namespace
}  // namespace integration
