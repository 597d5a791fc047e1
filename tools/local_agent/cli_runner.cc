#include "tools/local_agent/cli_runner.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <fmt/chrono.h>
#include <fmt/core.h>

#include <signal.h>
#include <stdlib.h>

#include <fstream>
#include <random>
#include <sstream>

#include "tools/local_agent/fake_agent.h"
#include "tools/local_agent/task_states.h"

namespace local_agent {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// After the task ended, the executor gets this long to exit by itself.
constexpr auto kExitAfterTask = std::chrono::seconds(15);

void Say(const std::string& line) { fmt::print(stderr, "local-agent: {}\n", line); }

std::string IdAt(const json::object& object, std::string_view key) {
  const json::value* id = object.if_contains(key);
  const json::value* value = id != nullptr && id->is_object() ? id->get_object().if_contains("value") : nullptr;
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

base::Result<json::object> ReadTaskFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) return base::Status::NotFound("cannot read " + path);
  std::stringstream text;
  text << file.rdbuf();
  boost::system::error_code ec;
  json::value task = json::parse(text.str(), ec);
  if (ec) return base::Status::Invalid(path + ": " + ec.message());
  if (!task.is_object()) return base::Status::Invalid(path + ": a TaskInfo must be a JSON object");
  return std::move(task.get_object());
}

std::string RandomSuffix() {
  std::mt19937 random{std::random_device{}()};
  return fmt::format("{:08x}", random());
}

struct Setup {
  AgentOptions agent;
  json::object task;
  std::string task_id;
};

base::Result<Setup> Prepare(const CliOptions& cli) {
  Setup setup;
  setup.agent.checkpoint = cli.checkpoint;
  setup.agent.task_killing_state = cli.task_killing;
  setup.agent.shutdown_grace = cli.shutdown_grace;
  if (cli.task_file.empty()) {
    TaskSpec spec = cli.task;
    if (spec.task_id.empty()) spec.task_id = spec.name + "." + RandomSuffix();
    setup.task = BuildTaskInfo(spec, setup.agent, cli.executor_path);
  } else {
    base::Result<json::object> task = ReadTaskFile(cli.task_file);
    if (!task.ok()) return task.status();
    setup.task = std::move(task).value();
    // The agent takes its identity from the task, as if it had been offered.
    if (const json::value* executor = setup.task.if_contains("executor"); executor && executor->is_object()) {
      if (std::string id = IdAt(executor->get_object(), "executor_id"); !id.empty()) setup.agent.executor_id = id;
      if (std::string id = IdAt(executor->get_object(), "framework_id"); !id.empty()) setup.agent.framework_id = id;
    }
    if (std::string id = IdAt(setup.task, "agent_id"); !id.empty()) setup.agent.agent_id = id;
  }
  setup.task_id = IdAt(setup.task, "task_id");
  return setup;
}

std::string NewSandbox() {
  std::string path = "/tmp/local-agent-XXXXXX";
  if (mkdtemp(path.data()) == nullptr) return {};
  return path;
}

void PrintUpdate(const StatusUpdateRecord& update) {
  const auto now = std::chrono::system_clock::now();
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::string line = fmt::format("{:%H:%M:%S}.{:03} {} {}", fmt::localtime(std::chrono::system_clock::to_time_t(now)),
                                 millis, update.task_id, update.state);
  if (!update.reason.empty()) line += " " + update.reason;
  if (update.healthy) line += *update.healthy ? " healthy" : " unhealthy";
  if (update.source != "SOURCE_EXECUTOR") line += " (from " + update.source + ")";
  if (!update.message.empty()) line += " \"" + update.message + "\"";
  if (update.disposition != UpdateDisposition::kApplied &&
      update.disposition != UpdateDisposition::kSynthesized) {
    line += fmt::format(" [{}]", DispositionName(update.disposition));
  }
  fmt::print("{}\n", line);
  std::fflush(stdout);
}

