// executor-bench: the executor's performance figures in one run, printed
// as a Markdown table (the README's Performance section is this output).
//
//   * container exit -> terminal update at the agent, p50/p99;
//   * LAUNCH -> TASK_RUNNING at the agent, against the raw Docker
//     create+start of the same container measured in the same run;
//   * idle VmRSS and PSS of an executor supervising a running task;
//   * idle CPU time and wake-ups (context switches) per minute;
//   * the same for an executor polling a fake Sidecar every second
//     (health checks on, a catalogue of --sidecar-services services).
//
// Usage: executor-bench [--runs N] [--idle-seconds S] [--sidecar-services N]
//                       [--section all|sidecar]
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
#include "tests/fakes/fake_sidecar.h"
#include "tools/local_agent/fake_agent.h"
#include "tools/local_agent/task_info_builder.h"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Wall = std::chrono::system_clock;

constexpr char kImage[] = "sidecar-executor-test/busybox:1";
constexpr char kHost[] = "bench-host";  // the agent's host in the fake Sidecar

struct Options {
  int runs = 20;
  int idle_seconds = 60;
  int sidecar_services = 200;  // in the state document each poll reads
  bool sidecar_only = false;
};

struct Figures {
  std::vector<double> exit_to_update_ms;
  std::vector<double> launch_to_running_ms;
  std::vector<double> create_start_ms;
  long rss_kib = 0;
  long pss_kib = 0;
  double idle_cpu_ms_per_min = 0;
  double wakeups_per_min = 0;
  double polling_cpu_ms_per_min = 0;
  double polling_wakeups_per_min = 0;
  double polling_voluntary_per_min = 0;
  double polls_per_min = 0;
  std::size_t sidecar_document_bytes = 0;
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
  long voluntary = 0;  // the thread blocked and was woken: a wake-up
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
  sample.voluntary = ProcField(status, "voluntary_ctxt_switches:");
  sample.switches = sample.voluntary + ProcField(status, "nonvoluntary_ctxt_switches:");
  return sample;
}

class Bench {
 public:
  Bench(asio::any_io_executor executor, const Options& options, std::string executor_path)
      : executor_(executor), options_(options), executor_path_(std::move(executor_path)),
        docker_(net::Endpoint::Unix("/var/run/docker.sock")) {}

  asio::awaitable<Figures> Run() {
    if (!options_.sidecar_only) {
      for (int i = 0; i < options_.runs && figures_.failure.empty(); ++i) {
        co_await OneExecutorRun(i);
        if (figures_.failure.empty()) co_await OneRawDockerRun(i);
      }
      if (figures_.failure.empty()) co_await IdleRun();
    }
    if (figures_.failure.empty()) co_await SidecarPollingRun();
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
    const base::Status subscribed = co_await agent.WaitSubscribed(base::After(30s));
    if (!subscribed.ok()) co_return Fail("subscribe", subscribed);

    const std::string task_id = fmt::format("bench-{}-{}", getpid(), i);
    const auto launched_at = base::Clock::now();
    base::Status queued = agent.Launch(local_agent::BuildTaskInfo(Spec(task_id, "sleep 0.3"), agent_options, executor_path_));
    if (!queued.ok()) co_return Fail("launch", queued);
    auto running = co_await agent.WaitForState(task_id, "TASK_RUNNING", base::After(60s));
    if (!running.ok()) co_return Fail("wait for RUNNING", running.status());
    figures_.launch_to_running_ms.push_back(Ms(running->at - launched_at));

    auto finished = co_await agent.WaitForState(task_id, "TASK_FINISHED", base::After(60s));
    if (!finished.ok()) co_return Fail("wait for FINISHED", finished.status());
    // The agent stamps arrivals on the steady clock; Docker's on the wall clock.
    const Wall::time_point finished_wall = Wall::now() - (base::Clock::now() - finished->at);
    auto exit = co_await agent.WaitExecutorExit(base::After(90s));
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
    const auto begin = base::Clock::now();
    auto id = co_await docker_.Create(config);
    if (!id.ok()) co_return Fail("raw create", id.status());
    const base::Status started = co_await docker_.Start(*id);
    const auto end = base::Clock::now();
    if (!started.ok()) co_return Fail("raw start", started);
    figures_.create_start_ms.push_back(Ms(end - begin));
    co_await docker_.Remove(*id, true, true);
  }

