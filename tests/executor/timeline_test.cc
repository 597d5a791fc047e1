#include "executor/timeline.h"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>

namespace executor {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using ::testing::ElementsAre;

class TimelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "timeline-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/timeline.jsonl";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> Lines() const {
    std::ifstream in(path_);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  std::vector<json::object> Records() const {
    std::vector<json::object> records;
    for (const std::string& line : Lines()) records.push_back(json::parse(line).as_object());
    return records;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(TimelineTest, WritesOneObjectPerLineWithBothClocksAndTheFields) {
  Timeline timeline;
  timeline.Open(path_);
  timeline.Record("container_created", json::object{{"container_id", "abc"}, {"attempt", 2}});
  timeline.Record("container_started");
  const std::vector<json::object> records = Records();
  ASSERT_EQ(records.size(), 2u);
  const std::regex rfc3339_ms(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  int64_t previous_mono = 0;
  for (const json::object& record : records) {
    ASSERT_TRUE(record.at("mono_ms").is_int64());
    EXPECT_GE(record.at("mono_ms").as_int64(), previous_mono) << "monotonic";
    previous_mono = record.at("mono_ms").as_int64();
    EXPECT_TRUE(std::regex_match(std::string(record.at("time").as_string()), rfc3339_ms)) << record.at("time");
  }
  // The clocks and the name lead, so that lines read well side by side.
  EXPECT_EQ(records[0].begin()->key(), "mono_ms");
  EXPECT_EQ(records[0].at("event"), "container_created");
  EXPECT_EQ(records[0].at("container_id"), "abc");
  EXPECT_EQ(records[0].at("attempt"), 2);
  EXPECT_EQ(records[1].at("event"), "container_started");
}

TEST_F(TimelineTest, AppendsToWhatIsThere) {
  std::ofstream(path_) << R"({"event":"earlier"})" << "\n";
  Timeline timeline;
  timeline.Open(path_);
  timeline.Record("later");
  const std::vector<json::object> records = Records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].at("event"), "earlier");
  EXPECT_EQ(records[1].at("event"), "later");
}

TEST_F(TimelineTest, ScrubsSecretsAtAnyDepth) {
  GlobalRedactor().AddSecret("timeline-secret-4711");
  Timeline timeline;
  timeline.Open(path_);
  timeline.Record("status_update",
                  json::object{{"message", "login with timeline-secret-4711 failed"},
                               {"nested", json::object{{"lines", json::array{"x timeline-secret-4711 y"}}}}});
  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find("timeline-secret-4711"), std::string::npos) << lines[0];
  const json::object record = json::parse(lines[0]).as_object();
  EXPECT_EQ(record.at("message"), "login with [REDACTED] failed");
  EXPECT_EQ(record.at("nested").at("lines").at(0), "x [REDACTED] y");
}

TEST_F(TimelineTest, RecordsNothingUntilOpened) {
  Timeline timeline;
  EXPECT_FALSE(timeline.enabled());
  timeline.Record("ignored");
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(TimelineTest, AnUnwritablePlaceCostsTheTaskNothing) {
  Timeline timeline;
  timeline.Open(dir_ + "/no/such/dir/timeline.jsonl");
  timeline.Record("first");
  timeline.Record("second");  // dropped quietly: the failure was logged once
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(TimelineTest, ClosedStopsRecording) {
  Timeline timeline;
  timeline.Open(path_);
  timeline.Record("kept");
  timeline.Close();
  timeline.Record("dropped");
  EXPECT_EQ(Lines().size(), 1u);
}

TEST_F(TimelineTest, ReadsBackTheLastRecordsOfTheNamedEvents) {
  std::ofstream(path_) << R"({"event":"health_observation","n":1})" << "\n"
                       << "not json\n"
                       << R"({"event":"pull_progress"})" << "\n"
                       << R"({"event":"health_observation","n":2})" << "\n"
                       << R"({"no_event":true})" << "\n"
                       << R"({"event":"drain_outcome","n":3})" << "\n"
                       << R"({"event":"health_observation","n":4})" << "\n";
  std::vector<int64_t> numbers;
  for (const json::object& record : ReadTimelineRecords(path_, {"health_observation", "drain_outcome"}, 3)) {
    numbers.push_back(record.at("n").as_int64());
  }
  EXPECT_THAT(numbers, ElementsAre(2, 3, 4));
  EXPECT_TRUE(ReadTimelineRecords(dir_ + "/absent.jsonl", {"health_observation"}, 3).empty());
}

}  // namespace
}  // namespace executor
