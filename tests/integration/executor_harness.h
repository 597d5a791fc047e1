// ExecutorHarness: the real sidecar-executor binary, driven by the fake
// Mesos agent, against the real Docker daemon.
//
// Each test gets a unique task id and sandbox. After the test, no container
// carrying its task id may exist: a leftover fails the test (and is removed,
// so one leak does not poison the next run).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "docker/client.h"
#include "tests/support/coroutine_test.h"
#include "tools/local_agent/fake_agent.h"
#include "tools/local_agent/task_info_builder.h"

namespace integration {

inline constexpr char kImage[] = "sidecar-executor-test/busybox:1";

class ExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A task in the custom-executor shape with this test's task id; `script`
  // runs under `sh -c` in the busybox image.
  local_agent::TaskSpec Spec(const std::string& script) const;
  boost::json::object Task(const local_agent::TaskSpec& spec) const;

  struct Run {
    local_agent::FakeAgent& agent;
    docker::Client& docker;
    const std::string& task_id;
  };
  // Starts the fake agent and the executor, delivers `task` (unless null),
  // and runs `body`; the whole thing is bounded by `limit`.
  void RunExecutor(const boost::json::object* task, std::function<boost::asio::awaitable<void>(Run&)> body,
                   std::chrono::seconds limit = std::chrono::seconds(90));

  // For tests whose fakes (a Sidecar...) run on the test's io_context and
  // whose addresses go into the task: `setup` runs there first, before the
  // agent starts, and returns the task to deliver. What it puts into `keep`
  // lives until the run ends (after the executor is gone).
  using Keep = std::vector<std::shared_ptr<void>>;
  using Setup = std::function<boost::json::object(boost::asio::any_io_executor executor, Keep& keep)>;
  void RunExecutorWith(Setup setup, std::function<boost::asio::awaitable<void>(Run&)> body,
                       std::chrono::seconds limit = std::chrono::seconds(90));

  // What the executor wrote, for assertions on logs and copied container output.
  std::string ExecutorStdout() const;
  std::string ExecutorStderr() const;

  local_agent::AgentOptions options_;
  local_agent::KeyValues executor_env_;  // EXECUTOR_* settings etc., via ExecutorInfo
  local_agent::KeyValues extra_env_;     // set on the executor process directly
  std::string task_id_;
  std::string sandbox_;
};

// Awaits the next update for `task_id` and checks its state.
boost::asio::awaitable<base::Result<local_agent::StatusUpdateRecord>> ExpectState(
    local_agent::FakeAgent& agent, const std::string& task_id, const std::string& state,
    std::chrono::seconds within = std::chrono::seconds(60));

// The executor process's exit status, within `within`.
boost::asio::awaitable<base::Result<local_agent::ExitStatus>> ExecutorExit(
    local_agent::FakeAgent& agent, std::chrono::seconds within = std::chrono::seconds(60));

// Settings for a task health-checked by a fake Sidecar knowing `host`: fast
// polls, a short drain; the counting stays upstream's (MAX_FAILS 2 kills on
// the third bad poll).
local_agent::KeyValues FastSidecarSettings(const std::string& host);

}  // namespace integration
