#include "vault/token_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace vault {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

std::string Errno(std::string_view what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

std::string_view Trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::chrono::system_clock::time_point ModificationTime(const struct stat& st) {
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
}

}  // namespace

bool IsTokenFileFresh(std::chrono::system_clock::time_point modified, std::chrono::system_clock::time_point now,
                      std::chrono::seconds ttl) {
  if (ttl <= kTokenFileGrace) return false;
  return modified > now - (ttl - kTokenFileGrace);
}

base::Result<std::string> ReadFreshToken(const std::string& path, std::chrono::seconds ttl) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return base::Status::NotFound("no token file " + path);
    return base::Status::Failed(Errno("cannot open token file", path));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    const base::Status failed = base::Status::Failed(Errno("cannot stat token file", path));
    close(fd);
    return failed;
  }
  if (!IsTokenFileFresh(ModificationTime(st), std::chrono::system_clock::now(), ttl)) {
    close(fd);
    return base::Status::Failed("token file " + path + " is too close to expiry (older than VAULT_TTL - " +
                                std::to_string(kTokenFileGrace.count()) + "s)");
  }
  std::string content;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const base::Status failed = base::Status::Failed(Errno("cannot read token file", path));
      close(fd);
      return failed;
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > 64 * 1024) break;
  }
  close(fd);
  const std::string_view token = Trim(content);
  if (token.empty()) return base::Status::Failed("token file " + path + " is empty");
  return std::string(token);
}

base::Status WriteTokenFile(const std::string& path, std::string_view token) {
  std::random_device random;
  const std::string temporary = path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(random() % 1000000);
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return base::Status::Failed(Errno("cannot create", temporary));
  base::Status status = base::Status::Ok();
  std::string_view rest = token;
  while (status.ok() && !rest.empty()) {
    const ssize_t n = write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = base::Status::Failed(Errno("cannot write", temporary));
      break;
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (status.ok() && fchmod(fd, 0600) != 0) status = base::Status::Failed(Errno("cannot chmod", temporary));
  if (status.ok() && fsync(fd) != 0) status = base::Status::Failed(Errno("cannot sync", temporary));
  if (close(fd) != 0 && status.ok()) status = base::Status::Failed(Errno("cannot close", temporary));
  if (status.ok() && rename(temporary.c_str(), path.c_str()) != 0) {
    status = base::Status::Failed(Errno("cannot rename the new token file to", path));
  }
  if (!status.ok()) unlink(temporary.c_str());
  return status;
}

asio::awaitable<base::Result<FileLock>> FileLock::Acquire(std::string path, base::Deadline deadline) {
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) co_return base::Status::Failed(Errno("cannot open lock file", path));
  FileLock lock(fd);
  auto backoff = std::chrono::milliseconds(2);
  for (;;) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) co_return std::move(lock);
    if (errno != EWOULDBLOCK && errno != EINTR) co_return base::Status::Failed(Errno("cannot lock", path));
    const base::Deadline wake = base::Clock::now() + backoff;
    if (wake >= deadline) co_return base::Status::Timeout("another executor held " + path + " too long");
    const bool slept = co_await base::SleepUntil(wake);
    if (!slept) co_return base::Status::Cancelled("cancelled while waiting for " + path);
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, 100ms);
  }
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) close(fd_);  // releases the flock
}

}  // namespace vault
