// Notifier: wakes the coroutines waiting for "something changed".
//
// Like a condition variable on one thread: waiters re-check their own
// condition after each wake, so whoever calls Notify() needs no idea of what
// they wait for. Every wait has a deadline.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <vector>

#include "base/deadline.h"

namespace local_agent {

class Notifier {
 public:
  // Wakes every current waiter.
  void Notify();

  // Waits for the next Notify(). False when the deadline passed (or the wait
  // was cancelled) first.
  boost::asio::awaitable<bool> Wait(base::Deadline deadline);

  // Waits until `condition()` holds, checking it now and after every
  // Notify(). False when the deadline passes first.
  boost::asio::awaitable<bool> WaitUntil(std::function<bool()> condition, base::Deadline deadline);

 private:
  struct Waiter;
  std::vector<std::shared_ptr<Waiter>> waiters_;
};

}  // namespace local_agent
