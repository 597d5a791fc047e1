#include "tests/support/udp_receiver.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>

namespace test {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {
// Enough for every datagram a test sends between two reads. Forced past
// net.core.rmem_max when the tests run as root (they do, for Docker).
constexpr int kReceiveBuffer = 16 * 1024 * 1024;
using ForcedReceiveBuffer = asio::detail::socket_option::integer<SOL_SOCKET, SO_RCVBUFFORCE>;
constexpr std::size_t kMaxDatagram = 64 * 1024;
}  // namespace

UdpReceiver::UdpReceiver(asio::any_io_executor executor)
    : socket_(executor, udp::endpoint(asio::ip::address_v4::loopback(), 0)) {
  boost::system::error_code not_root;
  socket_.set_option(ForcedReceiveBuffer(kReceiveBuffer), not_root);
  if (not_root) socket_.set_option(asio::socket_base::receive_buffer_size(kReceiveBuffer));
  socket_.non_blocking(true);
}

uint16_t UdpReceiver::port() const { return socket_.local_endpoint().port(); }

std::string UdpReceiver::address() const { return "127.0.0.1:" + std::to_string(port()); }

std::vector<std::string> UdpReceiver::Take() {
  std::vector<std::string> datagrams;
  std::string buffer(kMaxDatagram, '\0');
  for (;;) {
    boost::system::error_code error;
    const std::size_t size = socket_.receive(asio::buffer(buffer), 0, error);
    if (error) break;  // would_block: the queue is empty
    datagrams.emplace_back(buffer.data(), size);
  }
  return datagrams;
}

uint16_t ClosedUdpPort() {
  asio::io_context io;
  udp::socket socket(io, udp::endpoint(asio::ip::address_v4::loopback(), 0));
  return socket.local_endpoint().port();
}

}  // namespace test
