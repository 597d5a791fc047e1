#include "relay/syslog_address.h"

namespace relay {

namespace {

base::Status AddressError(std::string_view text, std::string_view problem) {
  return base::Status::Invalid("address " + std::string(text) + ": " + std::string(problem));
}

}  // namespace

std::string SyslogAddress::ToString() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + port;
  return host + ":" + port;
}

base::Result<SyslogAddress> ParseSyslogAddress(std::string_view text) {
  // net.SplitHostPort, step by step, with its messages.
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return AddressError(text, "missing port in address");
  std::string_view host;
  std::size_t no_open_from = 0;   // no '[' may follow this position
  std::size_t no_close_from = 0;  // nor a ']' this one
  if (text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return AddressError(text, "missing ']' in address");
    if (close + 1 == text.size()) return AddressError(text, "missing port in address");
    if (close + 1 != colon) {
      return AddressError(text, text[close + 1] == ':' ? "too many colons in address" : "missing port in address");
    }
    host = text.substr(1, close - 1);
    no_open_from = 1;
    no_close_from = close + 1;
  } else {
    host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos) return AddressError(text, "too many colons in address");
  }
  if (text.find('[', no_open_from) != std::string_view::npos) return AddressError(text, "unexpected '[' in address");
  if (text.find(']', no_close_from) != std::string_view::npos) return AddressError(text, "unexpected ']' in address");
  const std::string_view port = text.substr(colon + 1);
  // Go would take an empty port as port 0 and fail on every write.
  if (port.empty()) return AddressError(text, "missing port number");
  return SyslogAddress{std::string(host), std::string(port)};
}

}  // namespace relay
