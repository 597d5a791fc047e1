// Docker's JSON answers become plain data; absent keys and Docker's
// "never happened" timestamps read as unset (docker-engine-api.md §4).
#include "docker/responses.h"

#include <gtest/gtest.h>

namespace docker {
namespace {

TEST(ParseContainerState, ReadsARunningContainer) {
  base::Result<ContainerState> state = ParseContainerState(R"({
    "Id": "bafdb622", "Name": "/factsheet-a", "Image": "sha256:00e27426",
    "Config": {"Image": "bb:1", "Tty": true, "StopSignal": "SIGUSR1",
               "Labels": {"factsheet.owner": "spec"}},
    "State": {"Status":"running","Running":true,"Paused":false,"Restarting":false,"OOMKilled":false,
              "Dead":false,"Pid":1218,"ExitCode":0,"Error":"",
              "StartedAt":"2026-11-24T23:18:52.291743153Z","FinishedAt":"0001-01-01T00:00:00Z"}})");
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_EQ(state->id, "bafdb622");
  EXPECT_EQ(state->name, "factsheet-a");
  EXPECT_EQ(state->image, "bb:1");
  EXPECT_EQ(state->image_id, "sha256:00e27426");
  EXPECT_EQ(state->status, "running");
  EXPECT_TRUE(state->running);
  EXPECT_EQ(state->pid, 1218);
  EXPECT_EQ(state->started_at, "2026-11-24T23:18:52.291743153Z");
  EXPECT_EQ(state->finished_at, "");
  EXPECT_TRUE(state->tty);
  EXPECT_EQ(state->stop_signal, "SIGUSR1");
  EXPECT_EQ(state->labels, (std::map<std::string, std::string>{{"factsheet.owner", "spec"}}));
}

TEST(ParseContainerState, ReadsAnOomKill) {
  base::Result<ContainerState> state = ParseContainerState(R"({"Id":"x","Name":"/n","Config":{},
    "State":{"Status":"exited","Running":false,"OOMKilled":true,"Pid":0,"ExitCode":137,"Error":"",
             "StartedAt":"2026-11-24T23:18:52Z","FinishedAt":"2026-11-24T23:18:53Z"}})");
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->running);
  EXPECT_TRUE(state->oom_killed);
  EXPECT_EQ(state->exit_code, 137);
  EXPECT_EQ(state->finished_at, "2026-11-24T23:18:53Z");
  EXPECT_FALSE(state->stop_signal.has_value());
  EXPECT_TRUE(state->labels.empty());
}

// Beyond int64 a number has no conversion (fuzz/docker_responses_fuzzer): it
// reads as a missing one.
TEST(ParseContainerState, NumbersBeyondInt64ReadAsMissing) {
  base::Result<ContainerState> state =
      ParseContainerState(R"({"Id":"x","State":{"Status":"running","Pid":1e300,"ExitCode":-1e300}})");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->pid, 0);
  EXPECT_EQ(state->exit_code, 0);
}

// Docker prefixes one '/' to a name; only that one goes, so a name that
// never came from Docker ("//n", found by fuzz/docker_responses_fuzzer)
// cannot pass for one of ours.
TEST(ParseContainerState, RemovesOnlyDockersOneLeadingSlash) {
  const auto name_of = [](std::string_view json_name) {
    base::Result<ContainerState> state = ParseContainerState(R"({"Id":"x","Name":)" + std::string(json_name) + "}");
    EXPECT_TRUE(state.ok());
    return state.ok() ? state->name : std::string("<unreadable>");
  };
  EXPECT_EQ(name_of(R"("/mesos-1")"), "mesos-1");
  EXPECT_EQ(name_of(R"("mesos-1")"), "mesos-1");
  EXPECT_EQ(name_of(R"("//mesos-1")"), "/mesos-1");
  EXPECT_EQ(name_of(R"("/")"), "");
  EXPECT_EQ(name_of("17"), "");
}

TEST(ParseContainerState, RejectsSomethingThatIsNotJson) {
  EXPECT_FALSE(ParseContainerState("page not found").ok());
  EXPECT_FALSE(ParseContainerState("[]").ok());
}

TEST(ParseExitStatus, ReadsCodeAndError) {
  base::Result<ExitStatus> plain = ParseExitStatus(R"({"Error":null,"StatusCode":3})");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->status_code, 3);
  EXPECT_EQ(plain->error, "");
  base::Result<ExitStatus> failed = ParseExitStatus(
      R"({"Error":{"Message":"exec: \"true\": executable file not found"},"StatusCode":128})");
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->status_code, 128);
  EXPECT_EQ(failed->error, "exec: \"true\": executable file not found");
  EXPECT_FALSE(ParseExitStatus(R"({"Error":null})").ok());
}

TEST(ParseImageInfo, ReadsIdTagsAndStopSignal) {
  base::Result<ImageInfo> info = ParseImageInfo(
      R"({"Id":"sha256:90aa","RepoTags":["bb:1","bb:latest"],"Config":{"StopSignal":"SIGQUIT"}})");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->id, "sha256:90aa");
  EXPECT_EQ(info->repo_tags, (std::vector<std::string>{"bb:1", "bb:latest"}));
  EXPECT_EQ(info->stop_signal, "SIGQUIT");
  base::Result<ImageInfo> bare =
      ParseImageInfo(R"({"Id":"sha256:90aa","RepoTags":null,"Config":{"Env":[]}})");
  ASSERT_TRUE(bare.ok());
  EXPECT_FALSE(bare->stop_signal.has_value());
  EXPECT_TRUE(bare->repo_tags.empty());
}

TEST(ParseContainerList, ReadsEntries) {
  base::Result<std::vector<ContainerSummary>> list = ParseContainerList(R"([
    {"Id":"bafdb622","Names":["/factsheet-a"],"Image":"bb:1","ImageID":"sha256:00e2",
     "Labels":{"factsheet.owner":"spec"},"State":"exited","Status":"Exited (3) 7 minutes ago"}])");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, "bafdb622");
  EXPECT_EQ((*list)[0].names, std::vector<std::string>{"factsheet-a"});
  EXPECT_EQ((*list)[0].state, "exited");
  EXPECT_EQ((*list)[0].labels.at("factsheet.owner"), "spec");
  EXPECT_FALSE(ParseContainerList("{}").ok());
}

TEST(ParseCreatedId, ReadsTheId) {
  EXPECT_EQ(*ParseCreatedId(R"({"Id":"bafdb622","Warnings":[]})"), "bafdb622");
  EXPECT_FALSE(ParseCreatedId(R"({"Warnings":[]})").ok());
}

}  // namespace
}  // namespace docker
