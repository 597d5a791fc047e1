// A small HTTP/1.1 client on top of Beast, shared by the Mesos, Docker,
// Sidecar and Vault modules.
//
// Two shapes of exchange:
//   * Send(): request, whole response (body capped), for ordinary calls;
//   * SendStreaming() + ReadSome(): request, response head, then the body
//     piece by piece as it arrives, for endless or slow bodies (the Mesos
//     event stream, Docker wait/pull/logs). Chunked encoding is undone here.
// Every call takes a deadline. On any error or timeout the connection is
// closed: a half-read HTTP exchange cannot be resumed.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/verb.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/deadline.h"
#include "base/status.h"
#include "net/byte_stream.h"
#include "net/endpoint.h"

namespace net {

namespace http = boost::beast::http;

struct Request {
  http::verb method = http::verb::get;
  std::string target = "/";
  std::string body;
  std::string content_type;  // sent only when non-empty
  std::vector<std::pair<std::string, std::string>> headers;
};

struct ResponseHead {
  unsigned status = 0;
  http::fields fields;
};

struct Response {
  unsigned status = 0;
  http::fields fields;
  std::string body;
};

inline constexpr std::size_t kDefaultMaxBody = 8 * 1024 * 1024;

class HttpConnection {
 public:
  // Opens a connection to `endpoint` (TCP, Unix socket or TLS).
  static boost::asio::awaitable<base::Result<std::unique_ptr<HttpConnection>>> Connect(
      const Endpoint& endpoint, base::Deadline deadline);

  HttpConnection(Endpoint endpoint, std::unique_ptr<ByteStream> stream);
  ~HttpConnection();

  // Writes the request and reads the whole response.
  boost::asio::awaitable<base::Result<Response>> Send(const Request& request, base::Deadline deadline,
                                                      std::size_t max_body = kDefaultMaxBody);

  // Writes the request and reads only the response head. The body is then
  // read with ReadSome(); the connection serves no other request until the
  // body has been read to its end.
  boost::asio::awaitable<base::Result<ResponseHead>> SendStreaming(const Request& request,
                                                                   base::Deadline deadline);

  // The next piece of a streaming body, as soon as any bytes arrive. An empty
  // view means the body is complete. The view is valid until the next call.
  boost::asio::awaitable<base::Result<std::string_view>> ReadSome(base::Deadline deadline);

  void Close();
  bool is_open() const { return stream_ != nullptr; }
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  boost::asio::awaitable<base::Status> Write(const Request& request, base::Deadline deadline);
  base::Status Fail(std::string_view what, const ErrorCode& ec);
  base::Status TimedOut(std::string_view what);

  Endpoint endpoint_;
  std::unique_ptr<ByteStream> stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::buffer_body>> body_parser_;
  std::unique_ptr<char[]> body_chunk_;
};

// One exchange on a fresh connection, closed afterwards.
boost::asio::awaitable<base::Result<Response>> Fetch(const Endpoint& endpoint,
                                                     const Request& request, base::Deadline deadline,
                                                     std::size_t max_body = kDefaultMaxBody);

// "GET /x -> 404 Not Found: <first 200 bytes of body>", for error messages.
std::string DescribeFailure(const Request& request, const Response& response);

}  // namespace net
