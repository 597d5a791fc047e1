// Running a coroutine test body on its own io_context, bounded by a
// deadline, and assertions that work inside coroutines (gtest's ASSERT_*
// expand to `return`, which a coroutine cannot use).
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>

#include "base/deadline.h"
#include "base/status.h"

#define CO_ASSERT_TRUE(condition)                  \
  if (!(condition)) {                              \
    ADD_FAILURE() << "expected true: " #condition; \
    co_return;                                     \
  }

// For a base::Status or base::Result; `expr` is evaluated once (it may
// contain a co_await, which must stay out of the if's condition). Only its
// status is kept, by value: g++ 12 mishandles a reference that extends the
// life of a co_await's temporary in a coroutine frame.
#define CO_ASSERT_OK(expr)                                                          \
  {                                                                                 \
    const base::Status co_assert_status_ = test::StatusOf(expr);                    \
    if (!co_assert_status_.ok()) {                                                  \
      ADD_FAILURE() << #expr ": " << co_assert_status_.message();                   \
      co_return;                                                                    \
    }                                                                               \
  }

namespace test {

inline base::Status StatusOf(const base::Status& status) { return status; }
template <typename T>
base::Status StatusOf(const base::Result<T>& result) {
  return result.status();
}

// Runs `body` (given the io_context's executor) until it and everything it
// started have finished; fails the test if that takes longer than `limit`
// (the body is then cancelled).
//
// g++ 12 miscompiles some coroutine code; the tests avoid it by keeping
// co_await out of conditions and out of expressions that also build other
// temporaries (braced aggregates, initializer lists).
inline void RunCoroutine(std::function<boost::asio::awaitable<void>(boost::asio::any_io_executor)> body,
                         std::chrono::seconds limit = std::chrono::seconds(30)) {
  boost::asio::io_context io;
  bool finished = false;
  auto run = [&]() -> boost::asio::awaitable<bool> {
    co_await body(io.get_executor());
    co_return true;
  };
  auto bounded = [&]() -> boost::asio::awaitable<void> {
    std::optional<bool> result = co_await base::WithDeadline(run(), base::After(limit));
    finished = result.has_value();
  };
  boost::asio::co_spawn(io, bounded(), [](std::exception_ptr error) {
    if (error) std::rethrow_exception(error);
  });
  io.run();
  EXPECT_TRUE(finished) << "the test body did not finish within " << limit.count() << "s";
}

}  // namespace test
