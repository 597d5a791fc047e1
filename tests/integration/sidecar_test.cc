// Sidecar health through the real executor binary, the fake agent, the real
// Docker daemon and the fake Sidecar: kills on affirmed unhealthiness only,
// drains first on every way out, tells Mesos about health changes.
#include <gmock/gmock.h>

#include <csignal>

#include "tests/fakes/fake_sidecar.h"
#include "tests/integration/executor_harness.h"

namespace integration {
namespace {

namespace asio = boost::asio;
using fakes::FakeSidecar;
using fakes::SidecarAnswer;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr char kHost[] = "sidecar-it-host";
// Exits 0 on SIGTERM.
constexpr char kPolite[] = "trap 'echo bye; exit 0' TERM; echo ready; while true; do sleep 0.2; done";

std::vector<local_agent::StatusUpdateRecord> UpdatesOf(const local_agent::FakeAgent& agent, const std::string& task_id) {
  std::vector<local_agent::StatusUpdateRecord> updates;
  for (const auto& update : agent.updates()) {
    if (update.task_id == task_id) updates.push_back(update);
  }
  return updates;
}

std::vector<local_agent::StatusUpdateRecord> HealthUpdates(const local_agent::FakeAgent& agent,
                                                           const std::string& task_id) {
  std::vector<local_agent::StatusUpdateRecord> health;
  for (const auto& update : UpdatesOf(agent, task_id)) {
    if (update.state == "TASK_RUNNING" && update.healthy) health.push_back(update);
  }
  return health;
}

class SidecarTest : public ExecutorTest {
 protected:
  void SetUp() override {
    ExecutorTest::SetUp();
    // Short timings keep the suite fast; the counting is upstream's.
    executor_env_ = FastSidecarSettings(kHost);
  }

  void Set(const std::string& name, const std::string& value) {
    for (auto& [key, current] : executor_env_) {
      if (key == name) {
        current = value;
        return;
      }
    }
    executor_env_.emplace_back(name, value);
  }

  // Runs `spec` with a fake Sidecar (Sidecar's own host is kHost) at
  // EXECUTOR_SIDECAR_URL.
  void RunWithSidecar(local_agent::TaskSpec spec,
                      std::function<asio::awaitable<void>(Run&, FakeSidecar&)> body) {
    FakeSidecar* sidecar = nullptr;
    RunExecutorWith(
        [&](asio::any_io_executor executor, Keep& keep) {
          auto fake = std::make_shared<FakeSidecar>(executor, kHost);
          EXPECT_TRUE(fake->Start().ok());
          sidecar = fake.get();
          keep.push_back(fake);
          spec.environment.emplace_back("EXECUTOR_SIDECAR_URL", fake->state_url());
          return Task(spec);
        },
        [&](Run& run) -> asio::awaitable<void> { co_await body(run, *sidecar); });
  }

  // The task's container id, once it runs; Sidecar lists it by its first 12.
  static asio::awaitable<base::Result<std::string>> ServiceId(Run& run) {
    std::vector<std::string> labels;
    labels.push_back("mesos.task_id=" + run.task_id);
    const auto containers = co_await run.docker.ListContainers(std::move(labels));
    if (!containers.ok()) co_return containers.status();
    if (containers->size() != 1) co_return base::Status::Failed("expected one container for " + run.task_id);
    co_return containers->front().id.substr(0, 12);
  }

  // Until a TASK_RUNNING health update saying `healthy` has arrived.
  static asio::awaitable<bool> WaitForHealth(Run& run, bool healthy) {
    auto seen = [&run, healthy] {
      for (const auto& update : HealthUpdates(run.agent, run.task_id)) {
        if (*update.healthy == healthy) return true;
      }
      return false;
    };
    const bool arrived = co_await run.agent.WaitUntil(seen, base::After(60s));
    co_return arrived;
  }

  // Records whether the container still ran when Sidecar was asked to drain:
  // the executor waits for the answer, so this is the moment of the drain.
  struct DrainWitness {
    bool drained = false;
    bool container_running = false;

    void Watch(FakeSidecar& sidecar, Run& run) {
      sidecar.OnDrain([this, &run](const std::string&) -> asio::awaitable<void> {
        std::vector<std::string> labels;
        labels.push_back("mesos.task_id=" + run.task_id);
        const auto containers = co_await run.docker.ListContainers(std::move(labels));
        if (!containers.ok() || containers->empty()) co_return;
        const auto state = co_await run.docker.Inspect(containers->front().id);
        drained = true;
        container_running = state.ok() && state->running;
      });
    }
  };

