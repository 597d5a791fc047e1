#include "net/http_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <cassert>
#include <deque>

namespace net {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {
constexpr std::size_t kMaxRequestBody = 64 * 1024 * 1024;
// Bytes a client may send ahead while its previous request is unanswered.
constexpr std::size_t kMaxPipelined = 1024 * 1024;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
}  // namespace

namespace server_detail {

struct Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)), wake(socket.get_executor()) {}

  void Close() {
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    wake.cancel();
  }
  void Wake() { wake.cancel(); }

  tcp::socket socket;
  boost::beast::flat_buffer buffer;
  // The chunked stream in progress, if any.
  asio::steady_timer wake;
  std::deque<std::string> chunks;
  bool ending = false;
  bool stream_done = false;
};

struct Core {
  asio::any_io_executor executor;
  HttpServer::Handler handler;
  bool stopped = false;
  uint16_t port = 0;
  std::shared_ptr<tcp::acceptor> acceptor;
  std::vector<std::weak_ptr<Connection>> connections;

  static asio::awaitable<void> Accept(std::shared_ptr<Core> core,
                                      std::shared_ptr<tcp::acceptor> acceptor);
  static asio::awaitable<void> Serve(std::shared_ptr<Core> core, std::shared_ptr<Connection> c);
  // Sends the handler's answer; returns whether the connection may serve
  // another request.
  static asio::awaitable<bool> Answer(Connection& c, ServerExchange& exchange);
  static asio::awaitable<bool> Stream(Connection& c, const ServerExchange& exchange);
  static asio::awaitable<bool> ReadAhead(Connection& c);
};

asio::awaitable<void> Core::Accept(std::shared_ptr<Core> core,
                                   std::shared_ptr<tcp::acceptor> acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(kAwait);
    if (ec || core->stopped || core->acceptor != acceptor) co_return;
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto connection = std::make_shared<Connection>(std::move(socket));
    std::erase_if(core->connections, [](const auto& weak) { return weak.expired(); });
    core->connections.push_back(connection);
    asio::co_spawn(core->executor, Serve(core, connection), asio::detached);
  }
}

// Idle keep-alive connections wait without a deadline: they end when the
// client or the server closes them, which is all a fake needs.
asio::awaitable<void> Core::Serve(std::shared_ptr<Core> core, std::shared_ptr<Connection> c) {
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxRequestBody);
    auto [ec, n] = co_await http::async_read(c->socket, c->buffer, parser, kAwait);
    if (ec || core->stopped) break;
    ServerExchange exchange(parser.release(), c);
    HttpServer::Handler handler = core->handler;  // outlives a server destroyed meanwhile
    co_await handler(exchange);
    if (core->stopped || !c->socket.is_open()) break;
    // (co_await is kept out of conditions: g++ 12 miscompiles it in loops.)
    const bool keep_alive = co_await Answer(*c, exchange);
    if (!keep_alive) break;
  }
  c->stream_done = true;
  c->Close();
}

asio::awaitable<bool> Core::Answer(Connection& c, ServerExchange& exchange) {
  const bool keep_alive = exchange.request().keep_alive();
  switch (exchange.answer_) {
    case ServerExchange::Answer::kNone:
      exchange.Reply(500, "handler gave no answer\n");
      [[fallthrough]];
    case ServerExchange::Answer::kReply: {
      http::response<http::string_body> response(static_cast<http::status>(exchange.status_), 11);
      for (const auto& [name, value] : exchange.headers_) response.set(name, value);
      response.body() = std::move(exchange.body_);
      response.keep_alive(keep_alive);
      response.prepare_payload();
      auto [ec, n] = co_await http::async_write(c.socket, response, kAwait);
      co_return !ec && keep_alive;
    }
    case ServerExchange::Answer::kStream:
      co_return co_await Stream(c, exchange);
    case ServerExchange::Answer::kDrop:
      co_return false;
    case ServerExchange::Answer::kReset: {
      error_code ignored;
      c.socket.set_option(asio::socket_base::linger(true, 0), ignored);
      c.socket.close(ignored);
      co_return false;
    }
    case ServerExchange::Answer::kHold:
      for (;;) {
        const bool open = co_await ReadAhead(c);
        if (!open) co_return false;
      }
  }
  co_return false;
}

