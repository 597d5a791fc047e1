// UdpSender: a connected, non-blocking UDP socket to the syslog receiver.
//
// Send() never waits. A datagram the kernel does not take at once (its
// buffer is full) or refuses (the receiver's port is closed: an ICMP
// port-unreachable for an earlier datagram is reported on a later send) is
// the caller's to drop and count. Datagrams lost after the kernel took them
// (a receiver too slow to read) cannot be seen from here.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>

#include "base/deadline.h"
#include "base/status.h"
#include "relay/syslog_address.h"

namespace relay {

class UdpSender {
 public:
  // Connects to `address`. An IP literal with a numeric port needs no
  // resolver (and no resolver thread); a name is resolved within `deadline`.
  static boost::asio::awaitable<base::Result<UdpSender>> Open(SyslogAddress address, base::Deadline deadline);

  // Hands `datagram` to the kernel; the error when it did not take it.
  boost::system::error_code Send(std::string_view datagram);

  // The connected peer, e.g. "127.0.0.1:514".
  const std::string& peer() const { return peer_; }

 private:
  UdpSender(boost::asio::ip::udp::socket socket, std::string peer);

  boost::asio::ip::udp::socket socket_;
  std::string peer_;
};

}  // namespace relay
