// DockerProxy: a fault-injecting proxy between a program under test and the
// real Docker daemon. It listens on a Unix socket in a temporary directory
// and forwards every connection to the daemon's socket byte for byte, except
// that a request matching the held method and path waits, unforwarded,
// until the test releases it. A phase that lasts milliseconds with real
// Docker (create, start, the log copy) can so be made to last until the
// test has acted in it.
//
// A held request whose client hangs up is dropped, never forwarded: it
// models a request that had not reached the daemon yet.
//
// The Docker client opens one connection per request, so only a
// connection's first request is matched; the rest is forwarded as is.
// Everything runs on the caller's io_context; destroying the proxy closes
// every connection at once.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>

#include "base/deadline.h"
#include "base/status.h"

namespace test {

class DockerProxy {
 public:
  explicit DockerProxy(boost::asio::any_io_executor executor, std::string upstream = "/var/run/docker.sock");
  ~DockerProxy();
  DockerProxy(const DockerProxy&) = delete;
  DockerProxy& operator=(const DockerProxy&) = delete;

  base::Status Start();
  // For the DOCKER_HOST of the program under test.
  std::string docker_host() const;

  // Holds requests with this method whose path (without the API version
  // prefix and the query) matches `path_pattern` (an ECMAScript regex, whole
  // path), from now until Release().
  void Hold(std::string method, std::string path_pattern);
  // Forwards what is held and holds nothing more.
  void Release();
  // Until `count` requests have been held in total.
  boost::asio::awaitable<bool> WaitHeld(int count, base::Deadline deadline);
  int held() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace test
