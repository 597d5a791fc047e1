// TLS over an already connected TCP socket.
//
// OpenSSL is not linked into the executor (see net/openssl_api.h: it would
// cost every executor ~560 KB although most never use TLS); the first call
// loads libssl.so.3. TLS runs over memory BIOs that this stream fills from
// and drains to the socket with the socket's own async operations, so
// deadlines (per-operation cancellation) work as on a plain socket.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "net/byte_stream.h"

namespace net {

// Handshakes (TLS 1.2 or newer) within `deadline`. `host` is what was
// connected to; the server's name is settings.server_name, or `host` when
// that is empty. Fails, not crashes, when libssl.so.3 cannot be loaded.
// The stream serves one operation at a time (a read or a write).
boost::asio::awaitable<base::Result<std::unique_ptr<ByteStream>>> StartTls(
    boost::asio::ip::tcp::socket socket, const TlsSettings& settings,
    const std::string& host, base::Deadline deadline);

}  // namespace net
