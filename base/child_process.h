// ChildProcess: a program started in its own process group, with exactly
// the environment given, watched without polling: its pidfd becomes
// readable when it exits, which wakes the io_context like any socket.
//
// The process group is what an agent kills when it destroys an executor
// (the executor's own children included), and it keeps a terminal's Ctrl-C
// away from the child. The child gets no descriptor of ours beyond 0-2:
// Asio opens sockets without O_CLOEXEC, and a child holding our listening
// socket or our connection to Docker would outlive what it belongs to.
//
// Short-lived helpers (credential helpers, test tools) can be given their
// input on stdin and have their stdout captured, so that secrets travel
// through pipes, never through argv.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/deadline.h"
#include "base/status.h"

namespace base {

// NAME, value pairs, in order.
using Environment = std::vector<std::pair<std::string, std::string>>;

struct ExitStatus {
  int code = 0;    // exit code, when not killed by a signal
  int signal = 0;  // the signal that killed it, or 0

  bool success() const { return signal == 0 && code == 0; }
  // "exited with status 3", "killed by signal 9 (Killed)"
  std::string ToString() const;
};

struct SpawnOptions {
  std::string path;                // run directly, no PATH search; also argv[0]
  std::vector<std::string> args;   // argv[1..]
  Environment environment;         // the complete environment: nothing is inherited
  std::string working_directory;   // empty: the parent's
  std::string stdout_file;         // appended to; empty: the parent's stdout
  std::string stderr_file;         // appended to; empty: the parent's stderr
  // Given on stdin, then end of file; without it stdin is /dev/null. It is
  // put into the pipe before the program starts, so it must fit the pipe's
  // buffer (64 KiB): nothing then waits on the child to read it.
  std::optional<std::string> input;
  // When > 0, stdout goes to captured_stdout() (stdout_file is ignored),
  // keeping at most this many bytes; the rest is read and dropped.
  std::size_t capture_stdout_limit = 0;
};

class ChildProcess {
 public:
  // Starts the program. Fails if it cannot be executed or the input is too large.
  static base::Result<std::unique_ptr<ChildProcess>> Spawn(boost::asio::any_io_executor executor,
                                                           const SpawnOptions& options);
  // SIGKILLs what is left of the process group and reaps the child.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running() const { return !exit_status_; }
  const std::optional<ExitStatus>& exit_status() const { return exit_status_; }

  base::Status Signal(int signal);       // the process itself
  base::Status SignalGroup(int signal);  // its whole process group

  // The exit status once the process has exited (and, when capturing, its
  // stdout has reached end of file); a Timeout status if the deadline
  // passes first.
  boost::asio::awaitable<base::Result<ExitStatus>> WaitExit(base::Deadline deadline);

  // What the program wrote to stdout when capturing; complete once
  // WaitExit() returned the exit status.
  const std::string& captured_stdout() const { return captured_stdout_; }
  bool stdout_truncated() const { return stdout_truncated_; }

  // Called once, when the process exits (never after destruction).
  void OnExit(std::function<void(const ExitStatus&)> callback) { on_exit_ = std::move(callback); }

 private:
  struct Watch;
  ChildProcess(pid_t pid, std::unique_ptr<Watch> watch, std::size_t capture_limit);
  void ArmWatch();
  void ArmRead();
  void Reaped(int wait_status);
  void CheckFinished();

  pid_t pid_;
  std::unique_ptr<Watch> watch_;
  std::optional<ExitStatus> exit_status_;
  std::size_t capture_limit_;
  std::string captured_stdout_;
  bool stdout_truncated_ = false;
  bool stdout_open_;
  std::function<void(const ExitStatus&)> on_exit_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace base
