// sidecar/seeds: the two Mesos documents behind SIDECAR_SEEDS.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sidecar/seeds.h"

namespace sidecar {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ParseMasterHostname, ReadsTheField) {
  auto master = ParseMasterHostname(R"({"version":"1.11.0","master_hostname":"mesos-master-1","id":"x"})");
  ASSERT_TRUE(master.ok()) << master.status().message();
  EXPECT_EQ(*master, "mesos-master-1");
}

TEST(ParseMasterHostname, MatchesTheKeyAsGoDoes) {
  EXPECT_EQ(ParseMasterHostname(R"({"Master_Hostname":"m"})").value(), "m");
  EXPECT_EQ(ParseMasterHostname(R"({"master_hostname":"a","master_hostname":"b"})").value(), "b");
  EXPECT_EQ(ParseMasterHostname(R"({"master_hostname":"a","Master_Hostname":"b"})").value(), "b");
  EXPECT_EQ(ParseMasterHostname(R"({"master_hostname":"a","Master_Hostname":null})").value(), "a");
}

TEST(ParseMasterHostname, FailsWithoutAMaster) {
  EXPECT_THAT(ParseMasterHostname(R"({"id":"x"})").status().message(), HasSubstr("no master_hostname"));
  EXPECT_THAT(ParseMasterHostname(R"({"master_hostname":""})").status().message(), HasSubstr("no master_hostname"));
  EXPECT_THAT(ParseMasterHostname(R"({"master_hostname":5})").status().message(), HasSubstr("not a string"));
  EXPECT_THAT(ParseMasterHostname("[]").status().message(), HasSubstr("not an object"));
  EXPECT_THAT(ParseMasterHostname("<html>").status().message(), HasSubstr("not JSON"));
  EXPECT_FALSE(ParseMasterHostname("").ok());
}

TEST(ParseAgentHostnames, KeepsTheMastersOrder) {
  auto agents = ParseAgentHostnames(
      R"({"slaves":[{"id":"S1","hostname":"worker-2","port":5051},{"hostname":"worker-1"},{"hostname":"worker-3"}]})");
  ASSERT_TRUE(agents.ok()) << agents.status().message();
  EXPECT_THAT(*agents, ElementsAre("worker-2", "worker-1", "worker-3"));
}

TEST(ParseAgentHostnames, EdgeCasesAsUpstream) {
  EXPECT_THAT(ParseAgentHostnames(R"({"slaves":[]})").value(), IsEmpty());
  EXPECT_THAT(ParseAgentHostnames(R"({"recovered_slaves":[]})").value(), IsEmpty());
  EXPECT_THAT(ParseAgentHostnames(R"({"slaves":null})").value(), IsEmpty());
  EXPECT_THAT(ParseAgentHostnames(R"({"slaves":[{"hostname":"a"}],"Slaves":null})").value(), IsEmpty());
  EXPECT_THAT(ParseAgentHostnames("null").value(), IsEmpty());
  // An agent without a hostname still takes its place.
  EXPECT_THAT(ParseAgentHostnames(R"({"slaves":[{"hostname":"a"},{},null,{"HOSTNAME":"b"}]})").value(),
              ElementsAre("a", "", "", "b"));
}

TEST(ParseAgentHostnames, WrongShapesFail) {
  EXPECT_FALSE(ParseAgentHostnames(R"({"slaves":{}})").ok());
  EXPECT_FALSE(ParseAgentHostnames(R"({"slaves":["a"]})").ok());
  EXPECT_FALSE(ParseAgentHostnames(R"({"slaves":[{"hostname":1}]})").ok());
  EXPECT_FALSE(ParseAgentHostnames("{").ok());
}

}  // namespace
}  // namespace sidecar
