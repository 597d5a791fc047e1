// AsyncEvent: a one-thread "condition variable" for coroutines.
//
// Notify() wakes every coroutine currently in Wait(); a coroutine that
// arrives after Notify() waits for the next one unless the event is latched
// (Set()), which makes every present and future Wait() return at once.
// Built on a timer that never expires by itself, so a Wait() costs no
// wake-ups until something happens.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace base {

class AsyncEvent {
 public:
  explicit AsyncEvent(boost::asio::any_io_executor executor)
      : timer_(executor, boost::asio::steady_timer::time_point::max()) {}

  // Wakes the current waiters.
  void Notify() { timer_.cancel(); }

  // Latches the event: all waits return immediately from now on.
  void Set() {
    set_ = true;
    timer_.cancel();
  }
  bool is_set() const { return set_; }

  boost::asio::awaitable<void> Wait() {
    if (set_) co_return;
    co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }

 private:
  boost::asio::steady_timer timer_;
  bool set_ = false;
};

}  // namespace base
