#include "net/byte_stream.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/tls_stream.h"

namespace net {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

template <typename Socket>
class SocketStream final : public ByteStream {
 public:
  explicit SocketStream(Socket socket) : socket_(std::move(socket)) {}
  executor_type get_executor() override { return socket_.get_executor(); }
  void ReadSome(asio::mutable_buffer buffer, IoHandler handler) override {
    socket_.async_read_some(buffer, std::move(handler));
  }
  void WriteSome(asio::const_buffer buffer, IoHandler handler) override {
    socket_.async_write_some(buffer, std::move(handler));
  }
  void Close() override {
    ErrorCode ignored;
    socket_.shutdown(Socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  Socket socket_;
};

base::Status ConnectError(const Endpoint& endpoint, const ErrorCode& ec) {
  std::string message = "cannot connect to " + endpoint.ToString() + ": " + ec.message();
  return base::Status::Unavailable(std::move(message));
}

base::Status ConnectTimeout(const Endpoint& endpoint) {
  return base::Status::Timeout("cannot connect to " + endpoint.ToString() + ": timed out");
}

asio::awaitable<base::Result<std::unique_ptr<ByteStream>>> ConnectUnix(const Endpoint& endpoint,
                                                                       base::Deadline deadline) {
  using Protocol = asio::local::stream_protocol;
  Protocol::socket socket(co_await asio::this_coro::executor);
  auto connect = [&]() -> asio::awaitable<ErrorCode> {
    auto [ec] = co_await socket.async_connect(Protocol::endpoint(endpoint.path),
                                              asio::as_tuple(asio::use_awaitable));
    co_return ec;
  };
  std::optional<ErrorCode> ec = co_await base::WithDeadline(connect(), deadline);
  if (!ec) co_return ConnectTimeout(endpoint);
  if (*ec) co_return ConnectError(endpoint, *ec);
  co_return std::make_unique<SocketStream<Protocol::socket>>(std::move(socket));
}

asio::awaitable<base::Result<tcp::socket>> ConnectTcpSocket(const Endpoint& endpoint,
                                                            base::Deadline deadline) {
  auto executor = co_await asio::this_coro::executor;
  tcp::socket socket(executor);
  auto connect = [&]() -> asio::awaitable<ErrorCode> {
    ErrorCode ec;
    const auto address = asio::ip::make_address(endpoint.host, ec);
    if (!ec) {
      // An IP literal needs no resolver (and no resolver thread).
      auto [connect_ec] = co_await socket.async_connect(tcp::endpoint(address, endpoint.port),
                                                        asio::as_tuple(asio::use_awaitable));
      co_return connect_ec;
    }
    tcp::resolver resolver(executor);
    auto [resolve_ec, results] = co_await resolver.async_resolve(
        endpoint.host, std::to_string(endpoint.port), asio::as_tuple(asio::use_awaitable));
    if (resolve_ec) co_return resolve_ec;
    auto [connect_ec, ignored] =
        co_await asio::async_connect(socket, results, asio::as_tuple(asio::use_awaitable));
    co_return connect_ec;
  };
  std::optional<ErrorCode> ec = co_await base::WithDeadline(connect(), deadline);
  if (!ec) co_return ConnectTimeout(endpoint);
  if (*ec) co_return ConnectError(endpoint, *ec);
  socket.set_option(tcp::no_delay(true));
  co_return std::move(socket);
}

}  // namespace

asio::awaitable<base::Result<std::unique_ptr<ByteStream>>> ConnectByteStream(
    const Endpoint& endpoint, base::Deadline deadline) {
  if (endpoint.transport == Endpoint::Transport::kUnix) {
    co_return co_await ConnectUnix(endpoint, deadline);
  }
  base::Result<tcp::socket> socket = co_await ConnectTcpSocket(endpoint, deadline);
  if (!socket.ok()) co_return socket.status();
  if (endpoint.tls) {
    co_return co_await StartTls(std::move(socket).value(), *endpoint.tls, endpoint.host, deadline);
  }
  co_return std::make_unique<SocketStream<tcp::socket>>(std::move(socket).value());
}

}  // namespace net
