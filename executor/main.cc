// sidecar-executor: runs one Mesos task as a Docker container.
// main() only gathers configuration, logs it, and hands off to Executor.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <exception>

#include "docker/docker_host.h"
#include "executor/executor.h"
#include "executor/logging.h"
#include "executor/process_title.h"
#include "executor/redactor.h"
#include "executor/settings.h"
#include "mesos/agent_environment.h"

extern char** environ;

namespace {

std::optional<std::string> GetEnv(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

// Upstream's "Environment" block: our variables, sorted, secrets masked.
void LogEnvironment() {
  std::vector<std::string> entries;
  for (char** e = environ; *e; ++e) {
    const std::string_view entry(*e);
    if (entry.starts_with("MESOS") || entry.starts_with("EXECUTOR") || entry.starts_with("VAULT") ||
        entry.starts_with("DOCKER") || entry.starts_with("TASK_")) {
      entries.emplace_back(entry);
    }
  }
  std::sort(entries.begin(), entries.end());
  spdlog::info("Environment ---------------------------");
  for (const std::string& entry : entries) {
    const std::size_t eq = entry.find('=');
    const std::string masked = executor::GlobalRedactor().MaskEntry(entry);
    spdlog::info(" * {:<30}: {}", entry.substr(0, eq), masked.substr(std::min(masked.size(), eq + 1)));
  }
  spdlog::info("---------------------------------------");
}

void RememberSecrets() {
  std::vector<std::string> entries;
  for (char** e = environ; *e; ++e) entries.emplace_back(*e);
  executor::GlobalRedactor().AddSecretsFromEnvironment(entries);
}

}  // namespace

int main(int argc, char** argv) {
  executor::InitProcessTitle(argc, argv);  // extra arguments (upstream's executor.sh passes some) are ignored
  RememberSecrets();
  // Parsed before the first line, so that every line has the configured
  // format. A bad EXECUTOR_LOG_FORMAT leaves the default; the task fails.
  executor::ParsedSettings parsed = executor::ParseSettings(GetEnv, Hostname());
  executor::SetUpLogging(parsed.errors.empty() && parsed.settings.debug, parsed.settings.log_format);
  spdlog::info("Starting Sidecar Executor");

  executor::ExecutorConfig config;
  config.getenv = GetEnv;
  config.settings = parsed.errors.empty() ? parsed.settings : executor::DefaultSettings(Hostname());
  for (const std::string& line : executor::FormatSettingsBlock(config.settings)) spdlog::info("{}", line);
  LogEnvironment();
  for (const std::string& warning : parsed.warnings) spdlog::warn("{}", warning);
  std::vector<std::string> problems;
  for (const executor::SettingError& error : parsed.errors) {
    executor::LogWithFields(spdlog::level::err, "Invalid setting: " + error.Message(), {{"variable", error.variable}});
    problems.push_back(error.Message());
  }

  base::Result<net::Endpoint> docker_endpoint = docker::EndpointFromEnvironment(GetEnv);
  if (docker_endpoint.ok()) {
    config.docker_endpoint = *docker_endpoint;
    const std::string endpoint = config.docker_endpoint.ToString();
    executor::LogWithFields(spdlog::level::info, "Docker endpoint " + endpoint, {{"docker_endpoint", endpoint}});
  } else {
    spdlog::error("Invalid Docker configuration: {}", docker_endpoint.status().message());
    problems.push_back(docker_endpoint.status().message());
  }
  for (const std::string& problem : problems) {
    if (!config.configuration_error.empty()) config.configuration_error += "; ";
    config.configuration_error += problem;
  }

  base::Result<mesos::AgentEnvironment> agent = mesos::ReadAgentEnvironment(GetEnv);
  if (!agent.ok()) {
    spdlog::error("Failed to load the Mesos configuration: {}", agent.status().message());
    return 1;
  }
  // Read once; children (credential helpers) must never see it.
  executor::UnsetEnvironment("MESOS_EXECUTOR_AUTHENTICATION_TOKEN");
  config.agent = *agent;
  config.host_cpus = std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
  const std::string agent_url = config.agent.endpoint.ToString() + config.agent.api_path;
  executor::LogWithFields(spdlog::level::info, "Executor process has started; agent at " + agent_url,
                          {{"agent", agent_url}});

  boost::asio::io_context io(1);
  executor::Executor executor(io.get_executor(), std::move(config));
  int exit_status = 1;
  boost::asio::co_spawn(io, executor.Run(), [&](std::exception_ptr error, int status) {
    // Whatever is still pending (a cancelled call's socket) must not hold
    // the exit back: everything that matters was awaited by Run().
    io.stop();
    if (!error) {
      exit_status = status;
      return;
    }
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::critical("Internal error: {}", e.what());
    }
  });
  io.run();
  executor::LogWithFields(spdlog::level::info, fmt::format("Sidecar Executor exiting with status {}", exit_status),
                          {{"exit_status", std::to_string(exit_status)}});
  return exit_status;
}
