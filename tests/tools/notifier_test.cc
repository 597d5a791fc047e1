#include "tools/local_agent/notifier.h"

#include <gtest/gtest.h>

#include "tests/support/coroutine_test.h"
#include "tools/local_agent/timers.h"

namespace local_agent {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(Notifier, WakesWaitersWhoseConditionNowHolds) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Notifier notifier;
    Timers timers(executor);
    int value = 0;
    for (int i = 1; i <= 3; ++i) {
      timers.After(std::chrono::milliseconds(i), [&, i] {
        value = i;
        notifier.Notify();
      });
    }
    EXPECT_TRUE(co_await notifier.WaitUntil([&] { return value == 3; }, base::After(5s)));
    EXPECT_FALSE(co_await notifier.WaitUntil([&] { return value == 4; }, base::After(20ms)));
    EXPECT_TRUE(co_await notifier.WaitUntil([] { return true; }, base::After(0ms)));
  });
}

TEST(Timers, CancelledCallbacksNeverRun) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Notifier notifier;
    bool ran = false;
    bool later = false;
    {
      Timers timers(executor);
      timers.After(0ms, [&] { ran = true; });
    }  // destroyed before its callback's time came round
    Timers timers(executor);
    timers.After(1ms, [&] { ran = true; });
    timers.CancelAll();
    timers.After(2ms, [&] {
      later = true;
      notifier.Notify();
    });
    EXPECT_TRUE(co_await notifier.WaitUntil([&] { return later; }, base::After(5s)));
    EXPECT_FALSE(ran);
  });
}

}  // namespace
}  // namespace local_agent
