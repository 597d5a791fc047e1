// executor-bench: the executor's performance figures in one run, printed
// as a Markdown table (the README's Performance section is this output).
//
//   * container exit -> terminal update at the agent, p50/p99;
//   * LAUNCH -> TASK_RUNNING at the agent, against the raw Docker
//     create+start of the same container measured in the same run;
//   * idle VmRSS and PSS of an executor supervising a running task;
//   * idle CPU time and wake-ups (context switches) per minute.
//
// Usage: executor-bench [--runs N] [--idle-seconds S]
// Needs the Docker daemon and the local busybox test image.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "docker/client.h"
#include "executor/container_name.h"
#include "tools/local_agent/fake_agent.h"
#include "tools/local_agent/task_info_builder.h"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Wall = std::chrono::system_clock;

constexpr char kImage[] = "sidecar-executor-test/busybox:1";

struct Options {
  int runs = 20;
  int idle_seconds = 60;
};

struct Figures {
  std::vector<double> exit_to_update_ms;
  std::vector<double> launch_to_running_ms;
  std::vector<double> create_start_ms;
  long rss_kib = 0;
  long pss_kib = 0;
  double idle_cpu_ms_per_min = 0;
  double wakeups_per_min = 0;
  std::string failure;
};

// "2026-11-24T23:18:52.291743153Z" -> wall clock time.
std::optional<Wall::time_point> ParseDockerTime(const std::string& text) {
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return std::nullopt;
  int64_t nanos = 0;
  if (*rest == '.') {
    int digits = 0;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest, ++digits) {
      if (digits < 9) nanos = nanos * 10 + (*rest - '0');
    }
    for (; digits < 9; ++digits) nanos *= 10;
  }
  return Wall::from_time_t(timegm(&tm)) + std::chrono::nanoseconds(nanos);
}

double Ms(std::chrono::nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t rank = static_cast<std::size_t>(std::ceil(p * values.size()));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

long ProcField(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::strtol(line.c_str() + key.size(), nullptr, 10);
  }
  return -1;
}

struct CpuSample {
  double cpu_ms = 0;
  long switches = 0;
};

CpuSample SampleCpu(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(content.substr(content.rfind(')') + 2));
  std::string field;
  std::vector<std::string> values;
  while (fields >> field) values.push_back(field);
  // After the command name: state is field 3; utime and stime are 14 and 15.
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  CpuSample sample;
  sample.cpu_ms = (std::stod(values[11]) + std::stod(values[12])) * 1000.0 / ticks;
  const std::string status = "/proc/" + std::to_string(pid) + "/status";
  sample.switches = ProcField(status, "voluntary_ctxt_switches:") + ProcField(status, "nonvoluntary_ctxt_switches:");
  return sample;
}

class Bench {
 public:
  Bench(asio::any_io_executor executor, const Options& options, std::string executor_path)
      : executor_(executor), options_(options), executor_path_(std::move(executor_path)),
        docker_(net::Endpoint::Unix("/var/run/docker.sock")) {}

  asio::awaitable<Figures> Run() {
    for (int i = 0; i < options_.runs && figures_.failure.empty(); ++i) {
      co_await OneExecutorRun(i);
      if (figures_.failure.empty()) co_await OneRawDockerRun(i);
    }
    if (figures_.failure.empty()) co_await IdleRun();
    co_return figures_;
  }

 private:
  std::string Sandbox() {
    char dir[] = "/tmp/sidecar-bench-XXXXXX";
    return mkdtemp(dir) ? dir : "/tmp";
  }

  void Fail(const std::string& what, const base::Status& status) {
    if (figures_.failure.empty()) figures_.failure = what + ": " + status.message();
  }

  local_agent::TaskSpec Spec(const std::string& task_id, const std::string& script) {
    local_agent::TaskSpec spec;
    spec.task_id = task_id;
    spec.image = kImage;
    spec.arguments = {"sh", "-c", script};
    spec.network = "NONE";
    spec.labels = {{"ServiceName", "bench"}, {"Environment", "bench"}};
    return spec;
  }

