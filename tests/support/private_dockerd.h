// PrivateDockerd: a second Docker daemon of the test's own, for faults that
// must not touch the machine's daemon (other tests run on it): stopping and
// restarting dockerd while a task runs.
//
// It runs as a child in its own process group, with everything of its own
// under one temporary directory: the API socket, --data-root, --exec-root
// (and so its own managed containerd), --pidfile; its own containerd
// namespaces and cgroup parent. It has no bridge and touches no iptables,
// so tasks on it use host networking. Start() loads the test image from the
// machine's daemon; Stop() and Start() again keep the same data.
//
// The destructor leaves nothing: containers (through the API when the
// daemon is up, else by killing what is in its cgroup parent), the daemon,
// its containerd and shims, its mounts and its directory.
//
// Start() and Stop() are awaitable on the caller's io_context and hold
// nothing bound to it, so the fixture may outlive that io_context.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <sys/types.h>

#include <string>

#include "base/status.h"

namespace test {

struct PrivateDockerdOptions {
  bool live_restore = false;
  // How long the daemon's shutdown gives containers after their stop signal.
  int shutdown_timeout_seconds = 2;
  std::string image = "sidecar-executor-test/busybox:1";  // copied from the machine's daemon
};

class PrivateDockerd {
 public:
  explicit PrivateDockerd(PrivateDockerdOptions options = {});
  ~PrivateDockerd();
  PrivateDockerd(const PrivateDockerd&) = delete;
  PrivateDockerd& operator=(const PrivateDockerd&) = delete;

  // Starts the daemon and waits until it answers (the first time, also
  // loads the image).
  boost::asio::awaitable<base::Status> Start();
  // SIGTERM, then waits for the daemon to exit.
  boost::asio::awaitable<base::Status> Stop();
  bool running() const { return pid_ > 0; }

  std::string socket_path() const { return directory_ + "/docker.sock"; }
  std::string docker_host() const { return "unix://" + socket_path(); }

 private:
  // Reaps the daemon if it has exited; true when it is gone.
  bool Reaped();
  boost::asio::awaitable<base::Status> LoadImage();
  void RemoveContainersBlocking();
  void KillCgroupProcesses();
  void KillProcessesUnderDirectory();
  void UnmountEverythingUnderDirectory();

  PrivateDockerdOptions options_;
  std::string directory_;
  std::string cgroup_parent_;
  pid_t pid_ = -1;
  bool image_loaded_ = false;
};

}  // namespace test
