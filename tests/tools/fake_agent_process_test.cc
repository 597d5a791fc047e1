// The fake agent launching executor processes (here /bin/sh and env; the
// integration tests pass build/sidecar-executor the same way).
#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/coroutine_test.h"
#include "tools/local_agent/fake_agent.h"
#include "tools/local_agent/task_info_builder.h"

namespace local_agent {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class Sandbox {
 public:
  Sandbox() {
    std::string path = "/tmp/fake-agent-test-XXXXXX";
    path_ = mkdtemp(path.data()) ? path : "";
  }
  ~Sandbox() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string Read(const std::string& name) const {
    std::ifstream file(path_ + "/" + name);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

 private:
  std::string path_;
};

// (Built outside the coroutines: g++ 12 mishandles aggregate temporaries in them.)
ExecutorLaunch Launch(std::string path, std::vector<std::string> args, const Sandbox& sandbox,
                      KeyValues extra = {}) {
  ExecutorLaunch launch;
  launch.path = std::move(path);
  launch.args = std::move(args);
  launch.sandbox = sandbox.path();
  launch.extra_environment = std::move(extra);
  return launch;
}

boost::json::object Task(const AgentOptions& options) {
  TaskSpec spec;
  spec.task_id = "task-1";
  spec.image = "busybox:1";
  spec.environment = {{"EXECUTOR_SIDECAR_DISCOVERY", "false"}, {"MESOS_CHECKPOINT", "task-wins"}};
  return BuildTaskInfo(spec, options, "/usr/bin/env");
}

TEST(FakeAgentProcess, ExecutorGetsTheAgentsEnvironmentAndNothingElse) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Sandbox sandbox;
    AgentOptions options;
    options.checkpoint = true;
    options.auth_token = "jwt-token";
    FakeAgent agent(executor, options);
    CO_ASSERT_TRUE(agent.Start().ok());
    CO_ASSERT_TRUE(agent.Launch(Task(options)).ok());
    const KeyValues extra = {{"EXTRA", "from the test"}};
    const ExecutorLaunch launch = Launch("/usr/bin/env", {}, sandbox, extra);
    CO_ASSERT_TRUE(agent.StartExecutor(launch).ok());
    auto exit = co_await agent.WaitExecutorExit(base::After(10s));
    CO_ASSERT_OK(exit);
    EXPECT_TRUE(exit->success());

    std::string expected;
    for (const auto& [name, value] : agent.ExecutorEnvironment(sandbox.path(), extra)) {
      expected += name + "=" + value + "\n";
    }
    EXPECT_EQ(sandbox.Read("stdout"), expected);
    const std::string port = std::to_string(agent.port());
    const std::vector<std::string> lines = {
        "MESOS_SLAVE_PID=slave(1)@127.0.0.1:" + port, "MESOS_AGENT_ENDPOINT=127.0.0.1:" + port,
        "MESOS_SANDBOX=" + sandbox.path(), "MESOS_DIRECTORY=" + sandbox.path(),
        "MESOS_RECOVERY_TIMEOUT=15mins", "MESOS_SUBSCRIPTION_BACKOFF_MAX=2secs",
        "MESOS_EXECUTOR_AUTHENTICATION_TOKEN=jwt-token", "EXECUTOR_SIDECAR_DISCOVERY=false",
        "MESOS_CHECKPOINT=task-wins", "EXTRA=from the test"};
    for (const std::string& line : lines) {
      EXPECT_NE(expected.find(line + "\n"), std::string::npos) << line;
    }
    EXPECT_EQ(expected.find("HOME="), std::string::npos);

    // It exited without a word about its task.
    auto failed = co_await agent.WaitForState("task-1", "TASK_FAILED", base::After(1s));
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->reason, "REASON_EXECUTOR_TERMINATED");
    EXPECT_EQ(failed->source, "SOURCE_AGENT");
  });
}

TEST(FakeAgentProcess, ExecutorThatNeverSubscribesIsKilled) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Sandbox sandbox;
    AgentOptions options;
    options.registration_timeout = 20ms;
    FakeAgent agent(executor, options);
    CO_ASSERT_TRUE(agent.Start().ok());
    CO_ASSERT_TRUE(agent.Launch(Task(options)).ok());
    const ExecutorLaunch launch = Launch("/bin/sh", {"-c", "sleep 30"}, sandbox);
    CO_ASSERT_TRUE(agent.StartExecutor(launch).ok());
    auto failed = co_await agent.WaitForState("task-1", "TASK_FAILED", base::After(10s));
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->reason, "REASON_EXECUTOR_REGISTRATION_TIMEOUT");
    auto exit = co_await agent.WaitExecutorExit(base::After(10s));
    CO_ASSERT_OK(exit);
    EXPECT_EQ(exit->signal, SIGKILL);
  });
}

TEST(FakeAgentProcess, ShutdownIsEnforcedOnTheProcessGroup) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Sandbox sandbox;
    AgentOptions options;
    options.shutdown_grace = 20ms;
    FakeAgent agent(executor, options);
    CO_ASSERT_TRUE(agent.Start().ok());
    CO_ASSERT_TRUE(agent.Launch(Task(options)).ok());
    const ExecutorLaunch launch = Launch("/bin/sh", {"-c", "trap '' TERM; sleep 30 & wait"}, sandbox);
    CO_ASSERT_TRUE(agent.StartExecutor(launch).ok());
    agent.Shutdown();
    auto exit = co_await agent.WaitExecutorExit(base::After(10s));
    CO_ASSERT_OK(exit);
    EXPECT_EQ(exit->signal, SIGKILL);
    auto failed = co_await agent.WaitForState("task-1", "TASK_FAILED", base::After(1s));
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->reason, "REASON_EXECUTOR_TERMINATED");
  });
}

TEST(FakeAgentProcess, StartNeedsAListeningAgentAndARunnableProgram) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Sandbox sandbox;
    const AgentOptions options;
    FakeAgent agent(executor, options);
    const ExecutorLaunch env = Launch("/usr/bin/env", {}, sandbox);
    const ExecutorLaunch missing = Launch("/nonexistent", {}, sandbox);
    const bool started_unheard = agent.StartExecutor(env).ok();
    EXPECT_FALSE(started_unheard);
    CO_ASSERT_TRUE(agent.Start().ok());
    const bool started_missing = agent.StartExecutor(missing).ok();
    EXPECT_FALSE(started_missing);
    auto no_process = co_await agent.WaitExecutorExit(base::After(1s));
    EXPECT_FALSE(no_process.ok());
  });
}

}  // namespace
}  // namespace local_agent
