// Fault injection through the real executor binary, the fake agent and real
// Docker: the agent going away and coming back many times, a Docker daemon
// (a private one) restarting or gone, containers killed or removed from
// outside, and SIGTERM to the executor in every phase of a task, phases
// that last milliseconds held open by a proxy in front of the daemon.
//
// Whatever happens: no container is left (checked against the machine's
// daemon by the harness), the executor ends by its bounds, and a connected
// executor sends exactly one terminal update.
#include <gmock/gmock.h>

#include <csignal>
#include <map>
#include <set>

#include "tests/fakes/fake_sidecar.h"
#include "tests/fakes/fake_vault.h"
#include "tests/integration/executor_harness.h"
#include "tests/support/docker_proxy.h"
#include "tests/support/private_dockerd.h"
#include "tools/local_agent/task_states.h"

namespace integration {
namespace {

namespace asio = boost::asio;
using local_agent::StatusUpdateRecord;
using local_agent::UpdateDisposition;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Exits 0 on SIGTERM.
constexpr char kPolite[] = "trap 'echo bye; exit 0' TERM; echo ready; while true; do sleep 0.2; done";
// Ignores SIGTERM, so only SIGKILL ends it.
constexpr char kStubborn[] = "trap '' TERM; echo ready; while true; do sleep 1; done";
// Finishes (exit 0) on SIGUSR1, which the test sends; dies on SIGTERM with
// the status of a process without a handler (the shell as PID 1 would
// otherwise ignore it).
constexpr char kUntilUsr1[] = "trap 'exit 0' USR1; trap 'exit 143' TERM; echo ready; while true; do sleep 0.2; done";

// The terminal updates the executor sent for `task_id`, as the agent applied them.
std::vector<StatusUpdateRecord> TerminalUpdates(const local_agent::FakeAgent& agent, const std::string& task_id) {
  std::vector<StatusUpdateRecord> terminal;
  for (const StatusUpdateRecord& update : agent.updates()) {
    if (update.task_id == task_id && update.source == "SOURCE_EXECUTOR" &&
        local_agent::IsTerminalState(update.state) && update.disposition == UpdateDisposition::kApplied) {
      terminal.push_back(update);
    }
  }
  return terminal;
}

// A terminal message without the extensions' " [...]" notes.
std::string WithoutNotes(const std::string& message) { return message.substr(0, message.find(" [")); }

std::vector<std::string> AppliedStates(const local_agent::FakeAgent& agent, const std::string& task_id) {
  std::vector<std::string> states;
  for (const StatusUpdateRecord& update : agent.updates()) {
    if (update.task_id == task_id && update.disposition == UpdateDisposition::kApplied) states.push_back(update.state);
  }
  return states;
}

asio::awaitable<base::Result<std::vector<docker::ContainerSummary>>> ContainersOf(docker::Client& docker,
                                                                                 const std::string& task_id) {
  std::vector<std::string> labels;
  labels.push_back("mesos.task_id=" + task_id);
  auto containers = co_await docker.ListContainers(std::move(labels));
  co_return containers;
}

// The id of the task's one container.
asio::awaitable<base::Result<std::string>> ContainerIdOf(docker::Client& docker, const std::string& task_id) {
  const auto containers = co_await ContainersOf(docker, task_id);
  if (!containers.ok()) co_return containers.status();
  if (containers->size() != 1) co_return base::Status::Failed("expected one container for " + task_id);
  co_return containers->front().id;
}

class FaultTest : public ExecutorTest {
 protected:
  void SetUp() override {
    ExecutorTest::SetUp();
    // No Sidecar runs here: a drain attempt would only add its retries to every kill.
    executor_env_ = {{"EXECUTOR_SIDECAR_DRAINING_DURATION", "0s"}};
  }

  // Until the executor's log contains `text`: for what only the log shows
  // (the executor's view of Docker going away).
  asio::awaitable<bool> WaitForLog(std::string text, std::chrono::seconds within) {
    const base::Deadline deadline = base::After(within);
    for (;;) {
      if (ExecutorStdout().find(text) != std::string::npos) co_return true;
      if (base::Clock::now() > deadline) co_return false;
      co_await base::SleepUntil(base::After(100ms));
    }
  }