// Prints updates until the task has ended; returns its terminal update.
asio::awaitable<StatusUpdateRecord> FollowTask(FakeAgent& agent, const std::string& task_id) {
  for (std::size_t printed = 0;;) {
    co_await agent.WaitUntil([&] { return agent.updates().size() > printed; }, base::kNoDeadline);
    while (printed < agent.updates().size()) {
      const StatusUpdateRecord update = agent.updates()[printed++];
      PrintUpdate(update);
      const bool counts = update.disposition == UpdateDisposition::kApplied ||
                          update.disposition == UpdateDisposition::kSynthesized;
      if (counts && update.task_id == task_id && IsTerminalState(update.state)) co_return update;
    }
  }
}

// Waits for the executor to exit after its task ended, nudging it with
// SHUTDOWN (which the agent enforces with SIGKILL) if it lingers.
asio::awaitable<base::Result<ExitStatus>> AwaitExecutorExit(FakeAgent& agent) {
  base::Result<ExitStatus> exit = co_await agent.WaitExecutorExit(base::After(kExitAfterTask));
  if (exit.ok() || exit.status().code() != base::StatusCode::kTimeout) co_return exit;
  Say(fmt::format("the executor is still running {}s after its task ended; sending SHUTDOWN",
                  kExitAfterTask.count()));
  agent.Shutdown();
  co_return co_await agent.WaitExecutorExit(base::After(agent.options().shutdown_grace + std::chrono::seconds(5)));
}

asio::awaitable<int> Supervise(FakeAgent& agent, const std::string& task_id) {
  const StatusUpdateRecord terminal = co_await FollowTask(agent, task_id);
  base::Result<ExitStatus> exit = co_await AwaitExecutorExit(agent);
  if (!exit.ok()) {
    Say(exit.status().message());
    co_return 1;
  }
  Say("the executor " + exit->ToString());
  if (terminal.disposition == UpdateDisposition::kSynthesized) {
    Say("the executor ended without a terminal update for task " + task_id + "; the agent reported " +
        terminal.state);
    co_return 1;
  }
  co_return terminal.state == "TASK_FINISHED" ? 0 : 1;
}

// First Ctrl-C: KILL the task. Second: SHUTDOWN the executor. Then SIGKILL it.
asio::awaitable<void> HandleInterrupts(FakeAgent& agent, const std::string& task_id) {
  const auto executor = co_await asio::this_coro::executor;
  asio::signal_set signals(executor, SIGINT, SIGTERM);
  for (int count = 1;; ++count) {
    auto [ec, signal] = co_await signals.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    if (count == 1) {
      Say("interrupted: killing task " + task_id + " (again to shut the executor down)");
      if (base::Status killed = agent.Kill(task_id); !killed.ok()) Say(killed.message());
    } else if (count == 2) {
      Say("interrupted again: shutting the executor down (again to kill it)");
      agent.Shutdown();
    } else if (base::ChildProcess* process = agent.executor_process()) {
      Say("interrupted a third time: killing the executor's process group");
      process->SignalGroup(SIGKILL);
    }
  }
}

}  // namespace

asio::awaitable<int> RunCli(const CliOptions& cli) {
  using namespace asio::experimental::awaitable_operators;
  base::Result<Setup> setup = Prepare(cli);
  if (!setup.ok()) {
    Say(setup.status().message());
    co_return 2;
  }
  const auto executor = co_await asio::this_coro::executor;
  FakeAgent agent(executor, setup->agent);
  base::Status status = agent.Start();
  if (status.ok()) status = agent.Launch(setup->task);
  ExecutorLaunch launch;
  launch.path = cli.executor_path;
  launch.sandbox = cli.sandbox.empty() ? NewSandbox() : cli.sandbox;
  launch.inherit_output = cli.inherit_output;
  if (status.ok()) status = agent.StartExecutor(launch);
  if (!status.ok()) {
    Say(status.message());
    co_return 2;
  }
  Say(fmt::format("agent on 127.0.0.1:{}, executor {} (pid {}), sandbox {}", agent.port(),
                  cli.executor_path, agent.executor_process()->pid(), launch.sandbox));
  auto outcome = co_await (Supervise(agent, setup->task_id) || HandleInterrupts(agent, setup->task_id));
  co_return std::get<0>(outcome);
}

}  // namespace local_agent
