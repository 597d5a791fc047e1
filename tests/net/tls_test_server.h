// An HTTPS server for the TLS client tests, on boost::asio::ssl (the tests
// may link OpenSSL; the executor may not). It listens on 127.0.0.1 and
// answers a few fixed targets:
//   GET /small   -> "hello over tls"
//   GET /large   -> LargeBody()
//   POST /echo   -> the request body
//   GET /stream  -> chunked: "first", then "second" once ReleaseStreams()
//   GET /hold    -> never answers
//   GET /close   -> "bye" without a length, then close_notify
//   GET /truncate-> "bye" without a length, then a TCP close without close_notify
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>

#include "net/endpoint.h"

namespace test {

struct TlsServerOptions {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // set: a client certificate signed by it is required
  bool tls12_only = false;     // otherwise TLS 1.3 is negotiated
};

std::string LargeBody();  // 1.5 MiB

class TlsTestServer {
 public:
  TlsTestServer(boost::asio::any_io_executor executor, const TlsServerOptions& options);
  ~TlsTestServer();  // stops listening and closes every connection
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  // 127.0.0.1:<port> with `tls`.
  net::Endpoint endpoint(const net::TlsSettings& tls) const;
  int connections() const;          // TCP connections accepted so far
  std::string server_name() const;  // SNI of the last handshake ("" = none)
  void ReleaseStreams();            // /stream responses may finish

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace test
