#include "tools/local_agent/timers.h"

#include <boost/asio/steady_timer.hpp>

#include <list>

namespace local_agent {
namespace asio = boost::asio;

struct Timers::State {
  asio::any_io_executor executor;
  uint64_t generation = 0;
  std::list<std::shared_ptr<asio::steady_timer>> pending;
};

Timers::Timers(asio::any_io_executor executor) : state_(std::make_shared<State>()) {
  state_->executor = std::move(executor);
}

Timers::~Timers() { CancelAll(); }

void Timers::After(base::Clock::duration delay, std::function<void()> callback) {
  auto timer = std::make_shared<asio::steady_timer>(state_->executor, delay);
  state_->pending.push_back(timer);
  timer->async_wait([weak = std::weak_ptr<State>(state_), generation = state_->generation,
                     timer, callback = std::move(callback)](const boost::system::error_code& ec) {
    std::shared_ptr<State> state = weak.lock();
    if (!state || state->generation != generation) return;
    state->pending.remove(timer);
    if (!ec) callback();
  });
}

void Timers::CancelAll() {
  ++state_->generation;
  for (const auto& timer : state_->pending) timer->cancel();
  state_->pending.clear();
}

}  // namespace local_agent
