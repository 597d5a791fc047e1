// executor-bench: the executor's performance figures in one run, printed
// as a Markdown table (the README's Performance section is this output).
//
//   * container exit -> terminal update at the agent, p50/p99;
//   * LAUNCH -> TASK_RUNNING at the agent, against the raw Docker
//     create+start of the same container measured in the same run;
//   * idle VmRSS and PSS of an executor supervising a running task;
//   * idle CPU time and wake-ups (context switches) per minute;
//   * the stripped size of the executor binary;
//   * Sidecar at cluster scale: for state documents of 50, 5,000 and 50,000
//     services (ten per host), the time to read the whole document, and the
//     CPU per poll and peak RSS of an executor polling every second, once as
//     it does (by service name after the first poll) and once reading the
//     whole state every poll, as upstream did;
//   * density: --density-executors executors (200) each supervising a
//     sleeping container; their total CPU, RSS and PSS at rest.
//
// Usage: executor-bench [--runs N] [--idle-seconds S] [--density-executors N]
//                       [--section all|sidecar|density]
// Needs the Docker daemon and the local busybox test image.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/async_event.h"
#include "docker/client.h"
#include "executor/container_name.h"
#include "sidecar/state_document.h"
#include "tests/fakes/fake_sidecar.h"
#include "tools/local_agent/fake_agent.h"
#include "tools/local_agent/task_info_builder.h"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Wall = std::chrono::system_clock;

constexpr char kImage[] = "sidecar-executor-test/busybox:1";
constexpr char kHost[] = "bench-host";  // the agent's host in the fake Sidecar
// Services in the Sidecar section's state documents, ten per host.
const std::vector<int> kSidecarScales = {50, 5'000, 50'000};

enum class Section { kAll, kSidecar, kDensity };

struct Options {
  int runs = 20;
  int idle_seconds = 60;
  int density_executors = 200;
  Section section = Section::kAll;
};

// One cluster size of the Sidecar section.
struct SidecarScale {
  int services = 0;
  int hosts = 0;
  std::size_t document_bytes = 0;
  double parse_ms = 0;  // the whole document through the state reader, in this process
  double by_name_poll_cpu_ms = 0;
  long by_name_peak_rss_kib = 0;
  double whole_poll_cpu_ms = 0;
  long whole_peak_rss_kib = 0;
  double by_name_wakeups_per_poll = 0;
};

struct Density {
  int executors = 0;
  double cpu_percent_of_one_core = 0;
  double rss_mib = 0;
  double pss_mib = 0;
};

struct Figures {
  std::vector<double> exit_to_update_ms;
  std::vector<double> launch_to_running_ms;
  std::vector<double> create_start_ms;
  long rss_kib = 0;
  long pss_kib = 0;
  long peak_rss_kib = 0;  // VmHWM of the idle executor: start-up and launch included
  double idle_cpu_ms_per_min = 0;
  double wakeups_per_min = 0;
  std::vector<SidecarScale> sidecar;
  Density density;
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
  // The scheduler's own count is in nanoseconds, where /stat has 10 ms ticks:
  // a poll costs well under one tick.
  std::ifstream schedstat("/proc/" + std::to_string(pid) + "/schedstat");
  double on_cpu_ns = 0;
  if (schedstat >> on_cpu_ns) sample.cpu_ms = on_cpu_ns / 1e6;
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
    if (options_.section == Section::kAll) {
      for (int i = 0; i < options_.runs && figures_.failure.empty(); ++i) {
        co_await OneExecutorRun(i);
        if (figures_.failure.empty()) co_await OneRawDockerRun(i);
      }
      if (figures_.failure.empty()) co_await IdleRun();
    }
    if (options_.section != Section::kDensity) {
      for (const int services : kSidecarScales) {
        if (figures_.failure.empty()) co_await SidecarScaleRun(services);
      }
    }
    if (options_.section != Section::kSidecar && figures_.failure.empty()) co_await DensityRun();
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

  // `binary`: the executor to run; by default the build's own.
  asio::awaitable<std::unique_ptr<LongTask>> StartLongTask(const std::string& name, local_agent::KeyValues environment,
                                                           std::string binary = {}) {
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
    // Ends at once on SIGTERM (a shell as PID 1 ignores it otherwise), so
    // that stopping hundreds of them does not wait out their grace.
    local_agent::TaskSpec spec = Spec(task->task_id, "trap 'exit 0' TERM; sleep 3600 & wait");
    spec.environment = std::move(environment);
    started = task->agent->Launch(local_agent::BuildTaskInfo(spec, agent_options, executor_path_));
    if (!started.ok()) {
      Fail("launch", started);
      co_return nullptr;
    }
    task->sandbox = Sandbox();
    local_agent::ExecutorLaunch launch;
    launch.path = binary.empty() ? executor_path_ : binary;
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
    figures_.peak_rss_kib = ProcField(proc + "/status", "VmHWM:");
    const RestCost cost = co_await MeasureRest(task->pid());
    figures_.idle_cpu_ms_per_min = cost.cpu_ms_per_min;
    figures_.wakeups_per_min = cost.switches_per_min;
    co_await StopLongTask(*task);
  }

