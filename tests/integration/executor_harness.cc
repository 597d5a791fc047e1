#include "tests/integration/executor_harness.h"

#include <boost/asio/io_context.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <fstream>
#include <random>
#include <sstream>

namespace integration {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Removes what the test left behind and returns how many containers that was.
int RemoveLeftovers(const std::string& task_id) {
  int leaked = 0;
  test::RunCoroutine([&](asio::any_io_executor) -> asio::awaitable<void> {
    docker::Client docker(net::Endpoint::Unix("/var/run/docker.sock"));
    std::vector<std::string> labels;
    labels.push_back("mesos.task_id=" + task_id);
    auto containers = co_await docker.ListContainers(std::move(labels));
    if (!containers.ok()) {
      ADD_FAILURE() << "cannot list containers: " << containers.status().message();
      co_return;
    }
    for (const docker::ContainerSummary& c : *containers) {
      ++leaked;
      co_await docker.Remove(c.id, true, true);
    }
  });
  return leaked;
}

}  // namespace

void ExecutorTest::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::random_device random;
  task_id_ = std::string("it-") + info->name() + "-" + std::to_string(random() % 1000000);
  char dir[] = "/tmp/sidecar-it-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  sandbox_ = dir;
  options_.framework_id = "it-framework-0001";
  options_.executor_id = "it-executor-" + task_id_;
  options_.agent_id = "it-agent-S1";
}

void ExecutorTest::TearDown() {
  EXPECT_EQ(RemoveLeftovers(task_id_), 0) << "the executor left a container behind for " << task_id_;
  if (HasFailure()) {
    std::cerr << "---- executor stdout (" << sandbox_ << ") ----\n" << ExecutorStdout()
              << "---- executor stderr ----\n" << ExecutorStderr() << "----\n";
  }
  if (std::getenv("SIDECAR_TEST_KEEP_SANDBOX")) {
    std::cerr << "sandbox kept: " << sandbox_ << "\n";
    return;
  }
  std::error_code ignored;
  fs::remove_all(sandbox_, ignored);
}

local_agent::TaskSpec ExecutorTest::Spec(const std::string& script) const {
  local_agent::TaskSpec spec;
  spec.task_id = task_id_;
  spec.image = kImage;
  spec.arguments = {"sh", "-c", script};
  spec.environment = executor_env_;
  spec.labels = {{"ServiceName", "it"}, {"Environment", "test"}};
  return spec;
}

boost::json::object ExecutorTest::Task(const local_agent::TaskSpec& spec) const {
  return local_agent::BuildTaskInfo(spec, options_, SIDECAR_EXECUTOR_PATH);
}

std::string ExecutorTest::ExecutorStdout() const { return ReadFile(sandbox_ + "/stdout"); }
std::string ExecutorTest::ExecutorStderr() const { return ReadFile(sandbox_ + "/stderr"); }

void ExecutorTest::RunExecutor(const boost::json::object* task, std::function<asio::awaitable<void>(Run&)> body,
                               std::chrono::seconds limit) {
  Setup setup;
  if (task) setup = [task](asio::any_io_executor, Keep&) { return *task; };
  RunExecutorWith(std::move(setup), std::move(body), limit);
}

void ExecutorTest::RunExecutorWith(Setup setup, std::function<asio::awaitable<void>(Run&)> body,
                                   std::chrono::seconds limit) {
  test::RunCoroutine(
      [&](asio::any_io_executor executor) -> asio::awaitable<void> {
        Keep keep;  // declared first: outlives the agent and the executor it runs
        std::optional<boost::json::object> task;
        if (setup) task = setup(executor, keep);
        local_agent::FakeAgent agent(executor, options_);
        CO_ASSERT_OK(agent.Start());
        if (task) {
          CO_ASSERT_OK(agent.Launch(*task));
        }
        local_agent::ExecutorLaunch launch;
        launch.path = SIDECAR_EXECUTOR_PATH;
        launch.sandbox = sandbox_;
        launch.extra_environment = extra_env_;
        CO_ASSERT_OK(agent.StartExecutor(launch));
        docker::Client docker(net::Endpoint::Unix("/var/run/docker.sock"));
        Run run{agent, docker, task_id_};
        co_await body(run);
      },
      limit);
}

asio::awaitable<base::Result<local_agent::StatusUpdateRecord>> ExpectState(local_agent::FakeAgent& agent,
                                                                           const std::string& task_id,
                                                                           const std::string& state,
                                                                           std::chrono::seconds within) {
  const base::Deadline deadline = base::After(within);
  for (;;) {
    base::Result<local_agent::StatusUpdateRecord> update = co_await agent.NextUpdate(deadline);
    if (!update.ok()) co_return update.status().Wrap("waiting for " + state + " of " + task_id);
    if (update->task_id != task_id) continue;
    if (update->state != state) {
      co_return base::Status::Failed("expected " + state + " for " + task_id + ", got " + update->state + " (" +
                                     update->reason + ") " + update->message);
    }
    co_return update;
  }
}

asio::awaitable<base::Result<local_agent::ExitStatus>> ExecutorExit(local_agent::FakeAgent& agent,
                                                                    std::chrono::seconds within) {
  base::Result<local_agent::ExitStatus> exit = co_await agent.WaitExecutorExit(base::After(within));
  co_return exit;
}

local_agent::KeyValues FastSidecarSettings(const std::string& host) {
  return {{"TASK_HOST", host},
          {"EXECUTOR_SIDECAR_BACKOFF", "0s"},
          {"EXECUTOR_SIDECAR_POLL_INTERVAL", "200ms"},
          {"EXECUTOR_SIDECAR_MAX_FAILS", "2"},
          {"EXECUTOR_SIDECAR_RETRY_COUNT", "1"},
          {"EXECUTOR_SIDECAR_RETRY_DELAY", "50ms"},
          {"EXECUTOR_HTTP_TIMEOUT", "1s"},
          {"EXECUTOR_SIDECAR_DRAINING_DURATION", "1s"},
          {"EXECUTOR_KILL_TASK_TIMEOUT", "6"}};
}

}  // namespace integration
