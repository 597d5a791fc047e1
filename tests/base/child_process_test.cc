#include "base/child_process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/coroutine_test.h"

namespace base {
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
    auto exit = co_await (*child)->WaitExit(base::After(10s));
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
    CO_ASSERT_OK(co_await (*pwd)->WaitExit(base::After(10s)));
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
    auto exit = co_await (*child)->WaitExit(base::After(10s));
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
    auto still = co_await (*child)->WaitExit(base::After(20ms));
    EXPECT_EQ(still.status().code(), StatusCode::kTimeout);
    CO_ASSERT_TRUE((*child)->SignalGroup(SIGTERM).ok());
    auto exit = co_await (*child)->WaitExit(base::After(10s));
    CO_ASSERT_OK(exit);
    EXPECT_EQ(exit->signal, SIGTERM);
    EXPECT_EQ(exit->ToString(), "killed by signal 15 (Terminated)");
    EXPECT_FALSE((*child)->Signal(SIGTERM).ok());  // nothing left to signal
  });
}

TEST(ChildProcess, GivesInputOnStdinAndCapturesStdout) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    SpawnOptions options = Shell("read -r line; echo \"got [$line]\"; cat");
    options.input = "first\nsecond, no newline";
    options.capture_stdout_limit = 1024;
    auto child = ChildProcess::Spawn(executor, options);
    CO_ASSERT_OK(child);
    auto exit = co_await (*child)->WaitExit(base::After(10s));
    CO_ASSERT_OK(exit);
    EXPECT_TRUE(exit->success());
    EXPECT_EQ((*child)->captured_stdout(), "got [first]\nsecond, no newline");
    EXPECT_FALSE((*child)->stdout_truncated());
  });
}

TEST(ChildProcess, KeepsOnlyTheCaptureLimitButReadsEverything) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    // 200 KB: more than a pipe holds, so the child would block if we
    // stopped reading at the limit.
    SpawnOptions options = Shell("head -c 200000 /dev/zero | tr '\\0' x");
    options.capture_stdout_limit = 10;
    auto child = ChildProcess::Spawn(executor, options);
    CO_ASSERT_OK(child);
    auto exit = co_await (*child)->WaitExit(base::After(10s));
    CO_ASSERT_OK(exit);
    EXPECT_TRUE(exit->success());
    EXPECT_EQ((*child)->captured_stdout(), "xxxxxxxxxx");
    EXPECT_TRUE((*child)->stdout_truncated());
  });
}

TEST(ChildProcess, WaitsForTheEndOfACapturedStdout) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    // The shell exits at once; a grandchild keeps stdout open for a while.
    SpawnOptions options = Shell("(sleep 30; echo late) & echo early");
    options.capture_stdout_limit = 100;
    auto child = ChildProcess::Spawn(executor, options);
    CO_ASSERT_OK(child);
    auto exit = co_await (*child)->WaitExit(base::After(300ms));
    EXPECT_EQ(exit.status().code(), StatusCode::kTimeout);
    EXPECT_THAT(exit.status().message(), ::testing::HasSubstr("stdout is still open"));
    EXPECT_FALSE((*child)->running());
    // The destructor takes the whole process group, the sleeper included.
  });
}

TEST(ChildProcess, RefusesInputThatDoesNotFitThePipe) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    SpawnOptions options = Shell("cat >/dev/null");
    options.input = std::string(1 << 20, 'x');
    auto child = ChildProcess::Spawn(executor, options);
    EXPECT_EQ(child.status().code(), StatusCode::kInvalid);
    co_return;
  });
}

TEST(ChildProcess, InheritsNoDescriptorBeyondTheStandardThree) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    // A descriptor of ours without O_CLOEXEC, as Asio opens its sockets.
    const int leaky = open("/dev/null", O_RDONLY);
    CO_ASSERT_TRUE(leaky >= 3);
    SpawnOptions options = Shell("ls /proc/self/fd");
    options.capture_stdout_limit = 1024;
    options.input = "x";
    auto child = ChildProcess::Spawn(executor, options);
    close(leaky);
    CO_ASSERT_OK(child);
    auto exit = co_await (*child)->WaitExit(base::After(10s));
    CO_ASSERT_OK(exit);
    // 0, 1, 2, and the directory `ls` itself opened.
    EXPECT_EQ((*child)->captured_stdout(), "0\n1\n2\n3\n");
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
    child = Status::Cancelled("destroyed");  // reaped by the destructor
    EXPECT_EQ(kill(pid, 0), -1);
  });
}

}  // namespace
}  // namespace base