  // A task whose executor polls `sidecar` every second at `url`, with its
  // own service (named "bench") listed ALIVE on the agent's host.
  asio::awaitable<std::unique_ptr<LongTask>> StartPollingTask(const std::string& name, fakes::FakeSidecar& sidecar,
                                                             const std::string& url) {
    local_agent::KeyValues environment = {{"TASK_HOST", kHost},
                                          {"EXECUTOR_SIDECAR_URL", url},
                                          {"EXECUTOR_SIDECAR_BACKOFF", "0s"},
                                          {"EXECUTOR_SIDECAR_POLL_INTERVAL", "1s"},
                                          {"EXECUTOR_SIDECAR_DRAINING_DURATION", "0s"}};
    std::unique_ptr<LongTask> task = co_await StartLongTask(name, std::move(environment));
    if (!task) co_return nullptr;
    std::vector<std::string> labels;
    labels.push_back("mesos.task_id=" + task->task_id);
    auto containers = co_await docker_.ListContainers(std::move(labels));
    if (!containers.ok() || containers->empty()) {
      Fail("find the container of " + task->task_id,
           containers.ok() ? base::Status::NotFound("none listed") : containers.status());
      co_return nullptr;
    }
    sidecar.SetService(kHost, containers->front().id.substr(0, 12), 0, "bench");
    co_return task;
  }

  static base::Status StartCluster(fakes::FakeSidecar& sidecar, int services, int hosts) {
    const base::Status started = sidecar.Start();
    if (!started.ok()) return started;
    for (int i = 0; i < services; ++i) {
      // Five instances a name, one in seven unhealthy.
      sidecar.SetService(fmt::format("host-{}", i % hosts), fmt::format("{:012x}", i), i % 7 == 0 ? 2 : 0,
                         fmt::format("service-{}", i / 5));
    }
    return base::Status::Ok();
  }

  struct PollCost {
    double cpu_ms_per_poll = 0;
    double wakeups_per_poll = 0;
    long peak_rss_kib = 0;
  };

  static PollCost CostPerPoll(pid_t pid, const CpuSample& before, const CpuSample& after, int polls) {
    PollCost cost;
    if (polls > 0) {
      cost.cpu_ms_per_poll = (after.cpu_ms - before.cpu_ms) / polls;
      cost.wakeups_per_poll = static_cast<double>(after.voluntary - before.voluntary) / polls;
    }
    cost.peak_rss_kib = ProcField("/proc/" + std::to_string(pid) + "/status", "VmHWM:");
    return cost;
  }

  // Sidecar on a cluster of `services` services, ten per host: two
  // executors poll it every second side by side, one as it does (by service
  // name once the state has shown it), one reading the whole state each
  // time (an operator's own URL, as upstream always did).
  asio::awaitable<void> SidecarScaleRun(int services) {
    SidecarScale scale;
    scale.services = services;
    scale.hosts = std::max(1, services / 10);
    fakes::FakeSidecar by_name(executor_, kHost);
    fakes::FakeSidecar whole(executor_, kHost);
    base::Status started = StartCluster(by_name, services, scale.hosts);
    if (started.ok()) started = StartCluster(whole, services, scale.hosts);
    if (!started.ok()) co_return Fail("start the fake Sidecar", started);
    const std::string by_name_task_name = fmt::format("sidecar-{}-by-name", services);
    const std::string by_name_url = by_name.state_url();
    std::unique_ptr<LongTask> by_name_task = co_await StartPollingTask(by_name_task_name, by_name, by_name_url);
    if (!by_name_task) co_return;
    const std::string whole_task_name = fmt::format("sidecar-{}-whole", services);
    const std::string whole_url = whole.state_url() + "?whole";
    std::unique_ptr<LongTask> whole_task = co_await StartPollingTask(whole_task_name, whole, whole_url);
    if (!whole_task) co_return;
    const std::string document = whole.StateDocument();
    scale.document_bytes = document.size();
    scale.parse_ms = MedianParseMs(document);
    co_await base::SleepUntil(base::After(5s));  // past the first polls, which read the whole state

    const int by_name_polls = by_name.state_requests();
    const int whole_polls = whole.state_requests();
    const CpuSample by_name_before = SampleCpu(by_name_task->pid());
    const CpuSample whole_before = SampleCpu(whole_task->pid());
    co_await base::SleepUntil(base::After(std::chrono::seconds(options_.idle_seconds / 2)));
    const PollCost by_name_cost = CostPerPoll(by_name_task->pid(), by_name_before, SampleCpu(by_name_task->pid()),
                                              by_name.state_requests() - by_name_polls);
    const PollCost whole_cost = CostPerPoll(whole_task->pid(), whole_before, SampleCpu(whole_task->pid()),
                                            whole.state_requests() - whole_polls);
    if (by_name.instances_requests() == 0) {
      Fail("poll by name", base::Status::Failed("the executor never asked for its service by name"));
    }
    scale.by_name_poll_cpu_ms = by_name_cost.cpu_ms_per_poll;
    scale.by_name_wakeups_per_poll = by_name_cost.wakeups_per_poll;
    scale.by_name_peak_rss_kib = by_name_cost.peak_rss_kib;
    scale.whole_poll_cpu_ms = whole_cost.cpu_ms_per_poll;
    scale.whole_peak_rss_kib = whole_cost.peak_rss_kib;
    figures_.sidecar.push_back(scale);
    co_await StopLongTask(*by_name_task);
    co_await StopLongTask(*whole_task);
  }

