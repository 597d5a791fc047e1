#include "executor/resource_limits.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <limits>

#include "base/int64_range.h"

namespace executor {
namespace {

constexpr int64_t kCfsPeriodUs = 50000;  // upstream's: short periods keep latency even
constexpr int64_t kMinCfsQuotaUs = 1000; // the kernel's (and Docker's) minimum
constexpr int64_t kMinCpuShares = 2;     // the kernel's minimum; 0 would mean "default 1024"

double Sum(const std::vector<ScalarResource>& resources, std::string_view name) {
  double total = 0;
  for (const ScalarResource& resource : resources) {
    if (resource.name == name) total += resource.value;
  }
  return total;
}

// Absurd resources (a TaskInfo's `1e300` CPUs) give the largest limit rather
// than an undefined conversion (caught by fuzz/task_mapping_fuzzer). Only for
// positive values: every caller has checked the sum is above zero.
int64_t SaturatedInt64(double value) {
  if (!base::InInt64Range(value)) return std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(value);
}

std::string FormatNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

std::string Overridden(std::string_view parameter, std::string_view setting) {
  return "Docker parameter " + std::string(parameter) + " is overridden by " +
         std::string(setting);
}

void LimitCpu(double cpus, const Settings& settings, int host_cpus,
              docker::ContainerConfig& config, std::vector<std::string>& warnings) {
  for (auto [field, name] : {std::pair{&docker::ContainerConfig::cpu_shares, "cpu-shares"},
                             std::pair{&docker::ContainerConfig::cpu_period_us, "cpu-period/cpus"},
                             std::pair{&docker::ContainerConfig::cpu_quota_us, "cpu-quota/cpus"}}) {
    if (config.*field) warnings.push_back(Overridden(name, "EXECUTOR_FORCE_CPU_LIMIT"));
    config.*field = std::nullopt;
  }
  if (!settings.use_cpu_shares) {
    config.cpu_period_us = kCfsPeriodUs;
    config.cpu_quota_us = std::max(kMinCfsQuotaUs, SaturatedInt64(cpus * kCfsPeriodUs));
    return;
  }
  double share = cpus / std::max(host_cpus, 1);
  if (share > 1) {
    warnings.push_back("Task asks for " + FormatNumber(cpus) + " CPUs but the host has " +
                       std::to_string(host_cpus) + "; CPU shares capped at 1024");
    share = 1;
  }
  config.cpu_shares = std::max(kMinCpuShares, static_cast<int64_t>(1024 * share));
}

}  // namespace

std::vector<std::string> ApplyResourceLimits(const std::vector<ScalarResource>& resources,
                                             const Settings& settings, int host_cpus,
                                             docker::ContainerConfig& config) {
  std::vector<std::string> warnings;
  // A zero or absent resource meant "no limit" upstream (Docker reads 0 so).
  const double cpus = Sum(resources, "cpus");
  if (settings.force_cpu_limit && cpus > 0) LimitCpu(cpus, settings, host_cpus, config, warnings);

  const double mem_mb = Sum(resources, "mem");
  if (settings.force_memory_limit && mem_mb > 0) {
    if (config.memory_bytes) warnings.push_back(Overridden("memory", "EXECUTOR_FORCE_MEMORY_LIMIT"));
    config.memory_bytes = SaturatedInt64(mem_mb * 1024 * 1024);
  }
  return warnings;
}

}  // namespace executor
