#include "executor/postmortem.h"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "executor/timeline.h"

namespace executor {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

PostmortemFacts OomFacts() {
  PostmortemFacts facts;
  facts.terminal = mesos::TaskStatus{"task-1", mesos::TaskState::kFailed, mesos::Reason::kContainerLimitationMemory,
                                     "Container was killed by the kernel for exceeding its memory limit (OOM); "
                                     "exited with status 137 (killed by signal 9, SIGKILL)"};
  facts.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795687331123));
  ContainerFinalState container;
  container.id = "3f2a9c1b7d4e0000";
  container.name = "mesos-abc";
  container.image = "busybox:1";
  container.exit_code = 137;
  container.oom_killed = true;
  container.finished_at = "2026-11-26T10:02:11.1Z";
  facts.container = container;
  facts.docker_events = {{"oom", std::nullopt, std::nullopt, 1795687330000000000, false},
                         {"die", std::nullopt, 137, 1795687331000000000, false}};
  facts.stopped_by = StopAttribution{StoppedBy::kOomKiller, std::nullopt, "Docker reported an oom event"};
  facts.output = {"stdout: allocating", "stderr: password=pm-secret-0815"};
  facts.output_window = "3m0s";
  return facts;
}

TEST(BuildPostmortem, OomSaysWhatDockerSaidAndWhoStoppedIt) {
  Redactor redactor;
  redactor.AddSecret("pm-secret-0815");
  const json::object doc = BuildPostmortem(OomFacts(), redactor);
  EXPECT_EQ(doc.at("task_id"), "task-1");
  EXPECT_EQ(doc.at("state"), "TASK_FAILED");
  EXPECT_EQ(doc.at("reason"), "REASON_CONTAINER_LIMITATION_MEMORY");
  EXPECT_EQ(std::string(doc.at("cause").as_string()), OomFacts().terminal.message)
      << "the cause is the terminal message, verbatim";
  EXPECT_EQ(doc.at("written_at"), "2026-11-26T10:02:11.123Z");
  EXPECT_TRUE(doc.at("kill").is_null());
  const json::object& container = doc.at("container").as_object();
  EXPECT_EQ(container.at("exit_code"), 137);
  EXPECT_EQ(container.at("signal"), 9);
  EXPECT_EQ(container.at("signal_name"), "SIGKILL");
  EXPECT_EQ(container.at("oom_killed"), true);
  EXPECT_EQ(container.at("image"), "busybox:1");
  EXPECT_EQ(doc.at("stopped_by").at("who"), "oom_killer");
  EXPECT_EQ(doc.at("stopped_by").at("evidence"), "Docker reported an oom event");
  const json::array& events = doc.at("docker_events").as_array();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].at("action"), "oom");
  EXPECT_EQ(events[0].at("time"), "2026-11-26T10:02:10.000Z");
  EXPECT_EQ(events[1].at("exit_code"), 137);
  EXPECT_EQ(doc.at("output").at("window"), "3m0s");
  EXPECT_EQ(doc.at("output").at("lines"), (json::array{"stdout: allocating", "stderr: password=[REDACTED]"}));
  EXPECT_FALSE(doc.contains("healthy"));
}

