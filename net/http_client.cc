#include "net/http_client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace net {
namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {
constexpr std::size_t kBodyChunkSize = 16 * 1024;
constexpr std::size_t kReadBufferSize = 16 * 1024;
}

asio::awaitable<base::Result<std::unique_ptr<HttpConnection>>> HttpConnection::Connect(
    const Endpoint& endpoint, base::Deadline deadline) {
  base::Result<std::unique_ptr<ByteStream>> stream = co_await ConnectByteStream(endpoint, deadline);
  if (!stream.ok()) co_return stream.status();
  co_return std::make_unique<HttpConnection>(endpoint, std::move(stream).value());
}

HttpConnection::HttpConnection(Endpoint endpoint, std::unique_ptr<ByteStream> stream)
    : endpoint_(std::move(endpoint)), stream_(std::move(stream)) {
  // Beast reads at most the buffer's free space per call, 512 bytes when it
  // starts empty: a multi-megabyte Sidecar state would take thousands of reads.
  buffer_.reserve(kReadBufferSize);
}

HttpConnection::~HttpConnection() { Close(); }

void HttpConnection::Close() {
  if (stream_) stream_->Close();
  stream_.reset();
  body_parser_.reset();
  buffer_.clear();
}

base::Status HttpConnection::Fail(std::string_view what, const ErrorCode& ec) {
  Close();
  std::string message = std::string(what) + " " + endpoint_.ToString() + ": " + ec.message();
  if (ec == asio::error::operation_aborted) return base::Status::Cancelled(std::move(message));
  return base::Status::Unavailable(std::move(message));
}

base::Status HttpConnection::TimedOut(std::string_view what) {
  Close();
  return base::Status::Timeout(std::string(what) + " " + endpoint_.ToString() + ": timed out");
}

asio::awaitable<base::Status> HttpConnection::Write(const Request& request, base::Deadline deadline) {
  if (!stream_) co_return base::Status::Unavailable("connection to " + endpoint_.ToString() + " is closed");
  if (body_parser_) co_return base::Status::Failed("connection busy with a streaming response");
  http::request<http::string_body> message(request.method, request.target, 11);
  message.set(http::field::host, endpoint_.HostHeader());
  message.set(http::field::user_agent, "sidecar-executor");
  if (!request.content_type.empty()) message.set(http::field::content_type, request.content_type);
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.body() = request.body;
  message.prepare_payload();

  auto write = [&]() -> asio::awaitable<ErrorCode> {
    auto [ec, n] = co_await http::async_write(*stream_, message, asio::as_tuple(asio::use_awaitable));
    co_return ec;
  };
  std::optional<ErrorCode> ec = co_await base::WithDeadline(write(), deadline);
  if (!ec) co_return TimedOut("sending to");
  if (*ec) co_return Fail("sending to", *ec);
  co_return base::Status::Ok();
}

asio::awaitable<base::Result<Response>> HttpConnection::Send(const Request& request,
                                                             base::Deadline deadline,
                                                             std::size_t max_body) {
  base::Status written = co_await Write(request, deadline);
  if (!written.ok()) co_return written;

  http::response_parser<http::string_body> parser;
  parser.body_limit(max_body);
  if (request.method == http::verb::head) parser.skip(true);
  auto read = [&]() -> asio::awaitable<ErrorCode> {
    auto [ec, n] = co_await http::async_read(*stream_, buffer_, parser, asio::as_tuple(asio::use_awaitable));
    co_return ec;
  };
  std::optional<ErrorCode> ec = co_await base::WithDeadline(read(), deadline);
  if (!ec) co_return TimedOut("reading from");
  if (*ec) co_return Fail("reading from", *ec);

  http::response<http::string_body> message = parser.release();
  if (!message.keep_alive()) Close();
  Response response;
  response.status = message.result_int();
  response.body = std::move(message.body());
  response.fields = std::move(message.base());
  co_return response;
}

asio::awaitable<base::Result<ResponseHead>> HttpConnection::SendStreaming(const Request& request,
                                                                          base::Deadline deadline) {
  base::Status written = co_await Write(request, deadline);
  if (!written.ok()) co_return written;

  body_parser_.emplace();
  body_parser_->body_limit(boost::none);  // endless streams are the point
  auto read = [&]() -> asio::awaitable<ErrorCode> {
    auto [ec, n] = co_await http::async_read_header(*stream_, buffer_, *body_parser_,
                                                    asio::as_tuple(asio::use_awaitable));
    co_return ec;
  };
  std::optional<ErrorCode> ec = co_await base::WithDeadline(read(), deadline);
  if (!ec) co_return TimedOut("reading from");
  if (*ec) co_return Fail("reading from", *ec);

  ResponseHead head;
  head.status = body_parser_->get().result_int();
  head.fields = body_parser_->get().base();
  co_return head;
}

asio::awaitable<base::Result<std::string_view>> HttpConnection::ReadSome(base::Deadline deadline) {
  if (!stream_ || !body_parser_) {
    co_return base::Status::Failed("no streaming response on " + endpoint_.ToString());
  }
  if (!body_chunk_) body_chunk_ = std::make_unique<char[]>(kBodyChunkSize);
  // A read may consume only framing (a chunk header); keep reading until
  // body bytes arrive or the body ends.
  for (;;) {
    if (body_parser_->is_done()) {
      const bool keep_alive = body_parser_->get().keep_alive();
      body_parser_.reset();
      if (!keep_alive) Close();
      co_return std::string_view();
    }
    auto& body = body_parser_->get().body();
    body.data = body_chunk_.get();
    body.size = kBodyChunkSize;
    auto read = [&]() -> asio::awaitable<ErrorCode> {
      auto [ec, n] = co_await http::async_read_some(*stream_, buffer_, *body_parser_,
                                                    asio::as_tuple(asio::use_awaitable));
      co_return ec;
    };
    std::optional<ErrorCode> ec = co_await base::WithDeadline(read(), deadline);
    if (!ec) co_return TimedOut("reading from");
    if (*ec && *ec != http::error::need_buffer) co_return Fail("reading from", *ec);
    const std::size_t produced = kBodyChunkSize - body.size;
    if (produced > 0) co_return std::string_view(body_chunk_.get(), produced);
  }
}

asio::awaitable<base::Result<Response>> Fetch(const Endpoint& endpoint, const Request& request,
                                              base::Deadline deadline, std::size_t max_body) {
  base::Result<std::unique_ptr<HttpConnection>> connection =
      co_await HttpConnection::Connect(endpoint, deadline);
  if (!connection.ok()) co_return connection.status();
  co_return co_await (*connection)->Send(request, deadline, max_body);
}

std::string DescribeFailure(const Request& request, const Response& response) {
  std::string text = std::string(http::to_string(request.method)) + " " + request.target + " -> " +
                     std::to_string(response.status);
  std::string_view body = response.body;
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
  if (!body.empty()) {
    text += ": ";
    text += body.substr(0, 300);
  }
  return text;
}

}  // namespace net