  // One task through the executor: LAUNCH -> RUNNING, then exit -> FINISHED.
  asio::awaitable<void> OneExecutorRun(int i) {
    local_agent::AgentOptions agent_options;
    agent_options.executor_id = fmt::format("bench-executor-{}", i);
    local_agent::FakeAgent agent(executor_, agent_options);
    base::Status started = agent.Start();
    if (!started.ok()) co_return Fail("start the agent", started);
    const std::string sandbox = Sandbox();
    local_agent::ExecutorLaunch launch;
    launch.path = executor_path_;
    launch.sandbox = sandbox;
    // Kept, so that Docker's own exit time can be read afterwards.
    launch.extra_environment = {{"EXECUTOR_REMOVE_CONTAINER", "false"}};
    started = agent.StartExecutor(launch);
    if (!started.ok()) co_return Fail("start the executor", started);
    const base::Status subscribed = co_await agent.WaitSubscribed(net::After(30s));
    if (!subscribed.ok()) co_return Fail("subscribe", subscribed);

    const std::string task_id = fmt::format("bench-{}-{}", getpid(), i);
    const auto launched_at = net::Clock::now();
    base::Status queued = agent.Launch(local_agent::BuildTaskInfo(Spec(task_id, "sleep 0.3"), agent_options, executor_path_));
    if (!queued.ok()) co_return Fail("launch", queued);
    auto running = co_await agent.WaitForState(task_id, "TASK_RUNNING", net::After(60s));
    if (!running.ok()) co_return Fail("wait for RUNNING", running.status());
    figures_.launch_to_running_ms.push_back(Ms(running->at - launched_at));

    auto finished = co_await agent.WaitForState(task_id, "TASK_FINISHED", net::After(60s));
    if (!finished.ok()) co_return Fail("wait for FINISHED", finished.status());
    // The agent stamps arrivals on the steady clock; Docker's on the wall clock.
    const Wall::time_point finished_wall = Wall::now() - (net::Clock::now() - finished->at);
    auto exit = co_await agent.WaitExecutorExit(net::After(90s));
    if (!exit.ok()) co_return Fail("executor exit", exit.status());

    const std::string name = executor::ContainerNameForTask(task_id);
    auto state = co_await docker_.Inspect(name);
    if (!state.ok()) co_return Fail("inspect " + name, state.status());
    const std::optional<Wall::time_point> exited_at = ParseDockerTime(state->finished_at);
    if (exited_at) figures_.exit_to_update_ms.push_back(Ms(finished_wall - *exited_at));
    co_await docker_.Remove(state->id, true, true);
    std::filesystem::remove_all(sandbox);
  }

  // The floor: the same container created and started directly.
  asio::awaitable<void> OneRawDockerRun(int i) {
    docker::ContainerConfig config;
    config.name = fmt::format("sidecar-bench-raw-{}-{}", getpid(), i);
    config.image = kImage;
    config.cmd = std::vector<std::string>{"sh", "-c", "sleep 0.3"};
    config.network_mode = "none";
    const auto begin = net::Clock::now();
    auto id = co_await docker_.Create(config);
    if (!id.ok()) co_return Fail("raw create", id.status());
    const base::Status started = co_await docker_.Start(*id);
    const auto end = net::Clock::now();
    if (!started.ok()) co_return Fail("raw start", started);
    figures_.create_start_ms.push_back(Ms(end - begin));
    co_await docker_.Remove(*id, true, true);
  }

