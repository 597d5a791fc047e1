#include "executor/extensions.h"

namespace executor {

std::vector<std::unique_ptr<TaskExtension>> MakeTaskExtensions(boost::asio::any_io_executor executor,
                                                               const ExecutorConfig& config) {
  std::vector<std::unique_ptr<TaskExtension>> extensions;
  // The order is the order of the calls. Where extensions add environment
  // it follows upstream: SIDECAR_SEEDS before the AWS credentials.
  //
  // [registry credentials]
  // [sidecar seeds]
  // [sidecar health]
  // [vault]
  return extensions;
}

}  // namespace executor
