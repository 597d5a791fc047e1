// ByteStream: one connected byte stream (TCP, Unix socket or TLS over TCP)
// behind a small virtual interface, so the HTTP code is written once and the
// TLS implementation (and OpenSSL) is only touched when a TLS peer is used.
//
// It satisfies Asio's AsyncReadStream/AsyncWriteStream requirements, so
// Beast's HTTP algorithms run on it directly. Per-operation cancellation is
// forwarded to the underlying socket operations.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>

#include <memory>

#include "base/deadline.h"
#include "base/status.h"
#include "net/endpoint.h"

namespace net {

using ErrorCode = boost::system::error_code;
using IoHandler = boost::asio::any_completion_handler<void(ErrorCode, std::size_t)>;

class ByteStream {
 public:
  using executor_type = boost::asio::any_io_executor;

  virtual ~ByteStream() = default;
  virtual executor_type get_executor() = 0;
  virtual void ReadSome(boost::asio::mutable_buffer buffer, IoHandler handler) = 0;
  virtual void WriteSome(boost::asio::const_buffer buffer, IoHandler handler) = 0;
  // Closes the connection; pending operations complete with an error.
  virtual void Close() = 0;

  template <typename MutableBuffers, typename Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(ErrorCode, std::size_t)>(
        [this](auto handler, boost::asio::mutable_buffer first) {
          ReadSome(first, std::move(handler));
        },
        token, FirstNonEmpty<boost::asio::mutable_buffer>(buffers));
  }

  template <typename ConstBuffers, typename Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(ErrorCode, std::size_t)>(
        [this](auto handler, boost::asio::const_buffer first) {
          WriteSome(first, std::move(handler));
        },
        token, FirstNonEmpty<boost::asio::const_buffer>(buffers));
  }

 private:
  // A partial read or write is always allowed, so handling only the first
  // non-empty buffer of a sequence keeps the virtual interface to one buffer.
  template <typename Buffer, typename Buffers>
  static Buffer FirstNonEmpty(const Buffers& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      Buffer b(*it);
      if (b.size() != 0) return b;
    }
    return Buffer();
  }
};

// Connects to `endpoint` (resolving names, TLS handshake when configured).
boost::asio::awaitable<base::Result<std::unique_ptr<ByteStream>>> ConnectByteStream(
    const Endpoint& endpoint, base::Deadline deadline);

}  // namespace net
