// ChildProcess: a program started in its own process group, with exactly
// the environment given, watched without polling: its pidfd becomes
// readable when it exits, which wakes the io_context like any socket.
//
// The process group is what an agent kills when it destroys an executor
// (the executor's own children included), and it keeps a terminal's Ctrl-C
// away from the child.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "net/deadline.h"
#include "tools/local_agent/agent_options.h"

namespace local_agent {

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
  KeyValues environment;           // the complete environment: nothing is inherited
  std::string working_directory;   // empty: the parent's
  std::string stdout_file;         // appended to; empty: the parent's stdout
  std::string stderr_file;         // appended to; empty: the parent's stderr
};

class ChildProcess {
 public:
  // Starts the program (stdin is /dev/null). Fails if it cannot be executed.
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

  // The exit status once the process has exited; a Timeout status if the
  // deadline passes first.
  boost::asio::awaitable<base::Result<ExitStatus>> WaitExit(net::Deadline deadline);

  // Called once, when the process exits (never after destruction).
  void OnExit(std::function<void(const ExitStatus&)> callback) { on_exit_ = std::move(callback); }

 private:
  struct Watch;
  ChildProcess(pid_t pid, std::unique_ptr<Watch> watch);
  void ArmWatch();
  void Reaped(int wait_status);

  pid_t pid_;
  std::unique_ptr<Watch> watch_;
  std::optional<ExitStatus> exit_status_;
  std::function<void(const ExitStatus&)> on_exit_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace local_agent
