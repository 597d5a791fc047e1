// A LAUNCH's TaskInfo (JSON) -> the container to create: ParseTaskSpec,
// MapTaskToContainer with the Docker parameters and resource limits, and
// the create request rendered from the result (executor/container_mapping.h,
// docker/create_request.h). Settings are fixed; the task is mapped twice,
// once with CPU quota and once with CPU shares, both limits forced, so that
// every limit formula meets fuzzed resources.
// Invariants: the plan names the task the TaskInfo names and the container
// after it; forced limits stay within the kernel's minimums.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include "docker/create_request.h"
#include "executor/container_mapping.h"
#include "executor/container_name.h"
#include "mesos/messages.h"

namespace {

executor::Settings LimitingSettings(bool use_cpu_shares) {
  executor::Settings settings = executor::DefaultSettings("fuzz-host");
  settings.force_cpu_limit = true;
  settings.force_memory_limit = true;
  settings.use_cpu_shares = use_cpu_shares;
  return settings;
}

const executor::Settings kQuotaSettings = LimitingSettings(false);
const executor::Settings kSharesSettings = LimitingSettings(true);

void Map(const boost::json::object& task, const std::string& task_id, const executor::Settings& settings) {
  const executor::MappingInputs inputs{settings, "framework-1", "executor-1", "agent-1", 4,
                                       "/var/lib/mesos/slaves/agent-1/sandbox",
                                       {"SIDECAR_SEEDS=10.0.0.1:7946"}};
  const base::Result<executor::ContainerPlan> plan = executor::MapTaskToContainer(task, inputs);
  if (!plan.ok()) return;
  if (plan->task_id != task_id) __builtin_trap();
  if (plan->config.name != executor::ContainerNameForTask(task_id)) __builtin_trap();
  const docker::ContainerConfig& config = plan->config;
  if (config.cpu_shares && *config.cpu_shares < 2) __builtin_trap();
  if (config.cpu_quota_us && *config.cpu_quota_us < 1000) __builtin_trap();
  const std::string body = boost::json::serialize(docker::CreateRequestBody(config));
  if (body.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  const boost::json::value task = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !task.is_object()) return 0;
  // The executor maps only tasks whose LAUNCH the event parser accepted.
  const base::Result<std::string> task_id = mesos::TaskIdOf(task.as_object());
  if (!task_id.ok()) return 0;
  Map(task.as_object(), *task_id, kQuotaSettings);
  Map(task.as_object(), *task_id, kSharesSettings);
  return 0;
}