  // The executor exits by its bounds, and nothing of the task is left on
  // the machine's daemon.
  static asio::awaitable<void> ExpectExitAndNoContainer(Run& run) {
    const auto exit = co_await ExecutorExit(run.agent, 60s);
    CO_ASSERT_OK(exit);
    const auto containers = co_await ContainersOf(run.docker, run.task_id);
    CO_ASSERT_OK(containers);
    EXPECT_TRUE(containers->empty()) << "a container of " << run.task_id << " is left";
  }
};

// --- The agent goes away and comes back -------------------------------------

TEST_F(FaultTest, AgentAwayAndBackAHundredTimesLosesAndDuplicatesNothing) {
  constexpr int kCycles = 100;
  options_.checkpoint = true;
  options_.subscription_backoff_max = 200ms;  // the executor comes back quickly
  const boost::json::object task = Task(Spec(kUntilUsr1));
  RunExecutor(
      &task,
      [&](Run& run) -> asio::awaitable<void> {
        // The first cycles find STARTING and RUNNING unacknowledged: they
        // ride along in every re-SUBSCRIBE until acknowledgements resume.
        run.agent.SetAcknowledge(false);
        CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
        const auto container = co_await ContainerIdOf(run.docker, run.task_id);
        CO_ASSERT_OK(container);
        for (int cycle = 0; cycle < kCycles; ++cycle) {
          if (cycle == 10) run.agent.SetAcknowledge(true);
          if (cycle % 2 == 0) {
            // The connection breaks; the agent is back at once.
            run.agent.StopListening();
            run.agent.DropStream();
            CO_ASSERT_OK(run.agent.StartListening());
          } else {
            // The agent restarts: connections are refused for a moment.
            local_agent::RestartOptions restart;
            restart.downtime = 50ms;
            restart.reregistration = 10min;  // never closes during the test
            run.agent.Restart(restart);
          }
          const base::Status back = co_await run.agent.WaitSubscribed(base::After(30s), cycle + 2);
          CO_ASSERT_OK(back);
          run.agent.SetRecovery(local_agent::RecoveryPhase::kNone);  // re-registered: calls are served again
          if (cycle % 10 != 9) continue;
          const auto now = co_await ContainerIdOf(run.docker, run.task_id);
          CO_ASSERT_OK(now);
          EXPECT_EQ(*now, *container) << "cycle " << cycle;
          const auto state = co_await run.docker.Inspect(*container);
          CO_ASSERT_OK(state);
          CO_ASSERT_TRUE(state->running);
        }
        const base::Status finish = co_await run.docker.Kill(*container, "SIGUSR1");
        CO_ASSERT_OK(finish);
        CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_FINISHED", base::After(60s)));
        const auto exit = co_await ExecutorExit(run.agent);
        CO_ASSERT_OK(exit);
        EXPECT_TRUE(exit->success()) << "the terminal update was acknowledged: " << exit->ToString();

        EXPECT_EQ(run.agent.subscribes().size(), static_cast<std::size_t>(kCycles + 1));
        EXPECT_EQ(AppliedStates(run.agent, run.task_id),
                  (std::vector<std::string>{"TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"}));
        EXPECT_EQ(TerminalUpdates(run.agent, run.task_id).size(), 1u);
        // Every update the executor sent was applied exactly once and acknowledged.
        std::map<std::string, int> applied;
        std::set<std::string> acknowledged;
        for (const StatusUpdateRecord& update : run.agent.updates()) {
          if (update.task_id != run.task_id || update.source != "SOURCE_EXECUTOR") continue;
          if (update.disposition == UpdateDisposition::kApplied) ++applied[update.uuid];
          if (update.acknowledged) acknowledged.insert(update.uuid);
          EXPECT_NE(update.disposition, UpdateDisposition::kAfterTerminal) << update.state;
        }
        EXPECT_EQ(applied.size(), 3u);
        for (const auto& [uuid, count] : applied) {
          EXPECT_EQ(count, 1) << uuid;
          EXPECT_TRUE(acknowledged.contains(uuid)) << uuid << " was never acknowledged";
        }
      },
      240s);
}

// --- Containers killed or removed from outside --------------------------------

struct OutsideKill {
  std::string name;
  std::string script;
  std::string signal;  // empty: `docker rm -f`
  std::string message;
};

class OutsideKillTest : public FaultTest, public ::testing::WithParamInterface<OutsideKill> {};

// Mesos's docker executor: a container that ends without the executor
// having been asked to stop it is TASK_FAILED, whatever stopped it, with
// its status in the message. A removed container says so too.
TEST_P(OutsideKillTest, EndsFailedNamingTheStatus) {
  const boost::json::object task = Task(Spec(GetParam().script));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
    const auto id = co_await ContainerIdOf(run.docker, run.task_id);
    CO_ASSERT_OK(id);
    if (GetParam().signal.empty()) {
      const base::Status removed = co_await run.docker.Remove(*id, /*force=*/true, /*remove_volumes=*/true);
      CO_ASSERT_OK(removed);
    } else {
      const base::Status killed = co_await run.docker.Kill(*id, GetParam().signal);
      CO_ASSERT_OK(killed);
    }
    const auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(60s));
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->reason, "");
    EXPECT_EQ(WithoutNotes(failed->message), GetParam().message);
    EXPECT_EQ(TerminalUpdates(run.agent, run.task_id).size(), 1u);
    co_await ExpectExitAndNoContainer(run);
  });
}

