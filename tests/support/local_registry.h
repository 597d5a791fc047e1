// LocalRegistry: a real Docker registry for pull tests — Debian's
// `docker-registry` (distribution 2.8) on 127.0.0.1 with htpasswd (bcrypt)
// authentication, a fresh storage directory, and nothing left behind.
// The Docker daemon treats 127.0.0.0/8 registries as insecure, so it talks
// plain HTTP to it.
//
// Usable from SetUp/TearDown: every call runs to its end on the registry's
// own io_context, bounded by a deadline, so no test io_context needs to
// outlive it.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "base/child_process.h"
#include "base/status.h"

namespace test {

class LocalRegistry {
 public:
  // Starts the registry on a free port, with one user, and returns once it
  // answers. Needs docker-registry and htpasswd (apache2-utils).
  static base::Result<std::unique_ptr<LocalRegistry>> Start(const std::string& username,
                                                            const std::string& password);
  // Stops the registry and removes its files.
  ~LocalRegistry();
  LocalRegistry(const LocalRegistry&) = delete;
  LocalRegistry& operator=(const LocalRegistry&) = delete;

  // "127.0.0.1:<port>": the registry part of image names, and its credential key.
  const std::string& host() const { return host_; }
  // X-Registry-Auth for the registry's user.
  std::string RegistryAuth() const;

  // Pushes the local image `source` to <host>/<name> (name = "repo:tag")
  // through the Docker daemon, then removes that local tag again: the
  // registry has the image, the daemon only `source`.
  base::Status Push(const std::string& source, const std::string& name);

  // Tags the local image `source` as `image` in the daemon.
  static base::Status TagLocally(const std::string& source, const std::string& image);
  // Removes the local tag `image` (the image stays while other tags name
  // it); an absent tag is fine.
  static base::Status RemoveLocally(const std::string& image);

 private:
  LocalRegistry(std::string directory, std::string username, std::string password);
  base::Status Launch();

  boost::asio::io_context io_;  // before child_: destroyed after it
  std::string directory_;
  std::string username_;
  std::string password_;
  uint16_t port_ = 0;
  std::string host_;
  std::unique_ptr<base::ChildProcess> child_;
};

}  // namespace test
