// EXECUTOR_SYSLOG_ADDR, read as upstream's net.Dial("udp", addr) read it:
// host and port split by Go's net.SplitHostPort rules ("[::1]:514" for an
// IPv6 host), the port a number or a service name, an empty host meaning
// this machine.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace relay {

struct SyslogAddress {
  std::string host;  // without brackets; "" = this machine
  std::string port;  // "514" or a service name ("syslog")

  // host:port again, bracketed for IPv6, for log lines.
  std::string ToString() const;
};

// Invalid, with Go's words for what is wrong ("missing port in address"),
// when `text` is no host:port.
base::Result<SyslogAddress> ParseSyslogAddress(std::string_view text);

}  // namespace relay
