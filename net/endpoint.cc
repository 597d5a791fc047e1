#include "net/endpoint.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>

namespace net {

Endpoint Endpoint::Unix(std::string path) {
  Endpoint e;
  e.transport = Transport::kUnix;
  e.path = std::move(path);
  return e;
}

Endpoint Endpoint::Tcp(std::string host, uint16_t port) {
  Endpoint e;
  e.transport = Transport::kTcp;
  e.host = std::move(host);
  e.port = port;
  return e;
}

static std::string BracketedHost(const std::string& host) {
  if (host.find(':') != std::string::npos) return "[" + host + "]";
  return host;
}

std::string Endpoint::HostHeader() const {
  if (transport == Transport::kUnix) return "localhost";
  return BracketedHost(host) + ":" + std::to_string(port);
}

std::string Endpoint::ToString() const {
  if (transport == Transport::kUnix) return "unix://" + path;
  return std::string(tls ? "https://" : "http://") + HostHeader();
}

base::Result<HttpUrl> ParseHttpUrl(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) {
    return base::Status::Invalid("'" + std::string(text) + "' is not a URL (" +
                                 parsed.error().message() + ")");
  }
  const boost::urls::url_view& url = *parsed;
  const std::string scheme = url.scheme();
  if (scheme != "http" && scheme != "https") {
    return base::Status::Invalid("'" + std::string(text) + "': scheme must be http or https");
  }
  std::string host = url.host_address();
  if (host.empty()) {
    return base::Status::Invalid("'" + std::string(text) + "' has no host");
  }
  uint16_t port = scheme == "https" ? 443 : 80;
  if (url.has_port()) {
    const std::string_view port_text = url.port();
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return base::Status::Invalid("'" + std::string(text) + "' has an invalid port");
    }
    port = static_cast<uint16_t>(value);
  }
  HttpUrl result{Endpoint::Tcp(std::move(host), port), std::string(url.encoded_target())};
  if (result.target.empty()) result.target = "/";
  if (scheme == "https") result.endpoint.tls = TlsSettings{};
  return result;
}

}  // namespace net
