// The task extensions this executor runs, chosen from its configuration.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <vector>

#include "executor/executor.h"
#include "executor/task_extension.h"

namespace executor {

std::vector<std::unique_ptr<TaskExtension>> MakeTaskExtensions(boost::asio::any_io_executor executor,
                                                               const ExecutorConfig& config);

}  // namespace executor
