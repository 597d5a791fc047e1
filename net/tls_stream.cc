#include "net/tls_stream.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>

namespace net {
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using asio::ip::tcp;

namespace {

class TlsStream final : public ByteStream {
 public:
  TlsStream(std::unique_ptr<ssl::context> context, tcp::socket socket)
      : context_(std::move(context)), stream_(std::move(socket), *context_) {}

  ssl::stream<tcp::socket>& stream() { return stream_; }

  executor_type get_executor() override { return stream_.get_executor(); }
  void ReadSome(asio::mutable_buffer buffer, IoHandler handler) override {
    stream_.async_read_some(buffer, std::move(handler));
  }
  void WriteSome(asio::const_buffer buffer, IoHandler handler) override {
    stream_.async_write_some(buffer, std::move(handler));
  }
  void Close() override {
    ErrorCode ignored;
    stream_.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.lowest_layer().close(ignored);
  }

 private:
  std::unique_ptr<ssl::context> context_;  // must outlive stream_
  ssl::stream<tcp::socket> stream_;
};

base::Result<std::unique_ptr<ssl::context>> MakeContext(const TlsSettings& settings) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3);
  ErrorCode ec;
  auto fail = [&](const std::string& what, const std::string& file) {
    return base::Status::Invalid("TLS: cannot load " + what + " '" + file + "': " + ec.message());
  };
  if (!settings.ca_file.empty()) {
    context->load_verify_file(settings.ca_file, ec);
    if (ec) return fail("CA file", settings.ca_file);
  }
  if (!settings.ca_path.empty()) {
    context->add_verify_path(settings.ca_path, ec);
    if (ec) return fail("CA path", settings.ca_path);
  }
  if (settings.ca_file.empty() && settings.ca_path.empty()) {
    context->set_default_verify_paths(ec);
    if (ec) return fail("system CA store", "default");
  }
  if (!settings.cert_file.empty()) {
    context->use_certificate_chain_file(settings.cert_file, ec);
    if (ec) return fail("client certificate", settings.cert_file);
    context->use_private_key_file(settings.key_file, ssl::context::pem, ec);
    if (ec) return fail("client key", settings.key_file);
  }
  context->set_verify_mode(settings.verify ? ssl::verify_peer : ssl::verify_none);
  return context;
}

}  // namespace

asio::awaitable<base::Result<std::unique_ptr<ByteStream>>> StartTls(tcp::socket socket,
                                                                    const TlsSettings& settings,
                                                                    const std::string& host,
                                                                    Deadline deadline) {
  base::Result<std::unique_ptr<ssl::context>> context = MakeContext(settings);
  if (!context.ok()) co_return context.status();
  auto tls = std::make_unique<TlsStream>(std::move(context).value(), std::move(socket));
  const std::string& server_name = settings.server_name.empty() ? host : settings.server_name;
  // SNI must not carry an IP literal; name verification handles both forms.
  ErrorCode address_ec;
  asio::ip::make_address(server_name, address_ec);
  if (address_ec) SSL_set_tlsext_host_name(tls->stream().native_handle(), server_name.c_str());
  if (settings.verify) tls->stream().set_verify_callback(ssl::host_name_verification(server_name));

  auto handshake = [&]() -> asio::awaitable<ErrorCode> {
    auto [ec] = co_await tls->stream().async_handshake(ssl::stream_base::client,
                                                       asio::as_tuple(asio::use_awaitable));
    co_return ec;
  };
  std::optional<ErrorCode> ec = co_await WithDeadline(handshake(), deadline);
  if (!ec) co_return base::Status::Timeout("TLS handshake with " + host + " timed out");
  if (*ec) co_return base::Status::Unavailable("TLS handshake with " + host + ": " + ec->message());
  co_return std::unique_ptr<ByteStream>(std::move(tls));
}

}  // namespace net
