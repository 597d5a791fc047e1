// The Vault token cache shared by the executors of a host
// (upstream-behavior.md §9.3, §12.1.3): the raw token in a file, trimmed on
// read, trusted while the file is younger than VAULT_TTL − 3600 s. Old and
// new executors share it during a migration, so the format and the
// freshness rule are upstream's; writes are atomic here (D19).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "base/deadline.h"
#include "base/status.h"

namespace vault {

// The token must outlive its reuse by this much (upstream's one-hour grace).
inline constexpr std::chrono::seconds kTokenFileGrace{3600};

// Upstream's rule: fresh when modified after now − (ttl − grace); never
// when ttl ≤ grace.
bool IsTokenFileFresh(std::chrono::system_clock::time_point modified, std::chrono::system_clock::time_point now,
                      std::chrono::seconds ttl);

// The cached token when the file exists, is fresh and holds one; otherwise
// a Status saying why not (NotFound, or Failed for a stale/unreadable file).
base::Result<std::string> ReadFreshToken(const std::string& path, std::chrono::seconds ttl);

// Writes `token` to a temporary file beside `path` (mode 0600) and renames
// it over `path`: a concurrent reader sees the old token or the new one,
// never half of one.
base::Status WriteTokenFile(const std::string& path, std::string_view token);

// An exclusive flock(2) on a lock file, held by the executor that checks
// the cache and logs in, so that executors starting together on a host
// share one login. Released when destroyed.
class FileLock {
 public:
  // flock(LOCK_EX | LOCK_NB), retried on a timer (2 ms, doubling to 100 ms)
  // until `deadline`. Not a blocking flock: that would stall the executor's
  // only thread (agent events, kills) for as long as another executor
  // holds the lock, and the executor has no threads to hand the wait to.
  // Timeout when the deadline passes first.
  static boost::asio::awaitable<base::Result<FileLock>> Acquire(std::string path, base::Deadline deadline);

  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace vault