asio::awaitable<bool> Core::Stream(Connection& c, const ServerExchange& exchange) {
  using namespace asio::experimental::awaitable_operators;
  http::response<http::empty_body> head(static_cast<http::status>(exchange.status_), 11);
  for (const auto& [name, value] : exchange.headers_) head.set(name, value);
  head.keep_alive(exchange.request().keep_alive());
  head.chunked(true);
  http::response_serializer<http::empty_body> serializer(head);
  auto [head_ec, head_n] = co_await http::async_write_header(c.socket, serializer, kAwait);
  if (head_ec) co_return false;

  for (;;) {
    while (!c.chunks.empty()) {
      auto [ec, n] = co_await asio::async_write(
          c.socket, http::make_chunk(asio::buffer(c.chunks.front())), kAwait);
      if (ec) co_return false;
      c.chunks.pop_front();
    }
    if (c.ending) {
      auto [ec, n] = co_await asio::async_write(c.socket, http::make_chunk_last(), kAwait);
      c.ending = false;
      c.stream_done = true;
      co_return !ec && head.keep_alive();
    }
    if (!c.socket.is_open()) co_return false;
    // Wait for something to write, or notice the client going away.
    c.wake.expires_at(asio::steady_timer::time_point::max());
    auto woken = co_await (c.wake.async_wait(kAwait) ||
                           c.socket.async_wait(tcp::socket::wait_read, kAwait));
    if (woken.index() == 1) {
      const bool open = co_await ReadAhead(c);
      if (!open) co_return false;
    }
  }
}

// Reads whatever the client sends while its request is being answered (a
// pipelined request, or EOF when it goes away). False when the connection
// is over.
asio::awaitable<bool> Core::ReadAhead(Connection& c) {
  if (c.buffer.size() > kMaxPipelined) co_return false;
  auto [ec, n] = co_await c.socket.async_read_some(c.buffer.prepare(64 * 1024), kAwait);
  if (ec) co_return false;
  c.buffer.commit(n);
  co_return true;
}

}  // namespace server_detail

using server_detail::Connection;
using server_detail::Core;

ResponseStream::ResponseStream(std::shared_ptr<Connection> connection)
    : connection_(std::move(connection)) {}

bool ResponseStream::Write(std::string chunk) {
  if (closed()) return false;
  if (chunk.empty()) return true;  // an empty chunk would end the body
  connection_->chunks.push_back(std::move(chunk));
  connection_->Wake();
  return true;
}

void ResponseStream::End() {
  if (closed()) return;
  connection_->ending = true;
  connection_->Wake();
}

void ResponseStream::Abort() {
  connection_->stream_done = true;
  connection_->Close();
}

bool ResponseStream::closed() const {
  return connection_->stream_done || connection_->ending || !connection_->socket.is_open();
}

ServerExchange::ServerExchange(Request request, std::shared_ptr<Connection> connection)
    : request_(std::move(request)), connection_(std::move(connection)) {}

void ServerExchange::Choose(Answer answer) {
  assert(answer_ == Answer::kNone && "a request is answered once");
  answer_ = answer;
}

void ServerExchange::Reply(unsigned status, std::string body, HeaderList headers) {
  Choose(Answer::kReply);
  status_ = status;
  body_ = std::move(body);
  headers_ = std::move(headers);
}

std::shared_ptr<ResponseStream> ServerExchange::StartStream(unsigned status, HeaderList headers) {
  Choose(Answer::kStream);
  status_ = status;
  headers_ = std::move(headers);
  connection_->chunks.clear();
  connection_->ending = false;
  connection_->stream_done = false;
  stream_ = std::make_shared<ResponseStream>(connection_);
  return stream_;
}

void ServerExchange::Drop() { Choose(Answer::kDrop); }
void ServerExchange::Reset() { Choose(Answer::kReset); }
void ServerExchange::Hold() { Choose(Answer::kHold); }

HttpServer::HttpServer(asio::any_io_executor executor, Handler handler)
    : core_(std::make_shared<Core>()) {
  core_->executor = std::move(executor);
  core_->handler = std::move(handler);
}

HttpServer::~HttpServer() {
  core_->stopped = true;
  StopListening();
  CloseConnections();
  core_->handler = nullptr;
}

base::Status HttpServer::Listen(uint16_t port) {
  StopListening();
  auto acceptor = std::make_shared<tcp::acceptor>(core_->executor);
  const tcp::endpoint where(asio::ip::make_address_v4("127.0.0.1"), port);
  error_code ec;
  acceptor->open(where.protocol(), ec);
  // A restarted server must get its port back while old connections linger
  // in TIME_WAIT.
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(where, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return base::Status::Unavailable("cannot listen on 127.0.0.1:" + std::to_string(port) + ": " +
                                     ec.message());
  }
  core_->port = acceptor->local_endpoint().port();
  core_->acceptor = acceptor;
  asio::co_spawn(core_->executor, Core::Accept(core_, acceptor), asio::detached);
  return base::Status::Ok();
}

void HttpServer::StopListening() {
  if (!core_->acceptor) return;
  error_code ignored;
  core_->acceptor->close(ignored);
  core_->acceptor.reset();
}

void HttpServer::CloseConnections() {
  for (const auto& weak : core_->connections) {
    if (auto connection = weak.lock()) {
      connection->stream_done = true;
      connection->Close();
    }
  }
  core_->connections.clear();
}

bool HttpServer::listening() const { return core_->acceptor != nullptr; }
uint16_t HttpServer::port() const { return core_->port; }

}  // namespace net
