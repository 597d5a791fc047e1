#include "executor/container_name.h"

#include <gtest/gtest.h>

namespace executor {
namespace {

// Vectors from upstream's container_test.go (upstream-behavior.md 4.3).
TEST(ContainerNameForTaskTest, MatchesUpstreamVectors) {
  EXPECT_EQ(ContainerNameForTask("task_42"), "mesos-5cf434e4-0723-522d-aea0-1a344f913c23");
  EXPECT_EQ(ContainerNameForTask("nginx-2392676-1479746266455-1-dev_singularity_sick_sing-DEFAULT"),
            "mesos-f317e960-8579-5258-95c8-96ccca14f317");
}

TEST(ContainerNameForTaskTest, IsAVersion5UuidOfTheRawBytes) {
  const std::string name = ContainerNameForTask("web-1");
  ASSERT_EQ(name.size(), 6u + 36u);
  EXPECT_EQ(name[6 + 14], '5');  // version nibble
  EXPECT_NE(ContainerNameForTask("web-1"), ContainerNameForTask("web-2"));
  EXPECT_EQ(ContainerNameForTask("web-1"), name);
}

}  // namespace
}  // namespace executor