INSTANTIATE_TEST_SUITE_P(
    Outside, OutsideKillTest,
    ::testing::Values(
        OutsideKill{"DockerKillSigkill", kPolite, "SIGKILL", "Container exited with status 137 (killed by signal 9, SIGKILL)"},
        OutsideKill{"DockerKillSigterm", kUntilUsr1, "SIGTERM",
                    "Container exited with status 143 (killed by signal 15, SIGTERM)"},
        OutsideKill{"DockerRmForce", kPolite, "",
                    "Container exited with status 137 (killed by signal 9, SIGKILL): the container was removed "
                    "(not by the executor) while it ran"}),
    [](const ::testing::TestParamInfo<OutsideKill>& info) { return info.param.name; });

// --- SIGTERM to the executor in every phase -----------------------------------

TEST_F(FaultTest, SigtermBeforeSubscribingExitsAndLaunchesNothing) {
  const boost::json::object task = Task(Spec(kPolite));
  RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
    // Set before the io_context first runs, so before the executor's first call.
    run.agent.SetRecovery(local_agent::RecoveryPhase::kContainerizer);
    auto refused = [&run] {
      for (const local_agent::CallRecord& call : run.agent.calls()) {
        if (call.status == 503) return true;  // a recovering agent answers before reading the call
      }
      return false;
    };
    const bool tried = co_await run.agent.WaitUntil(refused, base::After(60s));
    CO_ASSERT_TRUE(tried);
    CO_ASSERT_OK(run.agent.executor_process()->Signal(SIGTERM));
    const auto exit = co_await ExecutorExit(run.agent, 30s);
    CO_ASSERT_OK(exit);
    EXPECT_TRUE(exit->success()) << exit->ToString();
    EXPECT_EQ(run.agent.subscribes().size(), 0u);
    EXPECT_TRUE(TerminalUpdates(run.agent, run.task_id).empty());
    co_await ExpectExitAndNoContainer(run);
  });
  EXPECT_THAT(ExecutorStdout(), HasSubstr("Received signal SIGTERM"));
}

enum class Phase { kPull, kCreate, kStart, kRunning, kKill, kKillBeyondGrace, kLogCopy };

struct PhaseCase {
  std::string name;
  Phase phase;
  std::string method;  // the Docker request held open in this phase
  std::string path;
  std::vector<std::string> states;  // what the agent sees, in order
  std::string message;              // part of the terminal update's message
};

class SigtermPhaseTest : public FaultTest, public ::testing::WithParamInterface<PhaseCase> {};

