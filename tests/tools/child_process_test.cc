#include "tools/local_agent/child_process.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/coroutine_test.h"

namespace local_agent {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class TempDir {
 public:
  TempDir() {
    std::string path = "/tmp/child-process-test-XXXXXX";
    path_ = mkdtemp(path.data()) ? path : "";
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

SpawnOptions Shell(const std::string& script) {
  SpawnOptions options;
  options.path = "/bin/sh";
  options.args = {"-c", script};
  options.environment = {{"PATH", "/usr/bin:/bin"}};
  return options;
}

TEST(ChildProcess, GetsExactlyTheGivenEnvironmentAndDirectory) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    TempDir dir;
    SpawnOptions options;
    options.path = "/usr/bin/env";
    options.environment = {{"B", "2"}, {"A", "one two"}};
    options.working_directory = dir.path();
    options.stdout_file = dir.path() + "/stdout";
    auto child = ChildProcess::Spawn(executor, options);
    CO_ASSERT_OK(child);
    auto exit = co_await (*child)->WaitExit(net::After(10s));
    CO_ASSERT_OK(exit);
    EXPECT_TRUE(exit->success());
    EXPECT_EQ(ReadFile(dir.path() + "/stdout"), "B=2\nA=one two\n");

    auto pwd = ChildProcess::Spawn(executor,
                                   [&] {
                                     SpawnOptions o = Shell("pwd; echo oops >&2");
                                     o.working_directory = dir.path();
                                     o.stdout_file = dir.path() + "/pwd";
                                     o.stderr_file = dir.path() + "/err";
                                     return o;
                                   }());
    CO_ASSERT_OK(pwd);
    CO_ASSERT_OK(co_await (*pwd)->WaitExit(net::After(10s)));
    EXPECT_EQ(ReadFile(dir.path() + "/pwd"), dir.path() + "\n");
    EXPECT_EQ(ReadFile(dir.path() + "/err"), "oops\n");
  });
}

TEST(ChildProcess, ReportsExitCodesAndRunsTheExitCallback) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    auto child = ChildProcess::Spawn(executor, Shell("exit 7"));
    CO_ASSERT_OK(child);
    std::optional<ExitStatus> seen;
    (*child)->OnExit([&](const ExitStatus& status) { seen = status; });
    auto exit = co_await (*child)->WaitExit(net::After(10s));
    CO_ASSERT_OK(exit);
    EXPECT_EQ(exit->code, 7);
    EXPECT_EQ(exit->signal, 0);
    EXPECT_FALSE(exit->success());
    EXPECT_EQ(exit->ToString(), "exited with status 7");
    EXPECT_FALSE((*child)->running());
    CO_ASSERT_TRUE(seen.has_value());
    EXPECT_EQ(seen->code, 7);
  });
}

TEST(ChildProcess, RunsInItsOwnProcessGroupAndCanBeSignalled) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    auto child = ChildProcess::Spawn(executor, Shell("sleep 30; exit 0"));
    CO_ASSERT_OK(child);
    const pid_t pid = (*child)->pid();
    EXPECT_EQ(getpgid(pid), pid);
    EXPECT_NE(getpgid(pid), getpgrp());
    auto still = co_await (*child)->WaitExit(net::After(20ms));
    EXPECT_EQ(still.status().code(), base::StatusCode::kTimeout);
    CO_ASSERT_TRUE((*child)->SignalGroup(SIGTERM).ok());
    auto exit = co_await (*child)->WaitExit(net::After(10s));
    CO_ASSERT_OK(exit);
    EXPECT_EQ(exit->signal, SIGTERM);
    EXPECT_EQ(exit->ToString(), "killed by signal 15 (Terminated)");
    EXPECT_FALSE((*child)->Signal(SIGTERM).ok());  // nothing left to signal
  });
}

TEST(ChildProcess, MissingProgramFailsToSpawn) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    SpawnOptions options;
    options.path = "/nonexistent/executor";
    auto child = ChildProcess::Spawn(executor, options);
    EXPECT_FALSE(child.ok());
    co_return;
  });
}

TEST(ChildProcess, DestructionKillsARunningProcess) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    auto child = ChildProcess::Spawn(executor, Shell("exec sleep 30"));
    CO_ASSERT_OK(child);
    const pid_t pid = (*child)->pid();
    child = base::Status::Cancelled("destroyed");  // reaped by the destructor
    EXPECT_EQ(kill(pid, 0), -1);
  });
}

}  // namespace
}  // namespace local_agent
