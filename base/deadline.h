// Deadlines for coroutine waits.
//
// Every wait in this program ends by a deadline. WithDeadline races an
// operation against a timer; the loser is cancelled through Asio's
// per-operation cancellation, so a timed-out socket read really stops.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <optional>

namespace base {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

inline Deadline After(Clock::duration d) { return Clock::now() + d; }
inline constexpr Deadline kNoDeadline = Deadline::max();

// Runs `op`; if `deadline` passes first the operation is cancelled and the
// result is std::nullopt.
template <typename T>
boost::asio::awaitable<std::optional<T>> WithDeadline(boost::asio::awaitable<T> op,
                                                      Deadline deadline) {
  using namespace boost::asio::experimental::awaitable_operators;
  if (deadline == kNoDeadline) {
    T result = co_await std::move(op);
    co_return std::optional<T>(std::move(result));
  }
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, deadline);
  auto winner = co_await (std::move(op) || timer.async_wait(boost::asio::use_awaitable));
  if (winner.index() == 0) co_return std::move(std::get<0>(winner));
  co_return std::nullopt;
}

// The same for an operation without a result: true when it completed in time.
inline boost::asio::awaitable<bool> WithDeadline(boost::asio::awaitable<void> op, Deadline deadline) {
  using namespace boost::asio::experimental::awaitable_operators;
  if (deadline == kNoDeadline) {
    co_await std::move(op);
    co_return true;
  }
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, deadline);
  auto winner = co_await (std::move(op) || timer.async_wait(boost::asio::use_awaitable));
  co_return winner.index() == 0;
}

// Waits until `deadline` (or until cancelled). Returns false when cancelled.
inline boost::asio::awaitable<bool> SleepUntil(Deadline deadline) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, deadline);
  auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  co_return !ec;
}

// True when the calling coroutine has been asked to stop (by a lost race in
// WithDeadline or an `||`). Loops that wait on events check it.
inline boost::asio::awaitable<bool> Cancelled() {
  auto state = co_await boost::asio::this_coro::cancellation_state;
  co_return state.cancelled() != boost::asio::cancellation_type::none;
}

}  // namespace base