TEST_P(SigtermPhaseTest, LeavesNoContainerAndReportsOneTerminalUpdate) {
  const PhaseCase& param = GetParam();
  const bool kill_phase = param.phase == Phase::kKill || param.phase == Phase::kKillBeyondGrace;
  local_agent::TaskSpec spec = Spec(param.phase == Phase::kLogCopy            ? "echo doomed; exit 3"
                                    : param.phase == Phase::kKillBeyondGrace ? kStubborn
                                                                             : kPolite);
  if (param.phase == Phase::kPull) spec.image = "sidecar-executor-test/absent:1";  // never pulled: held
  test::DockerProxy* proxy = nullptr;
  RunExecutorWith(
      [&](asio::any_io_executor executor, Keep& keep) {
        auto fake = std::make_shared<test::DockerProxy>(executor);
        EXPECT_TRUE(fake->Start().ok());
        if (!kill_phase && !param.method.empty()) fake->Hold(param.method, param.path);
        proxy = fake.get();
        keep.push_back(fake);
        extra_env_.emplace_back("DOCKER_HOST", fake->docker_host());
        return Task(spec);
      },
      [&](Run& run) -> asio::awaitable<void> {
        if (param.phase == Phase::kRunning || kill_phase) {
          CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
        }
        if (kill_phase) {
          proxy->Hold(param.method, param.path);
          CO_ASSERT_OK(run.agent.Kill(run.task_id, 30s));
        }
        if (!param.method.empty()) {
          const bool held = co_await proxy->WaitHeld(1, base::After(60s));
          CO_ASSERT_TRUE(held);
        }
        CO_ASSERT_OK(run.agent.executor_process()->Signal(SIGTERM));
        // The stop is released so that the kill proceeds (a stubborn
        // container outlasts the shutdown grace period all the same). So is
        // the create: Docker makes the container after the signal, and the
        // executor, which waits for a create Docker may have received, must
        // remove it. The log copy stays held: the executor must get out by
        // its shutdown grace period regardless. The other requests of the
        // launch are cancelled by the executor itself.
        if (kill_phase || param.phase == Phase::kCreate) proxy->Release();
        const std::string terminal_state = param.states.back();
        const auto terminal = co_await run.agent.WaitForState(run.task_id, terminal_state, base::After(60s));
        CO_ASSERT_OK(terminal);
        EXPECT_EQ(terminal->source, "SOURCE_EXECUTOR");
        EXPECT_THAT(terminal->message, HasSubstr(param.message));
        co_await ExpectExitAndNoContainer(run);
        EXPECT_EQ(AppliedStates(run.agent, run.task_id), param.states);
        EXPECT_EQ(TerminalUpdates(run.agent, run.task_id).size(), 1u);
      });
}

const std::vector<std::string> kAbortedLaunch = {"TASK_STARTING", "TASK_KILLED"};
const std::vector<std::string> kStopped = {"TASK_STARTING", "TASK_RUNNING", "TASK_KILLED"};

INSTANTIATE_TEST_SUITE_P(
    Phases, SigtermPhaseTest,
    ::testing::Values(
        PhaseCase{"Pull", Phase::kPull, "POST", "/images/create", kAbortedLaunch,
                  "before its container started, after signal SIGTERM"},
        PhaseCase{"Create", Phase::kCreate, "POST", "/containers/create", kAbortedLaunch,
                  "before its container started, after signal SIGTERM"},
        PhaseCase{"Start", Phase::kStart, "POST", "/containers/[0-9a-f]+/start", kAbortedLaunch,
                  "before its container started, after signal SIGTERM"},
        PhaseCase{"Running", Phase::kRunning, "", "", kStopped, "Task killed after signal SIGTERM to the executor"},
        PhaseCase{"Kill", Phase::kKill, "POST", "/containers/[0-9a-f]+/stop", kStopped,
                  "Task killed after KILL from the scheduler"},
        PhaseCase{"KillBeyondTheShutdownGrace", Phase::kKillBeyondGrace, "POST", "/containers/[0-9a-f]+/stop",
                  kStopped, "the agent's shutdown grace period ran out before the container stopped"},
        PhaseCase{"LogCopy", Phase::kLogCopy, "GET", "/containers/[0-9a-f]+/logs",
                  {"TASK_STARTING", "TASK_RUNNING", "TASK_FAILED"}, "Container exited with status 3"}),
    [](const ::testing::TestParamInfo<PhaseCase>& info) { return info.param.name; });

