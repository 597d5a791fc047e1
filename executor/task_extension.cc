#include "executor/task_extension.h"

namespace executor {

namespace asio = boost::asio;

asio::awaitable<base::Status> TaskExtension::PrepareLaunch(LaunchPreparation&) { co_return base::Status::Ok(); }

asio::awaitable<base::Status> TaskExtension::FinishEnvironment(std::vector<std::string>&) {
  co_return base::Status::Ok();
}

asio::awaitable<void> TaskExtension::Supervise(TaskControl&) {
  // Nothing to watch: wait until the task's supervision ends.
  co_await base::SleepUntil(base::kNoDeadline);
}

asio::awaitable<void> TaskExtension::BeforeStop(const RunningTask&, const KillRequest&, base::Deadline) { co_return; }

asio::awaitable<void> TaskExtension::Release() { co_return; }

}  // namespace executor
