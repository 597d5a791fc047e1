#include "tools/local_agent/notifier.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace local_agent {
namespace asio = boost::asio;

struct Notifier::Waiter {
  explicit Waiter(asio::any_io_executor executor, base::Deadline deadline)
      : timer(std::move(executor), deadline) {}
  asio::steady_timer timer;
  bool notified = false;
};

void Notifier::Notify() {
  std::vector<std::shared_ptr<Waiter>> waiters;
  waiters.swap(waiters_);
  for (const auto& waiter : waiters) {
    waiter->notified = true;
    waiter->timer.cancel();
  }
}

asio::awaitable<bool> Notifier::Wait(base::Deadline deadline) {
  // Waiters that timed out are still listed; only they hold the last reference.
  std::erase_if(waiters_, [](const auto& w) { return w.use_count() == 1; });
  const auto executor = co_await asio::this_coro::executor;
  auto waiter = std::make_shared<Waiter>(executor, deadline);
  waiters_.push_back(waiter);
  co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return waiter->notified;
}

asio::awaitable<bool> Notifier::WaitUntil(std::function<bool()> condition,
                                          base::Deadline deadline) {
  // (No co_await inside a condition: g++ 12 miscompiles that in loops.)
  for (;;) {
    if (condition()) co_return true;
    const bool notified = co_await Wait(deadline);
    if (!notified) co_return condition();
  }
}

}  // namespace local_agent