// --- dockerd restarts or goes away (a private daemon) ------------------------

class DockerdRestartTest : public FaultTest {
 protected:
  // Starts `dockerd` and points the executor at it.
  void UsePrivateDockerd(test::PrivateDockerd& dockerd) {
    test::RunCoroutine(
        [&](asio::any_io_executor) -> asio::awaitable<void> {
          const base::Status started = co_await dockerd.Start();
          CO_ASSERT_OK(started);
        },
        120s);
    extra_env_.emplace_back("DOCKER_HOST", dockerd.docker_host());
  }
};

TEST_F(DockerdRestartTest, WithLiveRestoreTheExecutorReattachesAndTheTaskFinishes) {
  test::PrivateDockerdOptions options;
  options.live_restore = true;
  test::PrivateDockerd dockerd(options);
  UsePrivateDockerd(dockerd);
  ASSERT_FALSE(HasFailure());
  const boost::json::object task = Task(Spec(kUntilUsr1));
  RunExecutor(
      &task,
      [&](Run& run) -> asio::awaitable<void> {
        docker::Client docker(net::Endpoint::Unix(dockerd.socket_path()));
        CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
        const auto id = co_await ContainerIdOf(docker, run.task_id);
        CO_ASSERT_OK(id);
        const base::Status stopped = co_await dockerd.Stop();
        CO_ASSERT_OK(stopped);
        const bool noticed = co_await WaitForLog("Lost the wait on container", 60s);
        CO_ASSERT_TRUE(noticed);
        const base::Status started = co_await dockerd.Start();
        CO_ASSERT_OK(started);
        const bool reattached = co_await WaitForLog("is still running; watching it again", 60s);
        CO_ASSERT_TRUE(reattached);
        const auto state = co_await docker.Inspect(*id);
        CO_ASSERT_OK(state);
        EXPECT_TRUE(state->running) << "live restore keeps the container running";
        const base::Status finish = co_await docker.Kill(*id, "SIGUSR1");
        CO_ASSERT_OK(finish);
        const auto finished = co_await run.agent.WaitForState(run.task_id, "TASK_FINISHED", base::After(60s));
        CO_ASSERT_OK(finished);
        const auto exit = co_await ExecutorExit(run.agent);
        CO_ASSERT_OK(exit);
        EXPECT_TRUE(exit->success()) << exit->ToString();
        EXPECT_EQ(TerminalUpdates(run.agent, run.task_id).size(), 1u);
        const auto left = co_await ContainersOf(docker, run.task_id);
        CO_ASSERT_OK(left);
        EXPECT_TRUE(left->empty());
      },
      180s);
}

TEST_F(DockerdRestartTest, WithoutLiveRestoreTheStoppedContainerFailsTheTaskNamingTheDaemon) {
  test::PrivateDockerd dockerd;
  UsePrivateDockerd(dockerd);
  ASSERT_FALSE(HasFailure());
  const boost::json::object task = Task(Spec(kUntilUsr1));
  RunExecutor(
      &task,
      [&](Run& run) -> asio::awaitable<void> {
        docker::Client docker(net::Endpoint::Unix(dockerd.socket_path()));
        CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
        // The daemon stops the container, answers its wait and goes: the
        // executor sees the exit, and Docker gone right after it.
        const base::Status stopped = co_await dockerd.Stop();
        CO_ASSERT_OK(stopped);
        const auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(60s));
        CO_ASSERT_OK(failed);
        // Back within the executor's removal retries: the container goes.
        const base::Status started = co_await dockerd.Start();
        CO_ASSERT_OK(started);
        EXPECT_EQ(failed->reason, "");
        EXPECT_THAT(failed->message, HasSubstr("Container exited with status 143 (killed by signal 15, SIGTERM)"));
        EXPECT_THAT(failed->message, HasSubstr("Docker daemon"));
        EXPECT_THAT(failed->message, HasSubstr("daemon shutdown or restart"));
        const auto exit = co_await ExecutorExit(run.agent);
        CO_ASSERT_OK(exit);
        EXPECT_EQ(TerminalUpdates(run.agent, run.task_id).size(), 1u);
        const auto left = co_await ContainersOf(docker, run.task_id);
        CO_ASSERT_OK(left);
        EXPECT_TRUE(left->empty());
      },
      180s);
}