  // CPU time of one whole-document read, the median of five.
  static double MedianParseMs(const std::string& document) {
    std::vector<double> times;
    for (int i = 0; i < 5; ++i) {
      const double begin = ThreadCpuMs();
      const sidecar::StateLookup lookup = sidecar::LookUpService(document, sidecar::ServiceKey{kHost, "none"});
      times.push_back(ThreadCpuMs() - begin);
      if (lookup.outcome == sidecar::StateLookup::Outcome::kUndecodable) return -1;
    }
    return Percentile(times, 0.5);
  }

  static double ThreadCpuMs() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
  }

  // Runs job(0..count-1), `width` at a time.
  using Job = std::function<asio::awaitable<void>(int)>;
  asio::awaitable<void> InBatches(int count, int width, const Job& job) {
    for (int first = 0; first < count; first += width) {
      const int last = std::min(count, first + width);
      auto pending = std::make_shared<int>(last - first);
      auto done = std::make_shared<base::AsyncEvent>(executor_);
      for (int i = first; i < last; ++i) {
        asio::co_spawn(executor_, job(i), [pending, done](std::exception_ptr) {
          if (--*pending == 0) done->Set();
        });
      }
      co_await done->Wait();
    }
  }

  // Many executors on this one host, each supervising a sleeping container:
  // what they cost together at rest. Each runs its own copy of the installed
  // (debug-stripped) binary, as packaging/executor.sh deploys it: code pages
  // are then each executor's own, as on an agent.
  asio::awaitable<void> DensityRun() {
    const int count = options_.density_executors;
    const std::string copies = Sandbox();
    const std::string installed = copies + "/sidecar-executor";
    const std::string strip = fmt::format("strip --strip-debug -o '{}' '{}'", installed, executor_path_);
    if (std::system(strip.c_str()) != 0) co_return Fail("strip the executor", base::Status::Failed(strip));
    std::vector<std::unique_ptr<LongTask>> tasks(count);
    const Job start = [this, &tasks, &copies, &installed](int i) -> asio::awaitable<void> {
      const std::string name = fmt::format("density-{}", i);
      const std::string copy = fmt::format("{}/sidecar-executor-{}", copies, i);
      std::error_code error;
      std::filesystem::copy_file(installed, copy, error);
      if (error) co_return Fail("copy the executor", base::Status::Failed(error.message()));
      local_agent::KeyValues no_environment;
      tasks[i] = co_await StartLongTask(name, std::move(no_environment), copy);
    };
    co_await InBatches(count, 8, start);
    const bool all_started = std::all_of(tasks.begin(), tasks.end(), [](const auto& task) { return task != nullptr; });
    if (all_started) {
      co_await base::SleepUntil(base::After(10s));  // past start-up and the page-out of start-up code
      std::vector<CpuSample> before;
      for (const auto& task : tasks) before.push_back(SampleCpu(task->pid()));
      co_await base::SleepUntil(base::After(std::chrono::seconds(options_.idle_seconds)));
      double cpu_ms = 0;
      long rss_kib = 0;
      long pss_kib = 0;
      for (int i = 0; i < count; ++i) {
        cpu_ms += SampleCpu(tasks[i]->pid()).cpu_ms - before[i].cpu_ms;
        const std::string proc = "/proc/" + std::to_string(tasks[i]->pid());
        rss_kib += ProcField(proc + "/status", "VmRSS:");
        pss_kib += ProcField(proc + "/smaps_rollup", "Pss:");
      }
      figures_.density = Density{count, cpu_ms / (options_.idle_seconds * 1000.0) * 100.0, rss_kib / 1024.0,
                                 pss_kib / 1024.0};
    }
    const Job stop = [this, &tasks](int i) -> asio::awaitable<void> {
      if (tasks[i]) co_await StopLongTask(*tasks[i]);
    };
    co_await InBatches(count, 8, stop);
    std::filesystem::remove_all(copies);
  }

  asio::any_io_executor executor_;
  Options options_;
  std::string executor_path_;
  docker::Client docker_;
  Figures figures_;
};