  // Kills after a stretch of polls that must not have killed: the task ends
  // KILLED (the scheduler's kill), never FAILED.
  static asio::awaitable<base::Result<local_agent::StatusUpdateRecord>> KillAfterPolls(Run& run, FakeSidecar& sidecar,
                                                                                     int polls) {
    const bool polled = co_await sidecar.WaitForStateRequests(polls, base::After(60s));
    if (!polled) co_return base::Status::Timeout("Sidecar was not polled " + std::to_string(polls) + " times");
    const base::Status kill = run.agent.Kill(run.task_id);
    if (!kill.ok()) co_return kill;
    const auto killed = co_await run.agent.WaitForState(run.task_id, "TASK_KILLED", base::After(60s));
    co_return killed;
  }
};

TEST_F(SidecarTest, UnhealthyIsDrainedThenKilledAsFailedAndUnhealthy) {
  DrainWitness witness;
  RunWithSidecar(Spec(kPolite), [&](Run& run, FakeSidecar& sidecar) -> asio::awaitable<void> {
    witness.Watch(sidecar, run);
    CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
    const auto id = co_await ServiceId(run);
    CO_ASSERT_OK(id);
    sidecar.SetService(kHost, *id, 0);
    const bool healthy = co_await WaitForHealth(run, true);
    CO_ASSERT_TRUE(healthy);
    sidecar.SetService(kHost, *id, 2);

    const auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(60s));
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->healthy, false);
    EXPECT_THAT(failed->message, HasSubstr("failed Sidecar health checks"));
    EXPECT_THAT(failed->message, HasSubstr("unhealthy in 3 consecutive polls (3 UNHEALTHY)"));
    EXPECT_THAT(failed->message, HasSubstr("service " + *id + " on host " + kHost));
    EXPECT_THAT(failed->message, HasSubstr("last healthy at"));
    CO_ASSERT_OK(co_await ExecutorExit(run.agent));

    CO_ASSERT_TRUE(sidecar.drains().size() == 1u);
    EXPECT_EQ(sidecar.drains()[0].service_id, *id);
    EXPECT_EQ(sidecar.drains()[0].status, 202u);
    EXPECT_TRUE(witness.drained);
    EXPECT_TRUE(witness.container_running) << "the drain must come before the container is stopped";
    EXPECT_GT(sidecar.instances_requests(), 0) << "once the state named the service, polls ask for it by name";

    const auto health = HealthUpdates(run.agent, run.task_id);
    CO_ASSERT_TRUE(health.size() == 2u);
    EXPECT_EQ(*health[0].healthy, true);
    EXPECT_EQ(*health[1].healthy, false);
    for (const auto& update : health) EXPECT_EQ(update.reason, "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED");
    std::vector<std::string> states;
    for (const auto& update : UpdatesOf(run.agent, run.task_id)) states.push_back(update.state);
    EXPECT_EQ(states, (std::vector<std::string>{"TASK_STARTING", "TASK_RUNNING", "TASK_RUNNING", "TASK_RUNNING",
                                                "TASK_FAILED"}));
  });
  EXPECT_THAT(ExecutorStdout(), HasSubstr("Health failure count exceeded 2"));
  EXPECT_THAT(ExecutorStdout(), HasSubstr("status to DRAINING in Sidecar"));
  EXPECT_THAT(ExecutorStdout(), HasSubstr("Sidecar lists this task as service 'service': polling"));
}

TEST_F(SidecarTest, TombstoneCountsAsUnhealthy) {
  RunWithSidecar(Spec(kPolite), [&](Run& run, FakeSidecar& sidecar) -> asio::awaitable<void> {
    CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
    const auto id = co_await ServiceId(run);
    CO_ASSERT_OK(id);
    sidecar.SetService(kHost, *id, 1);
    const auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(60s));
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->healthy, false);
    EXPECT_THAT(failed->message, HasSubstr("(3 TOMBSTONE)"));
    EXPECT_THAT(failed->message, HasSubstr("never seen healthy"));
    CO_ASSERT_OK(co_await ExecutorExit(run.agent));
  });
}

