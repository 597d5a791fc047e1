// A small HTTP/1.1 server for the fakes that stand in for outside systems in
// the local agent and in tests (the Mesos agent now; Sidecar and Vault later).
//
// It listens on 127.0.0.1 and serves requests one after another on each
// keep-alive connection, handing each to a handler coroutine. The handler
// *decides* the answer through ServerExchange: a whole response, a chunked
// stream that the server's owner keeps writing to over time, or a fault
// (drop, reset, never answer). The server does all writing itself once the
// handler returns, so handlers may wait (a slow peer) but never own socket
// I/O, and an owner can be destroyed without a handler writing into freed
// state.
//
// Stopping and listening again on the same port simulates a restart of the
// faked system: StopListening() + CloseConnections(), later Listen(port()).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "net/endpoint.h"

namespace net {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

namespace server_detail {
struct Connection;
struct Core;
}  // namespace server_detail

// A chunked response body written over time (an endless event stream).
// Writes are queued and sent in order; none of these calls block.
class ResponseStream {
 public:
  explicit ResponseStream(std::shared_ptr<server_detail::Connection> connection);

  // Queues one chunk. Returns false (dropping it) once the stream is closed.
  bool Write(std::string chunk);
  // Finishes the body with the last chunk; the connection then serves the
  // next request.
  void End();
  // Closes the connection at once, as a network failure would.
  void Abort();
  // True once ended, aborted, or the connection is gone (either side closed).
  bool closed() const;

 private:
  std::shared_ptr<server_detail::Connection> connection_;
};

// One request and the handler's choice of answer. Exactly one of the answer
// calls may be made; a handler that makes none gets a 500 sent for it.
class ServerExchange {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  ServerExchange(Request request, std::shared_ptr<server_detail::Connection> connection);

  const Request& request() const { return request_; }

  // A complete response (Content-Length set from the body).
  void Reply(unsigned status, std::string body = {}, HeaderList headers = {});
  // A chunked response; the head is sent when the handler returns, chunks
  // whenever they are written to the returned stream.
  std::shared_ptr<ResponseStream> StartStream(unsigned status, HeaderList headers = {});
  // Closes the connection without answering (orderly FIN).
  void Drop();
  // Closes the connection with a TCP reset.
  void Reset();
  // Never answers: the connection stays open, silent, until the client or
  // the server closes it.
  void Hold();

  enum class Answer { kNone, kReply, kStream, kDrop, kReset, kHold };
  Answer answer() const { return answer_; }

 private:
  friend struct server_detail::Core;
  void Choose(Answer answer);

  Request request_;
  std::shared_ptr<server_detail::Connection> connection_;
  Answer answer_ = Answer::kNone;
  unsigned status_ = 0;
  std::string body_;
  HeaderList headers_;
  std::shared_ptr<ResponseStream> stream_;
};

class HttpServer {
 public:
  // A handler must not touch its owner after a co_await that outlived the
  // owner; simplest is to decide synchronously and wait, if at all, first.
  using Handler = std::function<boost::asio::awaitable<void>(ServerExchange&)>;

  HttpServer(boost::asio::any_io_executor executor, Handler handler);
  ~HttpServer();  // stops listening and closes every connection
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Starts accepting on 127.0.0.1:`port`; 0 picks a free port.
  base::Status Listen(uint16_t port = 0);
  // Stops accepting; open connections are left alone.
  void StopListening();
  // Closes every open connection (and with it any stream in progress).
  void CloseConnections();

  bool listening() const;
  // The port last listened on (kept after StopListening for a restart).
  uint16_t port() const;
  Endpoint endpoint() const { return Endpoint::Tcp("127.0.0.1", port()); }

 private:
  std::shared_ptr<server_detail::Core> core_;
};

}  // namespace net
