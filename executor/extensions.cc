#include "executor/extensions.h"

namespace executor {

std::vector<std::unique_ptr<TaskExtension>> MakeTaskExtensions(boost::asio::any_io_executor executor,
                                                               const ExecutorConfig& config) {
  std::vector<std::unique_ptr<TaskExtension>> extensions;
  // Order matters where extensions add environment: upstream put
  // SIDECAR_SEEDS before the AWS credentials.
  return extensions;
}

}  // namespace executor