// `strip --strip-all` of the executor: what an agent host stores and maps.
long StrippedSize(const std::string& executor_path) {
  const std::string stripped = fmt::format("/tmp/sidecar-executor-stripped-{}", getpid());
  const std::string command = fmt::format("strip --strip-all -o '{}' '{}'", stripped, executor_path);
  if (std::system(command.c_str()) != 0) return -1;
  std::error_code error;
  const auto size = std::filesystem::file_size(stripped, error);
  std::filesystem::remove(stripped, error);
  return error ? -1 : static_cast<long>(size);
}

void PrintSidecarRows(const Figures& figures) {
  for (const SidecarScale& scale : figures.sidecar) {
    std::printf("| Sidecar, %d services on %d hosts (%.2f MB state): whole-state read, CPU | %.2f ms | |\n",
                scale.services, scale.hosts, scale.document_bytes / 1e6, scale.parse_ms);
    std::printf("| Sidecar, %d services: CPU per poll, by name / whole state each poll (upstream's way) | %.2f ms / "
                "%.2f ms | <= 1 ms |\n",
                scale.services, scale.by_name_poll_cpu_ms, scale.whole_poll_cpu_ms);
    std::printf("| Sidecar, %d services: executor peak RSS (VmHWM), by name / whole state each poll | %.2f MiB / "
                "%.2f MiB | growth <= state size |\n",
                scale.services, scale.by_name_peak_rss_kib / 1024.0, scale.whole_peak_rss_kib / 1024.0);
  }
  if (!figures.sidecar.empty()) {
    std::printf("| Sidecar polling: wake-ups per poll (voluntary context switches) | %.1f | |\n",
                figures.sidecar.front().by_name_wakeups_per_poll);
  }
}

void PrintDensityRows(const Density& density) {
  std::printf("| density: %d executors at rest, total CPU | %.2f %% of one core | < 2 %% |\n", density.executors,
              density.cpu_percent_of_one_core);
  std::printf("| density: %d executors, total VmRSS / PSS | %.0f MiB / %.0f MiB | RSS < 800 MiB |\n",
              density.executors, density.rss_mib, density.pss_mib);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--runs") options.runs = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--idle-seconds") options.idle_seconds = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--density-executors") options.density_executors = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--section") {
      const std::string section = argv[i + 1];
      options.section = section == "sidecar" ? Section::kSidecar
                        : section == "density" ? Section::kDensity
                                               : Section::kAll;
    }
  }
  // A few descriptors per executor run in the density section.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  const std::string executor_path =
      (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "sidecar-executor").string();
  std::fprintf(stderr, "executor-bench: %d runs, %d s idle window, %d executors for density, executor %s\n",
               options.runs, options.idle_seconds, options.density_executors, executor_path.c_str());

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

  std::printf("| Figure | Measured | Target |\n|---|---|---|\n");
  if (options.section == Section::kSidecar) {
    PrintSidecarRows(figures);
    return 0;
  }
  if (options.section == Section::kDensity) {
    PrintDensityRows(figures.density);
    return 0;
  }
  const double floor = Percentile(figures.create_start_ms, 0.5);
  const double launch = Percentile(figures.launch_to_running_ms, 0.5);
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
  std::printf("| peak VmRSS (VmHWM) of that executor, no Sidecar | %.2f MiB | |\n", figures.peak_rss_kib / 1024.0);
  std::printf("| idle CPU time per minute | %.1f ms | |\n", figures.idle_cpu_ms_per_min);
  std::printf("| idle wake-ups (context switches) per minute | %.1f | |\n", figures.wakeups_per_min);
  std::printf("| executor binary, stripped | %.2f MB | <= 3 MB |\n", StrippedSize(executor_path) / 1e6);
  PrintSidecarRows(figures);
  PrintDensityRows(figures.density);
  return 0;
}