TEST(BuildPostmortem, HealthKillCarriesTheObservationsAndTheDrain) {
  PostmortemFacts facts;
  facts.terminal = mesos::TaskStatus{"task-2", mesos::TaskState::kFailed, mesos::Reason::kNone,
                                     "Task stopped after failed Sidecar health checks (...)", false};
  for (int streak = 1; streak <= 3; ++streak) {
    facts.timeline_records.push_back(json::object{{"mono_ms", streak * 200},
                                                  {"time", "2026-11-26T10:02:1" + std::to_string(streak) + ".000Z"},
                                                  {"event", "health_observation"},
                                                  {"status", "UNHEALTHY"},
                                                  {"streak", streak}});
  }
  facts.timeline_records.push_back(
      json::object{{"event", "kill_requested"}, {"by", "health"}, {"grace_ms", 6000}, {"effect", "stop"}});
  facts.timeline_records.push_back(json::object{{"event", "drain_requested"}, {"service_id", "3f2a9c1b7d4e"}});
  facts.timeline_records.push_back(
      json::object{{"event", "drain_outcome"}, {"outcome", "drained"}, {"wait_ms", 1000}});
  facts.timeline_records.push_back(
      json::object{{"event", "kill_requested"}, {"by", "shutdown"}, {"grace_ms", 3000}, {"effect", "shorter_grace"}});
  const json::object doc = BuildPostmortem(facts, Redactor());
  EXPECT_EQ(doc.at("healthy"), false);
  EXPECT_TRUE(doc.at("reason").is_null());
  EXPECT_EQ(doc.at("kill").at("by"), "health") << "the request that started the stop";
  EXPECT_EQ(doc.at("kill").at("grace_ms"), 6000);
  const json::array& health = doc.at("health").as_array();
  ASSERT_EQ(health.size(), 3u);
  EXPECT_EQ(health[2].at("streak"), 3);
  // The record as the timeline has it, its own clock first, minus what only the timeline needs.
  EXPECT_EQ(health[0].as_object().begin()->key(), "time");
  EXPECT_EQ(health[0].at("time"), "2026-11-26T10:02:11.000Z");
  EXPECT_FALSE(health[0].as_object().contains("mono_ms"));
  EXPECT_FALSE(health[0].as_object().contains("event"));
  EXPECT_EQ(doc.at("drain").at("outcome"), "drained");
  EXPECT_TRUE(doc.at("container").is_null()) << "no container in the facts";
  EXPECT_TRUE(doc.at("stopped_by").is_null());
}

TEST(BuildPostmortem, ADrainWithoutAnswerIsUnfinished) {
  PostmortemFacts facts;
  facts.timeline_records.push_back(json::object{{"event", "drain_requested"}, {"service_id", "3f2a9c1b7d4e"}});
  const json::object doc = BuildPostmortem(facts, Redactor());
  EXPECT_EQ(doc.at("drain").at("outcome"), "unfinished");
  EXPECT_EQ(doc.at("drain").at("service_id"), "3f2a9c1b7d4e");
}

TEST(FormatIndentedJson, IsTheSameDocumentOneFieldPerLine) {
  const json::object doc = BuildPostmortem(OomFacts(), Redactor());
  const std::string text = FormatIndentedJson(doc);
  EXPECT_EQ(json::parse(text), doc);
  EXPECT_THAT(text, HasSubstr("\n  \"cause\": \"Container was killed"));
  EXPECT_THAT(text, HasSubstr("\"kill\": null"));
  EXPECT_EQ(FormatIndentedJson(json::object{}), "{}\n");
  EXPECT_EQ(FormatIndentedJson(json::object{{"a", json::array{}}}), "{\n  \"a\": []\n}\n");
}

class WriteFileAtomicallyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "postmortem-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }
  std::string dir_;
};

TEST_F(WriteFileAtomicallyTest, ReplacesTheFileAndLeavesNoTemporary) {
  const std::string path = dir_ + "/postmortem.json";
  ASSERT_TRUE(WriteFileAtomically(path, "first\n").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second\n").ok());
  EXPECT_EQ(Read(path), "second\n");
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
  EXPECT_THAT(names, ElementsAre("postmortem.json"));
}

TEST_F(WriteFileAtomicallyTest, AFailureNamesTheFile) {
  const base::Status status = WriteFileAtomically(dir_ + "/missing/postmortem.json", "x");
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("missing/postmortem.json"));
}

TEST(OutputTail, KeepsTheLastLinesAndCountsAll) {
  OutputTail tail(2);
  tail.Add("stdout", "one");
  tail.Add("stderr", "two");
  tail.Add("stdout", "three");
  EXPECT_THAT(tail.Lines(), ElementsAre("stderr: two", "stdout: three"));
  EXPECT_EQ(tail.seen(), 3u);
}

}  // namespace
}  // namespace executor
