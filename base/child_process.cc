#include "base/child_process.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>

#include "base/async_event.h"

namespace base {
namespace asio = boost::asio;

std::string ExitStatus::ToString() const {
  if (signal != 0) {
    return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  }
  return "exited with status " + std::to_string(code);
}

struct ChildProcess::Watch {
  Watch(asio::any_io_executor executor, int pidfd)
      : descriptor(executor, pidfd), output(executor), finished(executor) {}
  asio::posix::stream_descriptor descriptor;  // the pidfd
  asio::posix::stream_descriptor output;      // the read end of a captured stdout
  std::array<char, 4096> buffer;
  AsyncEvent finished;  // exited, and a captured stdout reached its end
};

namespace {

Status Errno(const std::string& what, int error) {
  return Status::Failed(what + ": " + strerror(error));
}

// A descriptor closed when it goes out of scope, unless released.
class Fd {
 public:
  Fd() = default;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  int* receive() { return &fd_; }
  int Release() { return std::exchange(fd_, -1); }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Both ends close-on-exec: the child gets only what is dup2'ed onto 0-2.
Status MakePipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Errno("cannot create a pipe", errno);
  *read_end.receive() = fds[0];
  *write_end.receive() = fds[1];
  return Status::Ok();
}

// Fills the pipe without ever blocking: the whole input must fit its buffer.
Status FillPipe(int write_end, std::string_view input) {
  const int capacity = fcntl(write_end, F_GETPIPE_SZ);
  if (capacity >= 0 && input.size() > static_cast<std::size_t>(capacity)) {
    return Status::Invalid("input of " + std::to_string(input.size()) + " bytes exceeds the pipe's " +
                           std::to_string(capacity) + " bytes");
  }
  if (fcntl(write_end, F_SETFL, O_NONBLOCK) != 0) return Errno("cannot prepare the input pipe", errno);
  while (!input.empty()) {
    const ssize_t written = write(write_end, input.data(), input.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return Errno("cannot write the input", written < 0 ? errno : EAGAIN);
    input.remove_prefix(static_cast<std::size_t>(written));
  }
  return Status::Ok();
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

  // `stdin_fd` / `stdout_fd`: pipe ends to put on 0 / 1, or -1.
  int Prepare(const SpawnOptions& options, int stdin_fd, int stdout_fd) {
    int error = stdin_fd >= 0 ? posix_spawn_file_actions_adddup2(&actions_, stdin_fd, 0)
                              : posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0);
    if (!error && stdout_fd >= 0) {
      error = posix_spawn_file_actions_adddup2(&actions_, stdout_fd, 1);
    } else if (!error && !options.stdout_file.empty()) {
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

Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(asio::any_io_executor executor,
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

  Fd stdin_read;
  Fd stdin_write;
  if (options.input) {
    if (Status piped = MakePipe(stdin_read, stdin_write); !piped.ok()) return piped.Wrap(options.path);
    if (Status filled = FillPipe(stdin_write.get(), *options.input); !filled.ok()) {
      return filled.Wrap("cannot give " + options.path + " its input");
    }
    stdin_write.Reset();  // the child reads the input, then end of file
  }
  Fd stdout_read;
  Fd stdout_write;
  if (options.capture_stdout_limit > 0) {
    if (Status piped = MakePipe(stdout_read, stdout_write); !piped.ok()) return piped.Wrap(options.path);
  }

  SpawnSetup setup;
  if (int error = setup.Prepare(options, stdin_read.get(), stdout_write.get())) {
    return Errno("cannot prepare to start " + options.path, error);
  }
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
  auto watch = std::make_unique<Watch>(executor, pidfd);
  if (options.capture_stdout_limit > 0) watch->output.assign(stdout_read.Release());
  std::unique_ptr<ChildProcess> child(
      new ChildProcess(pid, std::move(watch), options.capture_stdout_limit));
  child->ArmWatch();
  if (child->stdout_open_) child->ArmRead();
  return child;
}

ChildProcess::ChildProcess(pid_t pid, std::unique_ptr<Watch> watch, std::size_t capture_limit)
    : pid_(pid), watch_(std::move(watch)), capture_limit_(capture_limit), stdout_open_(capture_limit > 0) {}

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

void ChildProcess::ArmRead() {
  watch_->output.async_read_some(
      asio::buffer(watch_->buffer),
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec, std::size_t n) {
        if (alive.expired()) return;
        const std::size_t room = capture_limit_ - captured_stdout_.size();
        captured_stdout_.append(watch_->buffer.data(), std::min(n, room));
        if (n > room) stdout_truncated_ = true;
        if (!ec) {
          ArmRead();
          return;
        }
        // End of file (or a broken pipe): the output is complete.
        stdout_open_ = false;
        boost::system::error_code ignored;
        watch_->output.close(ignored);
        CheckFinished();
      });
}

void ChildProcess::Reaped(int wait_status) {
  exit_status_ = FromWaitStatus(wait_status);
  CheckFinished();
  if (on_exit_) on_exit_(*exit_status_);
}

void ChildProcess::CheckFinished() {
  if (exit_status_ && !stdout_open_) watch_->finished.Set();
}

Status ChildProcess::Signal(int signal) {
  if (!running()) return Status::Failed("process " + std::to_string(pid_) + " has exited");
  if (kill(pid_, signal) != 0) return Errno("cannot signal process " + std::to_string(pid_), errno);
  return Status::Ok();
}

Status ChildProcess::SignalGroup(int signal) {
  if (kill(-pid_, signal) != 0) {
    return Errno("cannot signal process group " + std::to_string(pid_), errno);
  }
  return Status::Ok();
}

asio::awaitable<Result<ExitStatus>> ChildProcess::WaitExit(base::Deadline deadline) {
  if (!watch_->finished.is_set()) {
    co_await base::WithDeadline(watch_->finished.Wait(), deadline);
  }
  if (running()) co_return Status::Timeout("process " + std::to_string(pid_) + " still running");
  if (stdout_open_) {
    co_return Status::Timeout("process " + std::to_string(pid_) + " exited but its stdout is still open");
  }
  co_return *exit_status_;
}

}  // namespace base
