// upstream-behavior.md 4.9 formulas and the D31 fixes.
#include "executor/resource_limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

namespace executor {
namespace {

using testing::HasSubstr;
using testing::IsEmpty;

Settings Forced(bool cpu, bool memory, bool shares) {
  Settings settings = DefaultSettings("host");
  settings.force_cpu_limit = cpu;
  settings.force_memory_limit = memory;
  settings.use_cpu_shares = shares;
  return settings;
}

TEST(ResourceLimitsTest, NothingUnlessForced) {
  docker::ContainerConfig config;
  auto warnings = ApplyResourceLimits({{"cpus", 2}, {"mem", 256}}, Forced(false, false, true), 8, config);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_FALSE(config.cpu_quota_us);
  EXPECT_FALSE(config.cpu_period_us);
  EXPECT_FALSE(config.cpu_shares);
  EXPECT_FALSE(config.memory_bytes);
}

TEST(ResourceLimitsTest, CfsQuotaOverFiftyMillisecondPeriod) {
  docker::ContainerConfig config;
  ApplyResourceLimits({{"cpus", 0.5}}, Forced(true, false, false), 8, config);
  EXPECT_EQ(config.cpu_period_us, 50000);
  EXPECT_EQ(config.cpu_quota_us, 25000);
  EXPECT_FALSE(config.cpu_shares);
}

TEST(ResourceLimitsTest, TinyCpusGetTheOneMillisecondMinimumQuota) {
  docker::ContainerConfig config;
  ApplyResourceLimits({{"cpus", 0.01}}, Forced(true, false, false), 8, config);
  EXPECT_EQ(config.cpu_quota_us, 1000);  // upstream: 500, which Docker rejects
}

// Beyond int64 the conversion is undefined (fuzz/task_mapping_fuzzer): the
// limits saturate instead.
TEST(ResourceLimitsTest, AbsurdResourcesGiveTheLargestLimits) {
  docker::ContainerConfig config;
  ApplyResourceLimits({{"cpus", 1e300}, {"mem", 1e300}}, Forced(true, true, false), 8, config);
  EXPECT_EQ(config.cpu_quota_us, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(config.memory_bytes, std::numeric_limits<int64_t>::max());
}

TEST(ResourceLimitsTest, SharesAreAFractionOfTheHost) {
  docker::ContainerConfig config;
  ApplyResourceLimits({{"cpus", 4}}, Forced(true, false, true), 8, config);
  EXPECT_EQ(config.cpu_shares, 512);
  EXPECT_FALSE(config.cpu_quota_us);
  EXPECT_FALSE(config.cpu_period_us);
}

TEST(ResourceLimitsTest, SharesAreCappedAtOneHostAndWarned) {
  docker::ContainerConfig config;
  auto warnings = ApplyResourceLimits({{"cpus", 12}}, Forced(true, false, true), 8, config);
  EXPECT_EQ(config.cpu_shares, 1024);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("12 CPUs but the host has 8"));
}

TEST(ResourceLimitsTest, SharesNeverFallBelowTwo) {
  docker::ContainerConfig config;
  ApplyResourceLimits({{"cpus", 0.001}}, Forced(true, false, true), 64, config);
  EXPECT_EQ(config.cpu_shares, 2);  // upstream: 0, which Docker reads as 1024
}

TEST(ResourceLimitsTest, EveryEntryCounts) {
  docker::ContainerConfig config;
  ApplyResourceLimits({{"cpus", 0.25}, {"mem", 128}, {"disk", 10}, {"cpus", 0.25}, {"mem", 128.5}},
                      Forced(true, true, false), 8, config);
  EXPECT_EQ(config.cpu_quota_us, 25000);
  EXPECT_EQ(config.memory_bytes, static_cast<int64_t>(256.5 * 1024 * 1024));
}

TEST(ResourceLimitsTest, MemoryIsMegabytesAsBytes) {
  docker::ContainerConfig config;
  ApplyResourceLimits({{"mem", 256}}, Forced(false, true, false), 8, config);
  EXPECT_EQ(config.memory_bytes, 268435456);
  EXPECT_FALSE(config.memory_swap_bytes);
}

TEST(ResourceLimitsTest, AbsentOrZeroResourcesSetNoLimit) {
  docker::ContainerConfig config;
  ApplyResourceLimits({{"cpus", 0}, {"disk", 100}}, Forced(true, true, false), 8, config);
  EXPECT_FALSE(config.cpu_quota_us);
  EXPECT_FALSE(config.memory_bytes);
}

TEST(ResourceLimitsTest, ForcedLimitsOverrideParametersWithWarnings) {
  docker::ContainerConfig config;
  config.memory_bytes = int64_t{8} << 30;
  config.cpu_shares = 4096;
  config.cpu_quota_us = 800000;
  auto warnings =
      ApplyResourceLimits({{"cpus", 1}, {"mem", 512}}, Forced(true, true, false), 8, config);
  EXPECT_EQ(config.memory_bytes, 512 << 20);
  EXPECT_FALSE(config.cpu_shares);
  EXPECT_EQ(config.cpu_quota_us, 50000);
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_THAT(warnings[0], HasSubstr("cpu-shares is overridden by EXECUTOR_FORCE_CPU_LIMIT"));
  EXPECT_THAT(warnings[1], HasSubstr("cpu-quota"));
  EXPECT_THAT(warnings[2], HasSubstr("memory is overridden by EXECUTOR_FORCE_MEMORY_LIMIT"));
}

}  // namespace
}  // namespace executor
