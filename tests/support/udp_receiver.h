// UdpReceiver: a real UDP socket on 127.0.0.1 (ephemeral port) that keeps
// what is sent to it in the kernel's queue until the test takes it, so a
// test reads the datagrams after the fact without a receive loop.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/udp.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace test {

class UdpReceiver {
 public:
  explicit UdpReceiver(boost::asio::any_io_executor executor);

  uint16_t port() const;
  std::string address() const;  // "127.0.0.1:<port>"

  // Every datagram that has arrived and was not taken yet, in order.
  std::vector<std::string> Take();

 private:
  boost::asio::ip::udp::socket socket_;
};

// A 127.0.0.1 port nothing listens on (bound once, then released), for a
// receiver that is not there.
uint16_t ClosedUdpPort();

}  // namespace test
