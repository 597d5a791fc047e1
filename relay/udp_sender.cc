#include "relay/udp_sender.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <optional>
#include <vector>

namespace relay {

namespace asio = boost::asio;
using asio::ip::udp;
using ErrorCode = boost::system::error_code;

namespace {

std::optional<uint16_t> NumericPort(std::string_view port) {
  uint16_t value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (error != std::errc() || end != port.data() + port.size()) return std::nullopt;
  return value;
}

// Where `address` points: itself for an IP literal with a numeric port,
// else what the resolver says.
asio::awaitable<base::Result<std::vector<udp::endpoint>>> Endpoints(const SyslogAddress& address,
                                                                    base::Deadline deadline) {
  // Go dials the local system for an empty host.
  const std::string host = address.host.empty() ? "127.0.0.1" : address.host;
  ErrorCode literal_error;
  const asio::ip::address ip = asio::ip::make_address(host, literal_error);
  const std::optional<uint16_t> port = NumericPort(address.port);
  if (!literal_error && port) {
    std::vector<udp::endpoint> literal(1, udp::endpoint(ip, *port));
    co_return literal;
  }
  const auto executor = co_await asio::this_coro::executor;
  udp::resolver resolver(executor);
  auto resolve = [&]() -> asio::awaitable<base::Result<std::vector<udp::endpoint>>> {
    auto [error, results] = co_await resolver.async_resolve(host, address.port, asio::as_tuple(asio::use_awaitable));
    if (error) co_return base::Status::Unavailable("cannot resolve " + address.ToString() + ": " + error.message());
    std::vector<udp::endpoint> endpoints;
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    co_return endpoints;
  };
  std::optional<base::Result<std::vector<udp::endpoint>>> resolved = co_await base::WithDeadline(resolve(), deadline);
  if (!resolved) co_return base::Status::Timeout("cannot resolve " + address.ToString() + ": no answer in time");
  co_return std::move(*resolved);
}

}  // namespace

UdpSender::UdpSender(udp::socket socket, std::string peer) : socket_(std::move(socket)), peer_(std::move(peer)) {}

asio::awaitable<base::Result<UdpSender>> UdpSender::Open(SyslogAddress address, base::Deadline deadline) {
  base::Result<std::vector<udp::endpoint>> endpoints = co_await Endpoints(address, deadline);
  if (!endpoints.ok()) co_return endpoints.status();
  const auto executor = co_await asio::this_coro::executor;
  udp::socket socket(executor);
  ErrorCode error = asio::error::host_not_found;
  // Go's Dial takes the first address it can connect to; for UDP a connect
  // only fixes the peer, nothing goes on the wire.
  for (const udp::endpoint& endpoint : *endpoints) {
    ErrorCode ignored;
    if (socket.is_open()) socket.close(ignored);
    socket.open(endpoint.protocol(), error);
    if (!error) socket.connect(endpoint, error);
    if (!error) socket.non_blocking(true, error);
    if (error) continue;
    const SyslogAddress peer{endpoint.address().to_string(), std::to_string(endpoint.port())};
    co_return UdpSender(std::move(socket), peer.ToString());
  }
  co_return base::Status::Unavailable("cannot connect a UDP socket to " + address.ToString() + ": " + error.message());
}

ErrorCode UdpSender::Send(std::string_view datagram) {
  ErrorCode error;
  socket_.send(asio::buffer(datagram.data(), datagram.size()), 0, error);
  return error;
}

}  // namespace relay
