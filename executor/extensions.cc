#include "executor/extensions.h"

#include "executor/log_relay_extension.h"
#include "executor/registry_auth_extension.h"
#include "executor/vault_extension.h"
#include "sidecar/health_extension.h"
#include "sidecar/seeds.h"

namespace executor {

std::vector<std::unique_ptr<TaskExtension>> MakeTaskExtensions(boost::asio::any_io_executor executor,
                                                               const ExecutorConfig& config) {
  std::vector<std::unique_ptr<TaskExtension>> extensions;
  // The order is the order of the calls. Where extensions add environment
  // it follows upstream: SIDECAR_SEEDS before the AWS credentials.
  //
  // [registry credentials]
  extensions.push_back(std::make_unique<RegistryAuthExtension>(RegistryAuthOptionsFor(config)));
  // [sidecar seeds]
  if (config.settings.seed_sidecar) {
    extensions.push_back(std::make_unique<sidecar::SeedExtension>(
        config.getenv("MESOS_AGENT_ENDPOINT"), config.settings.mesos_master_port, config.settings.http_timeout));
  }
  // [sidecar health]
  extensions.push_back(std::make_unique<sidecar::HealthExtension>(config.settings, config.getenv("TASK_HOST")));
  // [vault]
  extensions.push_back(std::make_unique<VaultExtension>(config));
  // [log relay]
  if (LogRelayEnabled(config.settings)) extensions.push_back(std::make_unique<LogRelayExtension>(config));
  return extensions;
}

}  // namespace executor
