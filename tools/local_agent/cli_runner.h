// The local-agent demo: one executor, one task, every status update printed
// as it arrives, Ctrl-C turned into KILL and then SHUTDOWN. Resolves to the
// process exit code: 0 only if the task ended TASK_FINISHED.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "tools/local_agent/cli_options.h"

namespace local_agent {

// `options.executor_path` must be resolved already.
boost::asio::awaitable<int> RunCli(const CliOptions& options);

}  // namespace local_agent