  // A task that sleeps for an hour under its own executor and agent: what
  // the at-rest measurements watch.
  struct LongTask {
    std::unique_ptr<local_agent::FakeAgent> agent;
    std::string task_id;
    std::string sandbox;
    pid_t pid() const { return agent->executor_process()->pid(); }
  };

  asio::awaitable<std::unique_ptr<LongTask>> StartLongTask(const std::string& name,
                                                           local_agent::KeyValues environment) {
    local_agent::AgentOptions agent_options;
    agent_options.executor_id = "bench-executor-" + name;
    auto task = std::make_unique<LongTask>();
    task->agent = std::make_unique<local_agent::FakeAgent>(executor_, agent_options);
    base::Status started = task->agent->Start();
    if (!started.ok()) {
      Fail("start the agent", started);
      co_return nullptr;
    }
    task->task_id = fmt::format("bench-{}-{}", getpid(), name);
    local_agent::TaskSpec spec = Spec(task->task_id, "sleep 3600");
    spec.environment = std::move(environment);
    started = task->agent->Launch(local_agent::BuildTaskInfo(spec, agent_options, executor_path_));
    if (!started.ok()) {
      Fail("launch", started);
      co_return nullptr;
    }
    task->sandbox = Sandbox();
    local_agent::ExecutorLaunch launch;
    launch.path = executor_path_;
    launch.sandbox = task->sandbox;
    started = task->agent->StartExecutor(launch);
    if (!started.ok()) {
      Fail("start the executor", started);
      co_return nullptr;
    }
    auto running = co_await task->agent->WaitForState(task->task_id, "TASK_RUNNING", base::After(60s));
    if (!running.ok()) {
      Fail("wait for RUNNING", running.status());
      co_return nullptr;
    }
    co_return task;
  }

  asio::awaitable<void> StopLongTask(LongTask& task) {
    (void)task.agent->Kill(task.task_id);
    auto killed = co_await task.agent->WaitForState(task.task_id, "TASK_KILLED", base::After(60s));
    if (!killed.ok()) Fail("kill " + task.task_id, killed.status());
    co_await task.agent->WaitExecutorExit(base::After(60s));
    std::filesystem::remove_all(task.sandbox);
  }

  struct RestCost {
    double cpu_ms_per_min = 0;
    double switches_per_min = 0;
    double voluntary_per_min = 0;
  };

  // CPU time and context switches of `pid` over --idle-seconds, per minute.
  asio::awaitable<RestCost> MeasureRest(pid_t pid) {
    const CpuSample before = SampleCpu(pid);
    co_await base::SleepUntil(base::After(std::chrono::seconds(options_.idle_seconds)));
    const CpuSample after = SampleCpu(pid);
    const double minutes = options_.idle_seconds / 60.0;
    co_return RestCost{(after.cpu_ms - before.cpu_ms) / minutes, (after.switches - before.switches) / minutes,
                       (after.voluntary - before.voluntary) / minutes};
  }

  // An executor supervising a long task: memory, CPU and wake-ups at rest.
  asio::awaitable<void> IdleRun() {
    std::unique_ptr<LongTask> task = co_await StartLongTask("idle", local_agent::KeyValues());
    if (!task) co_return;
    co_await base::SleepUntil(base::After(5s));  // let start-up work settle
    const std::string proc = "/proc/" + std::to_string(task->pid());
    figures_.rss_kib = ProcField(proc + "/status", "VmRSS:");
    figures_.pss_kib = ProcField(proc + "/smaps_rollup", "Pss:");
    const RestCost cost = co_await MeasureRest(task->pid());
    figures_.idle_cpu_ms_per_min = cost.cpu_ms_per_min;
    figures_.wakeups_per_min = cost.switches_per_min;
    co_await StopLongTask(*task);
  }