TEST_F(SidecarTest, FlappingNeverKills) {
  Set("EXECUTOR_SIDECAR_MAX_FAILS", "1");  // two unhealthy polls in a row would kill
  RunWithSidecar(Spec(kPolite), [&](Run& run, FakeSidecar& sidecar) -> asio::awaitable<void> {
    CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
    const auto id = co_await ServiceId(run);
    CO_ASSERT_OK(id);
    const std::string service = *id;
    sidecar.OnStateRequest([&sidecar, service](int index) { sidecar.SetService(kHost, service, index % 2 ? 0 : 2); });
    const int start = sidecar.state_requests();
    const auto killed = co_await KillAfterPolls(run, sidecar, start + 12);
    CO_ASSERT_OK(killed);
    EXPECT_THAT(killed->message, HasSubstr("KILL from the scheduler"));
    CO_ASSERT_OK(co_await ExecutorExit(run.agent));
    const auto health = HealthUpdates(run.agent, run.task_id);
    CO_ASSERT_TRUE(health.size() >= 4u);
    for (std::size_t i = 1; i < health.size(); ++i) EXPECT_NE(*health[i].healthy, *health[i - 1].healthy);
    EXPECT_EQ(sidecar.drains().size(), 1u) << "a scheduler KILL drains too";
  });
}

