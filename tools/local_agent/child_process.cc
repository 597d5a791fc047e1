#include "tools/local_agent/child_process.h"

#include <boost/asio/posix/stream_descriptor.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/local_agent/notifier.h"

namespace local_agent {
namespace asio = boost::asio;

std::string ExitStatus::ToString() const {
  if (signal != 0) {
    return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  }
  return "exited with status " + std::to_string(code);
}

struct ChildProcess::Watch {
  Watch(asio::any_io_executor executor, int pidfd) : descriptor(std::move(executor), pidfd) {}
  asio::posix::stream_descriptor descriptor;
  Notifier exited;
};

namespace {

base::Status Errno(const std::string& what, int error) {
  return base::Status::Failed(what + ": " + strerror(error));
}

// posix_spawn's C structures, released on every path.
class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions_);
    posix_spawnattr_init(&attributes_);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attributes_);
  }

  int Prepare(const SpawnOptions& options) {
    int error = posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0);
    if (!error && !options.stdout_file.empty()) {
      error = posix_spawn_file_actions_addopen(&actions_, 1, options.stdout_file.c_str(),
                                               O_WRONLY | O_CREAT | O_APPEND, 0644);
    }
    if (!error && !options.stderr_file.empty()) {
      error = posix_spawn_file_actions_addopen(&actions_, 2, options.stderr_file.c_str(),
                                               O_WRONLY | O_CREAT | O_APPEND, 0644);
    }
    if (!error && !options.working_directory.empty()) {
      error = posix_spawn_file_actions_addchdir_np(&actions_, options.working_directory.c_str());
    }
    // Asio opens sockets without O_CLOEXEC: without this the child would keep
    // our listening socket, and a restarted agent could not bind its port.
    if (!error) error = posix_spawn_file_actions_addclosefrom_np(&actions_, 3);
    // Own process group; no blocked signals and default dispositions, so the
    // child does not inherit what this process ignores or blocks.
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    if (!error) error = posix_spawnattr_setpgroup(&attributes_, 0);
    if (!error) error = posix_spawnattr_setsigmask(&attributes_, &none);
    if (!error) error = posix_spawnattr_setsigdefault(&attributes_, &all);
    if (!error) {
      error = posix_spawnattr_setflags(
          &attributes_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    return error;
  }

  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attributes() const { return &attributes_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attributes_;
};

ExitStatus FromWaitStatus(int wait_status) {
  ExitStatus status;
  if (WIFSIGNALED(wait_status)) {
    status.signal = WTERMSIG(wait_status);
  } else {
    status.code = WEXITSTATUS(wait_status);
  }
  return status;
}

}  // namespace

base::Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(asio::any_io_executor executor,
                                                                 const SpawnOptions& options) {
  std::vector<std::string> argv_storage{options.path};
  argv_storage.insert(argv_storage.end(), options.args.begin(), options.args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (const auto& [name, value] : options.environment) env_storage.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (std::string& entry : env_storage) envp.push_back(entry.data());
  envp.push_back(nullptr);

  SpawnSetup setup;
  if (int error = setup.Prepare(options)) return Errno("cannot prepare to start " + options.path, error);
  pid_t pid = 0;
  if (int error = posix_spawn(&pid, options.path.c_str(), setup.actions(), setup.attributes(),
                              argv.data(), envp.data())) {
    return Errno("cannot start " + options.path, error);
  }
  // Until it is reaped the child stays a zombie, so its pid cannot be reused.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    const int error = errno;
    kill(-pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return Errno("cannot watch process " + std::to_string(pid), error);
  }
  std::unique_ptr<ChildProcess> child(
      new ChildProcess(pid, std::make_unique<Watch>(std::move(executor), pidfd)));
  child->ArmWatch();
  return child;
}

ChildProcess::ChildProcess(pid_t pid, std::unique_ptr<Watch> watch)
    : pid_(pid), watch_(std::move(watch)) {}

ChildProcess::~ChildProcess() {
  kill(-pid_, SIGKILL);
  if (running()) waitpid(pid_, nullptr, 0);  // prompt after SIGKILL
}

void ChildProcess::ArmWatch() {
  watch_->descriptor.async_wait(
      asio::posix::stream_descriptor::wait_read,
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (alive.expired() || ec) return;
        int wait_status = 0;
        const pid_t reaped = waitpid(pid_, &wait_status, WNOHANG);
        if (reaped == pid_) {
          Reaped(wait_status);
        } else if (reaped == 0) {
          ArmWatch();
        }
      });
}

void ChildProcess::Reaped(int wait_status) {
  exit_status_ = FromWaitStatus(wait_status);
  watch_->exited.Notify();
  if (on_exit_) on_exit_(*exit_status_);
}

base::Status ChildProcess::Signal(int signal) {
  if (!running()) return base::Status::Failed("process " + std::to_string(pid_) + " has exited");
  if (kill(pid_, signal) != 0) return Errno("cannot signal process " + std::to_string(pid_), errno);
  return base::Status::Ok();
}

base::Status ChildProcess::SignalGroup(int signal) {
  if (kill(-pid_, signal) != 0) {
    return Errno("cannot signal process group " + std::to_string(pid_), errno);
  }
  return base::Status::Ok();
}

asio::awaitable<base::Result<ExitStatus>> ChildProcess::WaitExit(net::Deadline deadline) {
  const bool exited = co_await watch_->exited.WaitUntil([this] { return !running(); }, deadline);
  if (!exited) {
    co_return base::Status::Timeout("process " + std::to_string(pid_) + " still running");
  }
  co_return *exit_status_;
}

}  // namespace local_agent