// Bounded by the executor's re-attach limit (2 minutes, see task_runner.cc).
TEST_F(DockerdRestartTest, DockerGoneForGoodEndsTheTaskByItsBound) {
  test::PrivateDockerdOptions options;
  options.live_restore = true;  // the container's fate stays unknown to the executor
  test::PrivateDockerd dockerd(options);
  UsePrivateDockerd(dockerd);
  ASSERT_FALSE(HasFailure());
  const boost::json::object task = Task(Spec(kUntilUsr1));
  RunExecutor(
      &task,
      [&](Run& run) -> asio::awaitable<void> {
        CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
        const base::Status stopped = co_await dockerd.Stop();
        CO_ASSERT_OK(stopped);
        const auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(200s));
        CO_ASSERT_OK(failed);
        EXPECT_THAT(failed->message, HasSubstr("Docker lost the container: no answer from Docker about container"));
        EXPECT_THAT(failed->message, HasSubstr("Docker daemon unreachable"));
        const auto exit = co_await ExecutorExit(run.agent, 60s);
        CO_ASSERT_OK(exit);
        EXPECT_EQ(TerminalUpdates(run.agent, run.task_id).size(), 1u);
      },
      280s);
}

// --- Sidecar and Vault hang, reset, or answer garbage --------------------------

enum class Fault { kHang, kReset, kGarbage };

std::string FaultName(const ::testing::TestParamInfo<Fault>& info) {
  switch (info.param) {
    case Fault::kHang: return "Hang";
    case Fault::kReset: return "Reset";
    case Fault::kGarbage: return "Garbage";
  }
  return "Unknown";
}

constexpr char kSidecarHost[] = "fault-it-host";

class SidecarFaultTest : public FaultTest, public ::testing::WithParamInterface<Fault> {};

// A Sidecar that does not answer usefully says nothing about the task: it
// keeps running (fail-open), and a KILL still ends it within its grace,
// the drain attempt included.
TEST_P(SidecarFaultTest, TheTaskRunsOnAndAKillStillEndsIt) {
  executor_env_ = FastSidecarSettings(kSidecarHost);
  fakes::SidecarAnswer answer;
  switch (GetParam()) {
    case Fault::kHang: answer.delay = 1h; break;  // far beyond EXECUTOR_HTTP_TIMEOUT
    case Fault::kReset: answer.kind = fakes::SidecarAnswer::Kind::kReset; break;
    case Fault::kGarbage: answer.kind = fakes::SidecarAnswer::Kind::kBrokenJson; break;
  }
  fakes::FakeSidecar* sidecar = nullptr;
  RunExecutorWith(
      [&](asio::any_io_executor executor, Keep& keep) {
        auto fake = std::make_shared<fakes::FakeSidecar>(executor, kSidecarHost);
        EXPECT_TRUE(fake->Start().ok());
        fake->SetStateAnswer(answer);
        fake->SetDrainAnswer(answer);
        sidecar = fake.get();
        keep.push_back(fake);
        local_agent::TaskSpec spec = Spec(kPolite);
        spec.environment.emplace_back("EXECUTOR_SIDECAR_URL", fake->state_url());
        return Task(spec);
      },
      [&](Run& run) -> asio::awaitable<void> {
        CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
        // Three polls of two attempts each, every one of them faulty: with
        // MAX_FAILS 2 that would be a kill if they counted as unhealthy.
        const bool polled = co_await sidecar->WaitForStateRequests(6, base::After(90s));
        CO_ASSERT_TRUE(polled);
        EXPECT_EQ(run.agent.TaskState(run.task_id), "TASK_RUNNING");
        const auto id = co_await ContainerIdOf(run.docker, run.task_id);
        CO_ASSERT_OK(id);
        const auto state = co_await run.docker.Inspect(*id);
        CO_ASSERT_OK(state);
        EXPECT_TRUE(state->running) << "a bad view of Sidecar must kill nothing";
        CO_ASSERT_OK(run.agent.Kill(run.task_id));
        // The grace is EXECUTOR_KILL_TASK_TIMEOUT (6 s); the bound is generous.
        const auto killed = co_await run.agent.WaitForState(run.task_id, "TASK_KILLED", base::After(40s));
        CO_ASSERT_OK(killed);
        EXPECT_THAT(killed->message, HasSubstr("Task killed after KILL from the scheduler"));
        EXPECT_EQ(TerminalUpdates(run.agent, run.task_id).size(), 1u);
        for (const StatusUpdateRecord& update : run.agent.updates()) {
          EXPECT_NE(update.healthy, std::optional<bool>(false)) << "nothing was known to be unhealthy";
        }
        CO_ASSERT_TRUE(sidecar->drains().size() >= 1u);
        co_await ExpectExitAndNoContainer(run);
      });
}