TEST_F(SidecarTest, SidecarDownTheWholeTimeNeverKills) {
  RunWithSidecar(Spec(kPolite), [&](Run& run, FakeSidecar& sidecar) -> asio::awaitable<void> {
    SidecarAnswer drop;
    drop.kind = SidecarAnswer::Kind::kDrop;
    sidecar.SetStateAnswer(drop);
    sidecar.SetDrainAnswer(drop);
    CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
    const auto killed = co_await KillAfterPolls(run, sidecar, 12);  // 6 polls of 2 attempts
    CO_ASSERT_OK(killed);
    EXPECT_THAT(killed->message, HasSubstr("Sidecar unreachable"));
    EXPECT_THAT(killed->message, HasSubstr("the task is assumed healthy"));
    CO_ASSERT_OK(co_await ExecutorExit(run.agent));
    EXPECT_TRUE(HealthUpdates(run.agent, run.task_id).empty()) << "nothing is known, nothing is claimed";
  });
  // Logged once per change of condition, not once per poll.
  const std::string log = ExecutorStdout();
  std::size_t count = 0;
  for (std::size_t at = log.find("Can't contact Sidecar!"); at != std::string::npos;
       at = log.find("Can't contact Sidecar!", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1u) << log;
}

TEST_F(SidecarTest, SlowSidecarNeverBlocksKillHandling) {
  RunWithSidecar(Spec(kPolite), [&](Run& run, FakeSidecar& sidecar) -> asio::awaitable<void> {
    SidecarAnswer slow;
    slow.delay = 1h;  // far beyond EXECUTOR_HTTP_TIMEOUT
    sidecar.SetStateAnswer(slow);
    sidecar.SetDrainAnswer(slow);
    CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
    const bool asked = co_await sidecar.WaitForStateRequests(1, base::After(60s));
    CO_ASSERT_TRUE(asked);  // a poll is hanging on Sidecar right now
    CO_ASSERT_OK(run.agent.Kill(run.task_id));
    const auto killed = co_await run.agent.WaitForState(run.task_id, "TASK_KILLED", base::After(60s));
    CO_ASSERT_OK(killed);
    EXPECT_THAT(killed->message, HasSubstr("KILL from the scheduler"));
    CO_ASSERT_OK(co_await ExecutorExit(run.agent));
  });
  EXPECT_THAT(ExecutorStdout(), HasSubstr("stopping it without the drain wait"));
}

TEST_F(SidecarTest, ServiceMissingNeverKills) {
  RunWithSidecar(Spec(kPolite), [&](Run& run, FakeSidecar& sidecar) -> asio::awaitable<void> {
    sidecar.SetService(kHost, "0123456789ab", 2);  // another task on this host
    CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
    const auto killed = co_await KillAfterPolls(run, sidecar, 8);
    CO_ASSERT_OK(killed);
    EXPECT_THAT(killed->message, HasSubstr("Sidecar does not list service"));
    CO_ASSERT_OK(co_await ExecutorExit(run.agent));
    EXPECT_EQ(sidecar.drains().size(), 1u);
    EXPECT_EQ(sidecar.drains()[0].status, 404u) << "Sidecar does not know it";
  });
  EXPECT_THAT(ExecutorStdout(), HasSubstr("stopping it without the drain wait"));
}

TEST_F(SidecarTest, DrainingIsNotUnhealthy) {
  RunWithSidecar(Spec(kPolite), [&](Run& run, FakeSidecar& sidecar) -> asio::awaitable<void> {
    CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
    const auto id = co_await ServiceId(run);
    CO_ASSERT_OK(id);
    sidecar.SetService(kHost, *id, 4);
    const bool healthy = co_await WaitForHealth(run, true);
    CO_ASSERT_TRUE(healthy);
    const auto killed = co_await KillAfterPolls(run, sidecar, sidecar.state_requests() + 6);
    CO_ASSERT_OK(killed);
    CO_ASSERT_OK(co_await ExecutorExit(run.agent));
    const auto health = HealthUpdates(run.agent, run.task_id);
    CO_ASSERT_TRUE(health.size() == 1u);
    EXPECT_TRUE(*health[0].healthy);
    EXPECT_THAT(health[0].message, HasSubstr("DRAINING"));
  });
}

TEST_F(SidecarTest, SidecarDiscoverFalseDisablesChecks) {
  local_agent::TaskSpec spec = Spec("sleep 1.5");
  spec.parameters.emplace_back("label", "SidecarDiscover=false");  // a Docker label, as upstream reads it
  RunWithSidecar(spec, [&](Run& run, FakeSidecar& sidecar) -> asio::awaitable<void> {
    const auto finished = co_await run.agent.WaitForState(run.task_id, "TASK_FINISHED", base::After(60s));
    CO_ASSERT_OK(finished);
    CO_ASSERT_OK(co_await ExecutorExit(run.agent));
    // 1.5 s of running at a 200 ms poll interval: checks would have polled.
    EXPECT_TRUE(sidecar.calls().empty());
    EXPECT_TRUE(HealthUpdates(run.agent, run.task_id).empty());
  });
  EXPECT_THAT(ExecutorStdout(),
              HasSubstr("Sidecar health checks are off for this task: its label SidecarDiscover is false"));
}

// Every way out drains first, while the container still runs.
enum class WayOut { kKill, kShutdown, kSigterm };

class SidecarWayOutTest : public SidecarTest, public ::testing::WithParamInterface<WayOut> {};

TEST_P(SidecarWayOutTest, DrainsBeforeTheContainerStops) {
  DrainWitness witness;
  RunWithSidecar(Spec(kPolite), [&](Run& run, FakeSidecar& sidecar) -> asio::awaitable<void> {
    witness.Watch(sidecar, run);
    CO_ASSERT_OK(co_await run.agent.WaitForState(run.task_id, "TASK_RUNNING", base::After(60s)));
    const auto id = co_await ServiceId(run);
    CO_ASSERT_OK(id);
    sidecar.SetService(kHost, *id, 0);
    switch (GetParam()) {
      case WayOut::kKill: CO_ASSERT_OK(run.agent.Kill(run.task_id)); break;
      case WayOut::kShutdown: run.agent.Shutdown(); break;
      case WayOut::kSigterm: CO_ASSERT_OK(run.agent.executor_process()->Signal(SIGTERM)); break;
    }
    const auto killed = co_await run.agent.WaitForState(run.task_id, "TASK_KILLED", base::After(60s));
    CO_ASSERT_OK(killed);
    EXPECT_EQ(killed->source, "SOURCE_EXECUTOR");
    CO_ASSERT_OK(co_await ExecutorExit(run.agent));
    CO_ASSERT_TRUE(sidecar.drains().size() == 1u);
    EXPECT_EQ(sidecar.drains()[0].service_id, *id);
    EXPECT_EQ(sidecar.drains()[0].status, 202u);
    EXPECT_TRUE(witness.container_running) << "the drain must come before the container is stopped";
  });
  EXPECT_THAT(ExecutorStdout(), Not(HasSubstr("without the drain wait")));
}

INSTANTIATE_TEST_SUITE_P(WaysOut, SidecarWayOutTest,
                         ::testing::Values(WayOut::kKill, WayOut::kShutdown, WayOut::kSigterm),
                         [](const ::testing::TestParamInfo<WayOut>& info) {
                           switch (info.param) {
                             case WayOut::kKill: return std::string("SchedulerKill");
                             case WayOut::kShutdown: return std::string("Shutdown");
                             case WayOut::kSigterm: return std::string("Sigterm");
                           }
                           return std::string("Unknown");
                         });

}  // namespace
}  // namespace integration
