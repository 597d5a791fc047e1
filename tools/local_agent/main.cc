// local-agent: runs an executor against the fake Mesos agent (cli_runner.h).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/core.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <filesystem>

#include "tools/local_agent/cli_runner.h"

namespace {

std::string ExecutorNextToThisProgram() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "sidecar-executor";
  return (self.parent_path() / "sidecar-executor").string();
}

}  // namespace

int main(int argc, char** argv) {
  base::Result<local_agent::CliOptions> options =
      local_agent::ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
  if (!options.ok()) {
    fmt::print(stderr, "local-agent: {}\n\n{}", options.status().message(), local_agent::Usage());
    return 2;
  }
  if (options->help) {
    fmt::print("{}", local_agent::Usage());
    return 0;
  }
  if (options->executor_path.empty()) options->executor_path = ExecutorNextToThisProgram();
  spdlog::set_default_logger(spdlog::stderr_color_mt("local-agent"));
  if (options->verbose) spdlog::set_level(spdlog::level::debug);

  boost::asio::io_context io;
  int exit_code = 1;
  boost::asio::co_spawn(io, local_agent::RunCli(*options),
                        [&exit_code](std::exception_ptr error, int code) {
                          if (!error) exit_code = code;
                        });
  io.run();
  return exit_code;
}