  // An executor whose task Sidecar reports ALIVE, polled every second: the
  // steady cost of health checking (one request per interval).
  asio::awaitable<void> SidecarPollingRun() {
    fakes::FakeSidecar sidecar(executor_, kHost);
    const base::Status started = sidecar.Start();
    if (!started.ok()) co_return Fail("start the fake Sidecar", started);
    for (int i = 0; i < options_.sidecar_services; ++i) {
      sidecar.SetService(fmt::format("host-{}", i % 20), fmt::format("{:012x}", i), i % 7 == 0 ? 2 : 0);
    }
    local_agent::KeyValues environment = {{"TASK_HOST", kHost},
                                          {"EXECUTOR_SIDECAR_URL", sidecar.state_url()},
                                          {"EXECUTOR_SIDECAR_BACKOFF", "0s"},
                                          {"EXECUTOR_SIDECAR_POLL_INTERVAL", "1s"},
                                          {"EXECUTOR_SIDECAR_DRAINING_DURATION", "0s"}};
    std::unique_ptr<LongTask> task = co_await StartLongTask("sidecar", std::move(environment));
    if (!task) co_return;
    std::vector<std::string> labels;
    labels.push_back("mesos.task_id=" + task->task_id);
    auto containers = co_await docker_.ListContainers(std::move(labels));
    if (!containers.ok()) co_return Fail("find the container", containers.status());
    if (containers->empty()) {
      co_return Fail("find the container", base::Status::NotFound("no container for " + task->task_id));
    }
    sidecar.SetService(kHost, containers->front().id.substr(0, 12), 0);
    figures_.sidecar_document_bytes = sidecar.StateDocument().size();
    co_await base::SleepUntil(base::After(5s));  // let start-up work settle

    const int polls_before = sidecar.state_requests();
    const RestCost cost = co_await MeasureRest(task->pid());
    figures_.polling_cpu_ms_per_min = cost.cpu_ms_per_min;
    figures_.polling_wakeups_per_min = cost.switches_per_min;
    figures_.polling_voluntary_per_min = cost.voluntary_per_min;
    figures_.polls_per_min = (sidecar.state_requests() - polls_before) / (options_.idle_seconds / 60.0);
    co_await StopLongTask(*task);
  }

  asio::any_io_executor executor_;
  Options options_;
  std::string executor_path_;
  docker::Client docker_;
  Figures figures_;
};

void PrintSidecarRows(const Figures& figures) {
  std::printf("| polling Sidecar every 1 s (%.0f polls/min, %zu-byte state): CPU time per minute | %.1f ms | |\n",
              figures.polls_per_min, figures.sidecar_document_bytes, figures.polling_cpu_ms_per_min);
  std::printf("| polling Sidecar every 1 s: context switches per minute, of them voluntary (wake-ups) | %.1f, %.1f "
              "| about 1 wake-up per poll |\n",
              figures.polling_wakeups_per_min, figures.polling_voluntary_per_min);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--runs") options.runs = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--idle-seconds") options.idle_seconds = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--sidecar-services") options.sidecar_services = std::max(0, std::atoi(argv[i + 1]));
    if (flag == "--section") options.sidecar_only = std::string(argv[i + 1]) == "sidecar";
  }
  const std::string executor_path =
      (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "sidecar-executor").string();
  std::fprintf(stderr, "executor-bench: %d runs, %d s idle window, %d Sidecar services, executor %s\n",
               options.runs, options.idle_seconds, options.sidecar_services, executor_path.c_str());

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

  if (options.sidecar_only) {
    PrintSidecarRows(figures);
    return 0;
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
  PrintSidecarRows(figures);
  return 0;
}
