// Timers: callbacks to run after a delay, all owned by one object.
//
// CancelAll() and the destructor guarantee that no callback runs afterwards,
// not even one whose time had already come, so callbacks may use their
// owner freely. Nothing outlives the owner.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>

#include "base/deadline.h"

namespace local_agent {

class Timers {
 public:
  explicit Timers(boost::asio::any_io_executor executor);
  ~Timers();
  Timers(const Timers&) = delete;
  Timers& operator=(const Timers&) = delete;

  void After(base::Clock::duration delay, std::function<void()> callback);
  void CancelAll();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace local_agent
