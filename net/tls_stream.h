// TLS over an already connected TCP socket. Kept in its own translation unit
// so Asio's SSL headers (and OpenSSL's initialisation) stay out of every
// other file; nothing here runs unless a TLS endpoint is configured.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "net/byte_stream.h"

namespace net {

boost::asio::awaitable<base::Result<std::unique_ptr<ByteStream>>> StartTls(
    boost::asio::ip::tcp::socket socket, const TlsSettings& settings,
    const std::string& host, Deadline deadline);

}  // namespace net
