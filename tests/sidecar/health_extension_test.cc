// sidecar/health_extension driven directly: a recording TaskControl and the
// fake Sidecar stand in for the TaskRunner and for Sidecar.
#include "sidecar/health_extension.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/async_event.h"
#include "executor/settings.h"
#include "tests/fakes/fake_sidecar.h"
#include "tests/support/coroutine_test.h"

namespace sidecar {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using fakes::FakeSidecar;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr char kHost[] = "worker-1";
constexpr char kContainerId[] = "3f2a9c1b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";
constexpr char kId[] = "3f2a9c1b7d4e";

class RecordingControl : public executor::TaskControl {
 public:
  RecordingControl(asio::any_io_executor executor, const executor::ContainerPlan& plan)
      : task_{"task-1", kContainerId, plan}, killed_(executor) {}

  const executor::RunningTask& task() const override { return task_; }
  void ReportHealth(bool healthy, const std::string& message) override {
    health.emplace_back(healthy, message);
  }
  void RequestKill(executor::KillRequest request) override {
    kills.push_back(std::move(request));
    killed_.Set();
  }
  asio::awaitable<void> WaitForKill() { co_await killed_.Wait(); }

  std::vector<std::pair<bool, std::string>> health;
  std::vector<executor::KillRequest> kills;

 private:
  executor::RunningTask task_;
  base::AsyncEvent killed_;
};

executor::Settings FastSettings(const FakeSidecar& sidecar) {
  executor::Settings settings = executor::DefaultSettings("test-host");
  settings.sidecar_url = sidecar.state_url();
  settings.sidecar_backoff = 0s;
  settings.sidecar_poll_interval = 10ms;
  settings.sidecar_retry_delay = 10ms;
  settings.sidecar_retry_count = 0;
  settings.sidecar_max_fails = 2;
  settings.http_timeout = 2s;
  settings.sidecar_draining_duration = 50ms;
  settings.kill_task_timeout_seconds = 7;
  return settings;
}

executor::KillRequest SchedulerKill() { return executor::KillRequest{executor::KillCause::kScheduler, 10s, ""}; }

TEST(DrainDeadline, IsHalfOfWhatIsLeft) {
  const base::Clock::time_point now{std::chrono::seconds(1000)};
  EXPECT_EQ(DrainDeadline(now, now + 10s), now + 5s);
  EXPECT_EQ(DrainDeadline(now, now + 3s), now + 1500ms);
  EXPECT_EQ(DrainDeadline(now, now), now);
  EXPECT_EQ(DrainDeadline(now, now - 1s), now);
}

TEST(HealthExtension, UnhealthyServiceIsReportedThenKilledWithEvidence) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 0);
    // Healthy for the first two polls, then UNHEALTHY for good.
    sidecar.OnStateRequest([&](int index) {
      if (index == 2) sidecar.SetService(kHost, kId, 2);
    });
    executor::ContainerPlan plan;
    RecordingControl control(executor, plan);
    HealthExtension extension(FastSettings(sidecar), std::string(kHost));
    co_await (extension.Supervise(control) || control.WaitForKill());

    CO_ASSERT_TRUE(control.kills.size() == 1u);
    const executor::KillRequest& kill = control.kills[0];
    EXPECT_EQ(kill.cause, executor::KillCause::kHealthCheck);
    EXPECT_EQ(kill.grace, 7s) << "EXECUTOR_KILL_TASK_TIMEOUT when the TaskInfo has no kill policy";
    EXPECT_THAT(kill.detail, HasSubstr("service 3f2a9c1b7d4e on host worker-1 unhealthy in 3 consecutive polls"));
    EXPECT_THAT(kill.detail, HasSubstr("last healthy at"));
    EXPECT_EQ(sidecar.state_requests(), 5) << "2 healthy polls, then MaxFails + 1 = 3 unhealthy ones";
    CO_ASSERT_TRUE(control.health.size() == 2u);
    EXPECT_TRUE(control.health[0].first);
    EXPECT_THAT(control.health[0].second, HasSubstr("ALIVE"));
    EXPECT_FALSE(control.health[1].first);
    EXPECT_THAT(control.health[1].second, HasSubstr("UNHEALTHY (1 of 3"));
    EXPECT_EQ(extension.StatusNote(), "");
  });
}

TEST(HealthExtension, HealthKillGraceFollowsTheTaskKillPolicy) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 1);
    executor::ContainerPlan plan;
    plan.kill_grace = 12s;
    RecordingControl control(executor, plan);
    executor::Settings settings = FastSettings(sidecar);
    settings.sidecar_max_fails = 0;
    HealthExtension extension(settings, std::string(kHost));
    co_await (extension.Supervise(control) || control.WaitForKill());
    CO_ASSERT_TRUE(control.kills.size() == 1u);
    EXPECT_EQ(control.kills[0].grace, 12s);
    EXPECT_THAT(control.kills[0].detail, HasSubstr("1 TOMBSTONE"));
  });
}