  // An executor supervising a long task: memory, CPU and wake-ups at rest.
  asio::awaitable<void> IdleRun() {
    local_agent::AgentOptions agent_options;
    agent_options.executor_id = "bench-executor-idle";
    local_agent::FakeAgent agent(executor_, agent_options);
    base::Status started = agent.Start();
    if (!started.ok()) co_return Fail("start the agent", started);
    const std::string task_id = fmt::format("bench-{}-idle", getpid());
    local_agent::TaskSpec spec = Spec(task_id, "sleep 3600");
    started = agent.Launch(local_agent::BuildTaskInfo(spec, agent_options, executor_path_));
    if (!started.ok()) co_return Fail("launch", started);
    const std::string sandbox = Sandbox();
    local_agent::ExecutorLaunch launch;
    launch.path = executor_path_;
    launch.sandbox = sandbox;
    started = agent.StartExecutor(launch);
    if (!started.ok()) co_return Fail("start the executor", started);
    auto running = co_await agent.WaitForState(task_id, "TASK_RUNNING", net::After(60s));
    if (!running.ok()) co_return Fail("wait for RUNNING", running.status());
    co_await net::SleepUntil(net::After(5s));  // let start-up work settle

    const pid_t pid = agent.executor_process()->pid();
    const std::string proc = "/proc/" + std::to_string(pid);
    figures_.rss_kib = ProcField(proc + "/status", "VmRSS:");
    figures_.pss_kib = ProcField(proc + "/smaps_rollup", "Pss:");
    const CpuSample before = SampleCpu(pid);
    co_await net::SleepUntil(net::After(std::chrono::seconds(options_.idle_seconds)));
    const CpuSample after = SampleCpu(pid);
    const double minutes = options_.idle_seconds / 60.0;
    figures_.idle_cpu_ms_per_min = (after.cpu_ms - before.cpu_ms) / minutes;
    figures_.wakeups_per_min = (after.switches - before.switches) / minutes;

    (void)agent.Kill(task_id);
    auto killed = co_await agent.WaitForState(task_id, "TASK_KILLED", net::After(60s));
    if (!killed.ok()) Fail("kill the idle task", killed.status());
    co_await agent.WaitExecutorExit(net::After(60s));
    std::filesystem::remove_all(sandbox);
  }

  asio::any_io_executor executor_;
  Options options_;
  std::string executor_path_;
  docker::Client docker_;
  Figures figures_;
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--runs") options.runs = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--idle-seconds") options.idle_seconds = std::max(1, std::atoi(argv[i + 1]));
  }
  const std::string executor_path =
      (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "sidecar-executor").string();
  std::fprintf(stderr, "executor-bench: %d runs, %d s idle window, executor %s\n", options.runs,
               options.idle_seconds, executor_path.c_str());

  asio::io_context io;
  Figures figures;
  Bench bench(io.get_executor(), options, executor_path);
  asio::co_spawn(io, bench.Run(), [&](std::exception_ptr error, Figures result) {
    if (error) std::rethrow_exception(error);
    figures = std::move(result);
  });
  io.run();
  if (!figures.failure.empty()) {
    std::fprintf(stderr, "executor-bench: failed: %s\n", figures.failure.c_str());
    return 1;
  }

  const double floor = Percentile(figures.create_start_ms, 0.5);
  const double launch = Percentile(figures.launch_to_running_ms, 0.5);
  std::printf("| Figure | Measured | Target |\n|---|---|---|\n");
  std::printf("| exit -> terminal update, p50 / p99 (%zu runs) | %.1f ms / %.1f ms | p50 <= 50 ms |\n",
              figures.exit_to_update_ms.size(), Percentile(figures.exit_to_update_ms, 0.5),
              Percentile(figures.exit_to_update_ms, 0.99));
  std::printf("| LAUNCH -> RUNNING, p50 / p99 | %.1f ms / %.1f ms | <= floor + 10 ms |\n", launch,
              Percentile(figures.launch_to_running_ms, 0.99));
  std::printf("| raw Docker create+start (floor), p50 / p99 | %.1f ms / %.1f ms | |\n", floor,
              Percentile(figures.create_start_ms, 0.99));
  std::printf("| LAUNCH -> RUNNING above the floor, p50 | %+.1f ms | <= 10 ms |\n", launch - floor);
  std::printf("| idle VmRSS / PSS | %.2f MiB / %.2f MiB | <= 4 MiB / <= 2 MiB |\n", figures.rss_kib / 1024.0,
              figures.pss_kib / 1024.0);
  std::printf("| idle CPU time per minute | %.1f ms | |\n", figures.idle_cpu_ms_per_min);
  std::printf("| idle wake-ups (context switches) per minute | %.1f | |\n", figures.wakeups_per_min);
  return 0;
}
