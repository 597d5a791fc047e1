#include "tools/local_agent/agent_json.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace local_agent {
namespace {

TEST(AgentJson, DoublesCarryAFraction) {
  const boost::json::object object{{"mem", 64.0}, {"cpus", 0.5}, {"tiny", 1e-7}, {"count", 3}};
  EXPECT_EQ(RenderJson(object), R"({"mem":64.0,"cpus":0.5,"tiny":1e-07,"count":3})");
}

TEST(AgentJson, StringsAreEscapedAndStructureKept) {
  const boost::json::value value = boost::json::parse(R"({"a":["x\"y",true,null,{"b":-1}]})");
  EXPECT_EQ(RenderJson(value), R"({"a":["x\"y",true,null,{"b":-1}]})");
}

TEST(AgentJson, RoundTripsThroughAParser) {
  const boost::json::object object{{"failover_timeout", 0.0}, {"value", 2048.0}};
  EXPECT_EQ(boost::json::parse(RenderJson(object)), boost::json::value(object));
}

}  // namespace
}  // namespace local_agent