TEST(HealthExtension, FailOpenConditionIsTheStatusNote) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService("another-host", "c7e14d90a6b2", 2);
    executor::ContainerPlan plan;
    RecordingControl control(executor, plan);
    HealthExtension extension(FastSettings(sidecar), std::string(kHost));
    auto polls = [&]() -> asio::awaitable<void> { co_await sidecar.WaitForStateRequests(6, base::After(20s)); };
    co_await (extension.Supervise(control) || polls());
    EXPECT_GE(sidecar.state_requests(), 6);
    EXPECT_TRUE(control.kills.empty());
    EXPECT_TRUE(control.health.empty());
    EXPECT_THAT(extension.StatusNote(), HasSubstr("Sidecar does not list host worker-1 since"));
  });
}

TEST(HealthExtension, WithoutTaskHostChecksAreOffAndSaySo) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    executor::ContainerPlan plan;
    RecordingControl control(executor, plan);
    HealthExtension extension(FastSettings(sidecar), std::nullopt);
    auto polls = [&]() -> asio::awaitable<bool> {
      const bool polled = co_await sidecar.WaitForStateRequests(1, base::After(300ms));
      co_return polled;
    };
    auto raced = co_await (extension.Supervise(control) || polls());
    EXPECT_EQ(raced.index(), 1u);
    EXPECT_EQ(sidecar.state_requests(), 0);
    EXPECT_THAT(extension.StatusNote(), HasSubstr("Sidecar health checks off: TASK_HOST is not set"));
  });
}

TEST(HealthExtension, SidecarDiscoverFalseTurnsEverythingOff) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 2);
    executor::ContainerPlan plan;
    plan.sidecar_discover = false;
    RecordingControl control(executor, plan);
    HealthExtension extension(FastSettings(sidecar), std::string(kHost));
    auto polls = [&]() -> asio::awaitable<bool> {
      const bool polled = co_await sidecar.WaitForStateRequests(1, base::After(300ms));
      co_return polled;
    };
    co_await (extension.Supervise(control) || polls());
    co_await extension.BeforeStop(control.task(), SchedulerKill(), base::After(10s));
    EXPECT_TRUE(sidecar.calls().empty());
    EXPECT_EQ(extension.StatusNote(), "") << "the task's own choice is no condition to report";
  });
}

TEST(HealthExtension, BeforeStopDrainsThenWaits) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 0);
    executor::ContainerPlan plan;
    RecordingControl control(executor, plan);
    HealthExtension extension(FastSettings(sidecar), std::nullopt);  // draining needs no TASK_HOST
    co_await extension.BeforeStop(control.task(), SchedulerKill(), base::After(10s));
    CO_ASSERT_TRUE(sidecar.drains().size() == 1u);
    EXPECT_EQ(sidecar.drains()[0].service_id, kId);
    EXPECT_EQ(sidecar.StatusOf(kHost, kId), 4);
  });
}

TEST(HealthExtension, DrainWaitKeepsHalfTheGraceForTheStop) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 0);
    executor::ContainerPlan plan;
    RecordingControl control(executor, plan);
    executor::Settings settings = FastSettings(sidecar);
    settings.sidecar_draining_duration = 1h;
    HealthExtension extension(settings, std::string(kHost));
    const base::Deadline stop_deadline = base::After(1s);
    // Would take an hour if the drain wait were not bounded by the budget.
    const bool ended = co_await base::WithDeadline(extension.BeforeStop(control.task(), SchedulerKill(), stop_deadline),
                                                  base::After(20s));
    EXPECT_TRUE(ended);
    EXPECT_EQ(sidecar.drains().size(), 1u);
  });
}

TEST(HealthExtension, FailedDrainSkipsTheWait) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    executor::ContainerPlan plan;  // Sidecar does not know the service: 404
    RecordingControl control(executor, plan);
    executor::Settings settings = FastSettings(sidecar);
    settings.sidecar_draining_duration = 1h;
    settings.sidecar_retry_count = 5;
    HealthExtension extension(settings, std::string(kHost));
    const bool ended = co_await base::WithDeadline(
        extension.BeforeStop(control.task(), SchedulerKill(), base::After(2h)), base::After(20s));
    EXPECT_TRUE(ended) << "a failed drain must not be followed by the drain wait";
    EXPECT_EQ(sidecar.drains().size(), 1u) << "404 is not retried";
  });
}

TEST(HealthExtension, ZeroDrainingDurationDisablesDraining) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 0);
    executor::ContainerPlan plan;
    RecordingControl control(executor, plan);
    executor::Settings settings = FastSettings(sidecar);
    settings.sidecar_draining_duration = 0s;
    HealthExtension extension(settings, std::string(kHost));
    co_await extension.BeforeStop(control.task(), SchedulerKill(), base::After(10s));
    EXPECT_TRUE(sidecar.calls().empty());
  });
}

}  // namespace
}  // namespace sidecar