INSTANTIATE_TEST_SUITE_P(Faults, SidecarFaultTest, ::testing::Values(Fault::kHang, Fault::kReset, Fault::kGarbage),
                         FaultName);

class VaultFaultTest : public FaultTest, public ::testing::WithParamInterface<Fault> {};

// How the Vault client names each fault in the task's message.
std::string VaultSymptom(Fault fault) {
  switch (fault) {
    case Fault::kHang: return "timed out";
    case Fault::kReset: return "Connection reset by peer";
    case Fault::kGarbage: return "Vault's answer is not JSON";
  }
  return "?";
}

// A Vault that does not answer usefully fails the launch by the client's
// timeout and retries, before any container exists.
TEST_P(VaultFaultTest, FailsTheLaunchByItsTimeoutWithoutAContainer) {
  extra_env_ = {{"VAULT_TOKEN", "hvs.fault-token-1"}, {"VAULT_CLIENT_TIMEOUT", "1s"}, {"VAULT_MAX_RETRIES", "1"}};
  fakes::FakeVault* vault = nullptr;
  RunExecutorWith(
      [&](asio::any_io_executor executor, Keep& keep) {
        auto fake = std::make_shared<fakes::FakeVault>(executor);
        EXPECT_TRUE(fake->Start().ok());
        switch (GetParam()) {
          case Fault::kHang: fake->SetSilent(true); break;
          case Fault::kReset: fake->SetResetAll(true); break;
          case Fault::kGarbage: fake->SetGarbage(true); break;
        }
        vault = fake.get();
        keep.push_back(fake);
        extra_env_.emplace_back("VAULT_ADDR", fake->address());
        local_agent::TaskSpec spec = Spec("true");
        spec.parameters = {{"env", "DB_PASSWORD=vault://secret/db"}};
        return Task(spec);
      },
      [&](Run& run) -> asio::awaitable<void> {
        const auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(60s));
        CO_ASSERT_OK(failed);
        EXPECT_EQ(failed->reason, "REASON_CONTAINER_LAUNCH_FAILED");
        EXPECT_THAT(failed->message, HasSubstr("DB_PASSWORD"));
        EXPECT_THAT(failed->message, HasSubstr("vault://secret/db"));
        EXPECT_THAT(failed->message, HasSubstr(VaultSymptom(GetParam())));
        EXPECT_EQ(AppliedStates(run.agent, run.task_id), (std::vector<std::string>{"TASK_STARTING", "TASK_FAILED"}));
        EXPECT_GE(vault->calls().size(), 1u);
        co_await ExpectExitAndNoContainer(run);
      });
  EXPECT_THAT(ExecutorStdout(), ::testing::Not(HasSubstr("Created container")));
}

INSTANTIATE_TEST_SUITE_P(Faults, VaultFaultTest, ::testing::Values(Fault::kHang, Fault::kReset, Fault::kGarbage),
                         FaultName);

}  // namespace
}  // namespace integration
