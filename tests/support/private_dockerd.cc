#include "tests/support/private_dockerd.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "base/child_process.h"
#include "base/deadline.h"
#include "net/http_client.h"

extern char** environ;

namespace test {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr auto kReadyWithin = 60s;
constexpr auto kExitWithin = 60s;
constexpr auto kReadyPollInterval = 100ms;
constexpr auto kImageLoadWithin = 120s;
constexpr auto kCleanupWithin = 60s;

int PidFd(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

// Runs `argv` with our environment and output going to `log`; its pid, or -1.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);  // away from the test's Ctrl-C
  posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int error = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return error == 0 ? pid : -1;
}

// Blocks until `pid` exits (reaped) or `within` passes; true when reaped.
bool WaitBlocking(pid_t pid, std::chrono::milliseconds within) {
  const int fd = PidFd(pid);
  if (fd >= 0) {
    pollfd ready{fd, POLLIN, 0};
    poll(&ready, 1, static_cast<int>(within.count()));
    close(fd);
  }
  return waitpid(pid, nullptr, WNOHANG) == pid;
}

// A shell command run to its end, or killed (with its process group) after
// `within`. Blocking: only for the destructor, which has no io_context.
void RunShellBlocking(const std::string& command, const std::string& log, std::chrono::milliseconds within) {
  const pid_t pid = Spawn({"/bin/sh", "-c", command}, log);
  if (pid < 0) return;
  if (!WaitBlocking(pid, within)) {
    kill(-pid, SIGKILL);
    WaitBlocking(pid, 10s);
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

PrivateDockerd::PrivateDockerd(PrivateDockerdOptions options) : options_(std::move(options)) {
  char directory[] = "/tmp/private-dockerd-XXXXXX";
  if (mkdtemp(directory) != nullptr) directory_ = directory;
  cgroup_parent_ = "private-dockerd-" + fs::path(directory_).filename().string().substr(16);
}

asio::awaitable<base::Status> PrivateDockerd::Start() {
  if (directory_.empty()) co_return base::Status::Failed("no directory for the private dockerd");
  if (running()) co_return base::Status::Ok();
  const std::string ns = cgroup_parent_;
  std::vector<std::string> argv = {"dockerd",
                                   "-H", docker_host(),
                                   "--data-root", directory_ + "/data",
                                   "--exec-root", directory_ + "/exec",
                                   "--pidfile", directory_ + "/docker.pid",
                                   "--containerd-namespace", ns,
                                   "--containerd-plugins-namespace", ns + "-plugins",
                                   "--cgroup-parent", cgroup_parent_,
                                   "--bridge=none", "--iptables=false", "--ip-masq=false",
                                   "--shutdown-timeout", std::to_string(options_.shutdown_timeout_seconds)};
  if (options_.live_restore) argv.push_back("--live-restore");
  pid_ = Spawn(argv, directory_ + "/dockerd.log");
  if (pid_ < 0) co_return base::Status::Failed("cannot start dockerd");

  const base::Deadline give_up = base::After(kReadyWithin);
  net::Request ping;
  ping.target = "/_ping";
  for (;;) {
    if (Reaped()) {
      co_return base::Status::Failed("the private dockerd exited at start: " + ReadFile(directory_ + "/dockerd.log"));
    }
    const base::Result<net::Response> answer =
        co_await net::Fetch(net::Endpoint::Unix(socket_path()), ping, base::After(2s), net::kDefaultMaxBody);
    if (answer.ok() && answer->status == 200) break;
    if (base::Clock::now() > give_up) co_return base::Status::Timeout("the private dockerd did not answer");
    co_await base::SleepUntil(base::After(kReadyPollInterval));
  }
  if (!image_loaded_) {
    const base::Status loaded = co_await LoadImage();
    if (!loaded.ok()) co_return loaded;
    image_loaded_ = true;
  }
  co_return base::Status::Ok();
}

// From the machine's daemon (the default socket: the child's environment
// has no DOCKER_HOST) into this one.
asio::awaitable<base::Status> PrivateDockerd::LoadImage() {
  const std::string log = directory_ + "/load.log";
  base::SpawnOptions load;
  load.path = "/bin/sh";
  load.args.push_back("-c");
  load.args.push_back("docker save " + options_.image + " | docker -H " + docker_host() + " load");
  load.environment.emplace_back("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
  load.stdout_file = log;
  load.stderr_file = log;
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  base::Result<std::unique_ptr<base::ChildProcess>> child = base::ChildProcess::Spawn(executor, load);
  if (!child.ok()) co_return child.status();
  const base::Result<base::ExitStatus> exit = co_await (*child)->WaitExit(base::After(kImageLoadWithin));
  if (!exit.ok()) co_return base::Status::Timeout("loading " + options_.image + ": " + exit.status().message());
  if (!exit->success()) {
    co_return base::Status::Failed("cannot load " + options_.image + " (" + exit->ToString() + "): " + ReadFile(log));
  }
  co_return base::Status::Ok();
}

asio::awaitable<base::Status> PrivateDockerd::Stop() {
  if (!running()) co_return base::Status::Ok();
  const int fd = PidFd(pid_);
  if (fd < 0) co_return base::Status::Failed("pidfd_open failed for dockerd");
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  asio::posix::stream_descriptor exited(executor, fd);
  kill(pid_, SIGTERM);
  auto wait = [&exited]() -> asio::awaitable<void> {
    co_await exited.async_wait(asio::posix::descriptor_base::wait_read, asio::as_tuple(asio::use_awaitable));
  };
  const bool gone = co_await base::WithDeadline(wait(), base::After(kExitWithin));
  if (!gone) {
    kill(pid_, SIGKILL);
    WaitBlocking(pid_, 10s);
    pid_ = -1;
    co_return base::Status::Timeout("the private dockerd did not stop on SIGTERM");
  }
  Reaped();
  co_return base::Status::Ok();
}

bool PrivateDockerd::Reaped() {
  if (pid_ <= 0) return true;
  if (waitpid(pid_, nullptr, WNOHANG) != pid_) return false;
  pid_ = -1;
  return true;
}

PrivateDockerd::~PrivateDockerd() {
  if (directory_.empty()) return;
  if (running()) {
    RemoveContainersBlocking();
    kill(pid_, SIGTERM);
    if (!WaitBlocking(pid_, kExitWithin)) {
      kill(pid_, SIGKILL);
      WaitBlocking(pid_, 10s);
    }
    pid_ = -1;
  }
  // Containers left running by a stopped --live-restore daemon, then its
  // containerd and shims.
  KillCgroupProcesses();
  KillProcessesUnderDirectory();
  UnmountEverythingUnderDirectory();
  std::error_code ignored;
  fs::remove_all(directory_, ignored);
}

void PrivateDockerd::RemoveContainersBlocking() {
  const std::string docker = "docker -H " + docker_host();
  RunShellBlocking("ids=$(" + docker + " ps -aq); [ -z \"$ids\" ] || " + docker + " rm -f $ids",
                   directory_ + "/cleanup.log", kCleanupWithin);
}

void PrivateDockerd::KillCgroupProcesses() {
  std::vector<fs::path> groups;
  std::error_code error;
  for (const fs::directory_entry& hierarchy : fs::directory_iterator("/sys/fs/cgroup", error)) {
    const fs::path parent = hierarchy.path() / cgroup_parent_;
    if (fs::is_directory(parent, error)) groups.push_back(parent);
  }
  if (fs::is_directory(fs::path("/sys/fs/cgroup") / cgroup_parent_, error)) {
    groups.push_back(fs::path("/sys/fs/cgroup") / cgroup_parent_);
  }
  std::vector<fs::path> directories;
  for (const fs::path& group : groups) {
    directories.push_back(group);
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(group, error)) {
      if (entry.is_directory(error)) directories.push_back(entry.path());
    }
  }
  std::vector<pid_t> killed;
  for (const fs::path& directory : directories) {
    std::ifstream procs(directory / "cgroup.procs");
    for (pid_t pid = 0; procs >> pid;) {
      kill(pid, SIGKILL);
      killed.push_back(pid);
    }
  }
  for (pid_t pid : killed) WaitBlocking(pid, 5s);  // not our children: this only waits for the exit
  // Deepest first; a group whose processes are still dying stays behind (empty).
  std::sort(directories.begin(), directories.end(),
            [](const fs::path& a, const fs::path& b) { return a.string().size() > b.string().size(); });
  for (const fs::path& directory : directories) rmdir(directory.c_str());
}

void PrivateDockerd::KillProcessesUnderDirectory() {
  std::error_code error;
  std::vector<pid_t> killed;
  for (const fs::directory_entry& entry : fs::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string command = ReadFile(entry.path() / "cmdline");
    std::replace(command.begin(), command.end(), '\0', ' ');
    if (command.find(directory_) == std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    if (pid == getpid()) continue;
    kill(pid, SIGKILL);
    killed.push_back(pid);
  }
  for (pid_t pid : killed) WaitBlocking(pid, 5s);
}

void PrivateDockerd::UnmountEverythingUnderDirectory() {
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::vector<std::string> mounts;
  for (std::string line; std::getline(mountinfo, line);) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point;
    fields >> id >> parent >> device >> root >> mount_point;
    if (mount_point.rfind(directory_, 0) == 0) mounts.push_back(mount_point);
  }
  std::sort(mounts.begin(), mounts.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& mount_point : mounts) umount2(mount_point.c_str(), MNT_DETACH);
}

}  // namespace test
