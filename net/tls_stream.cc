#include "net/tls_stream.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <vector>

#include "net/openssl_api.h"

namespace net {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// A TLS record carries at most 16 KiB of data; reading and writing in
// record-sized pieces keeps each connection's buffers that small.
constexpr std::size_t kRecordSize = 16 * 1024;

// OpenSSL's packed error codes as ErrorCodes, so a TLS failure reads like any
// other I/O error ("certificate verify failed").
class OpenSslCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "openssl"; }
  std::string message(int code) const override {
    const base::Result<const OpenSslApi*> api = OpenSsl();  // loaded: it made the code
    const char* reason =
        api.ok() ? (*api)->ERR_reason_error_string(static_cast<unsigned int>(code)) : nullptr;
    return reason ? reason : "OpenSSL error " + std::to_string(code);
  }
};

// Takes the first error off OpenSSL's queue: the cause, before the errors of
// the callers that passed it up.
ErrorCode TakeError(const OpenSslApi& api) {
  static const OpenSslCategory category;
  const unsigned long error = api.ERR_get_error();
  api.ERR_clear_error();
  if (error == 0) return make_error_code(boost::system::errc::protocol_error);
  if (ERR_SYSTEM_ERROR(error)) return ErrorCode(ERR_GET_REASON(error), boost::system::system_category());
  return ErrorCode(static_cast<int>(error), category);
}

using SslPtr = std::unique_ptr<SSL, decltype(OpenSslApi::SSL_free)>;

// What an OpenSSL call needs before it can go on.
struct Outcome {
  enum class Next { kDone, kInput, kRetryAfterOutput } next = Next::kDone;
  ErrorCode error;
  std::size_t bytes = 0;
};

class TlsStream final : public ByteStream {
 public:
  // `input` and `output` are `ssl`'s memory BIOs (owned by it).
  TlsStream(const OpenSslApi& api, tcp::socket socket, SslPtr ssl, BIO* input, BIO* output)
      : api_(api), socket_(std::move(socket)), ssl_(std::move(ssl)), input_bio_(input),
        output_bio_(output), input_(kRecordSize) {}

  SSL* ssl() const { return ssl_.get(); }

  // Runs an SSL_* call (handshake, read or write) until it is done, carrying
  // ciphertext between the BIOs and the socket as it asks.
  template <typename Call, typename Token>
  auto Run(Call call, Token&& token) {
    return asio::async_compose<Token, void(ErrorCode, std::size_t)>(
        Operation<Call>{*this, std::move(call)}, token, socket_);
  }

  executor_type get_executor() override { return socket_.get_executor(); }
  void ReadSome(asio::mutable_buffer buffer, IoHandler handler) override {
    auto read = [this, buffer](std::size_t& bytes) {
      if (buffer.size() == 0) return 1;
      return api_.SSL_read_ex(ssl(), buffer.data(), buffer.size(), &bytes);
    };
    Run(read, std::move(handler));
  }
  void WriteSome(asio::const_buffer buffer, IoHandler handler) override {
    auto write = [this, buffer](std::size_t& bytes) {
      if (buffer.size() == 0) return 1;
      return api_.SSL_write_ex(ssl(), buffer.data(), std::min(buffer.size(), kRecordSize), &bytes);
    };
    Run(write, std::move(handler));
  }
  void Close() override {
    ErrorCode ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  template <typename Call>
  struct Operation {
    TlsStream& stream;
    Call call;
    enum class Step { kStart, kWrote, kRead, kPosted } step = Step::kStart;
    Outcome outcome;
    bool waited = false;  // a socket operation ran: we are no longer inside the initiation

    template <typename Self>
    void operator()(Self& self, ErrorCode error = {}, std::size_t transferred = 0) {
      switch (step) {
        case Step::kStart:
          // Any cancellation reaches the socket operations, as on a plain socket.
          self.reset_cancellation_state(asio::enable_total_cancellation());
          outcome = stream.Attempt(call);
          break;
        case Step::kWrote:
          if (error) return self.complete(error, 0);
          if (outcome.next == Outcome::Next::kRetryAfterOutput) outcome = stream.Attempt(call);
          break;
        case Step::kRead:
          if (error && error != asio::error::eof) return self.complete(error, 0);
          stream.Received(transferred, error == asio::error::eof);
          outcome = stream.Attempt(call);
          break;
        case Step::kPosted:
          return self.complete(outcome.error, outcome.bytes);
      }
      const bool more_io = stream.HasOutput() || outcome.next == Outcome::Next::kInput;
      if (more_io && self.cancelled() != asio::cancellation_type::none) {
        return self.complete(asio::error::operation_aborted, 0);  // asked to stop between steps
      }
      if (stream.HasOutput()) {
        step = Step::kWrote;
        waited = true;
        return asio::async_write(stream.socket_, stream.TakeOutput(), std::move(self));
      }
      if (outcome.next == Outcome::Next::kInput) {
        step = Step::kRead;
        waited = true;
        return stream.socket_.async_read_some(asio::buffer(stream.input_), std::move(self));
      }
      if (waited) return self.complete(outcome.error, outcome.bytes);
      // Done without any I/O (data was buffered): complete from the executor,
      // never inside the initiating call.
      step = Step::kPosted;
      asio::post(stream.socket_.get_executor(), std::move(self));
    }
  };

  template <typename Call>
  Outcome Attempt(Call& call) {
    api_.ERR_clear_error();
    std::size_t bytes = 0;
    const int result = call(bytes);
    if (result > 0) return Outcome{Outcome::Next::kDone, {}, bytes};
    switch (api_.SSL_get_error(ssl(), result)) {
      case SSL_ERROR_WANT_READ:
        if (input_closed_) break;  // OpenSSL reports the unexpected end itself
        return Outcome{Outcome::Next::kInput};
      case SSL_ERROR_WANT_WRITE:  // memory BIOs take any output, but be safe
        if (!HasOutput()) break;
        return Outcome{Outcome::Next::kRetryAfterOutput};
      case SSL_ERROR_ZERO_RETURN:  // the peer's close_notify
        return Outcome{Outcome::Next::kDone, asio::error::eof};
    }
    return Outcome{Outcome::Next::kDone, TakeError(api_)};
  }

  void Received(std::size_t bytes, bool end) {
    if (bytes > 0) api_.BIO_write(input_bio_, input_.data(), static_cast<int>(bytes));
    if (!end) return;
    input_closed_ = true;
    // An empty input BIO now reads as end of stream instead of "retry later".
    api_.BIO_ctrl(input_bio_, BIO_C_SET_BUF_MEM_EOF_RETURN, 0, nullptr);
  }

  bool HasOutput() const { return api_.BIO_ctrl(output_bio_, BIO_CTRL_PENDING, 0, nullptr) > 0; }

  asio::const_buffer TakeOutput() {
    output_.resize(api_.BIO_ctrl(output_bio_, BIO_CTRL_PENDING, 0, nullptr));
    const int taken = api_.BIO_read(output_bio_, output_.data(), static_cast<int>(output_.size()));
    return asio::buffer(output_.data(), taken > 0 ? taken : 0);
  }

  const OpenSslApi& api_;
  tcp::socket socket_;
  SslPtr ssl_;
  BIO* input_bio_;   // ciphertext from the socket, read by OpenSSL
  BIO* output_bio_;  // ciphertext from OpenSSL, for the socket
  std::vector<unsigned char> input_;
  std::vector<unsigned char> output_;
  bool input_closed_ = false;
};

bool IsIpLiteral(const std::string& host) {
  ErrorCode ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// One client connection, configured from `settings`, not yet handshaken.
base::Result<std::unique_ptr<TlsStream>> NewTlsStream(const OpenSslApi& api, tcp::socket& socket,
                                                      const TlsSettings& settings,
                                                      const std::string& server_name) {
  api.ERR_clear_error();
  auto fail = [&api](const std::string& what) {
    return base::Status::Invalid("TLS: " + what + ": " + TakeError(api).message());
  };
  // Each connection has its own context; the SSL keeps a reference to it.
  std::unique_ptr<SSL_CTX, decltype(api.SSL_CTX_free)> context(api.SSL_CTX_new(api.TLS_client_method()),
                                                               api.SSL_CTX_free);
  if (!context) return fail("cannot create a context");
  SSL_CTX* ctx = context.get();
  if (!settings.ca_file.empty() &&
      api.SSL_CTX_load_verify_locations(ctx, settings.ca_file.c_str(), nullptr) != 1) {
    return fail("cannot load CA file '" + settings.ca_file + "'");
  }
  if (!settings.ca_path.empty() &&
      api.SSL_CTX_load_verify_locations(ctx, nullptr, settings.ca_path.c_str()) != 1) {
    return fail("cannot load CA path '" + settings.ca_path + "'");
  }
  if (settings.ca_file.empty() && settings.ca_path.empty() &&
      api.SSL_CTX_set_default_verify_paths(ctx) != 1) {
    return fail("cannot load the system CA store");
  }
  if (!settings.cert_file.empty()) {
    if (api.SSL_CTX_use_certificate_chain_file(ctx, settings.cert_file.c_str()) != 1) {
      return fail("cannot load client certificate '" + settings.cert_file + "'");
    }
    if (api.SSL_CTX_use_PrivateKey_file(ctx, settings.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      return fail("cannot load client key '" + settings.key_file + "'");
    }
  }
  api.SSL_CTX_set_verify(ctx, settings.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);

  SslPtr ssl(api.SSL_new(ctx), api.SSL_free);
  if (!ssl) return fail("cannot create a connection");
  api.SSL_ctrl(ssl.get(), SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, nullptr);
  // Idle connections give their record buffers back.
  api.SSL_ctrl(ssl.get(), SSL_CTRL_MODE, SSL_MODE_RELEASE_BUFFERS, nullptr);
  const bool ip = IsIpLiteral(server_name);
  char* name = const_cast<char*>(server_name.c_str());
  // SNI carries DNS names only (RFC 6066).
  if (!ip && api.SSL_ctrl(ssl.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, name) != 1) {
    return fail("invalid server name '" + server_name + "'");
  }
  if (settings.verify) {
    const int checked = ip ? api.X509_VERIFY_PARAM_set1_ip_asc(api.SSL_get0_param(ssl.get()), name)
                           : api.SSL_set1_host(ssl.get(), name);
    if (checked != 1) return fail("cannot verify against '" + server_name + "'");
  }

  BIO* input = api.BIO_new(api.BIO_s_mem());
  BIO* output = api.BIO_new(api.BIO_s_mem());
  api.SSL_set_bio(ssl.get(), input, output);  // owned by the SSL from here, even when null
  if (!input || !output) return fail("cannot create buffers");
  // An empty input BIO means "wait for the socket", not end of stream.
  api.BIO_ctrl(input, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nullptr);
  api.SSL_set_connect_state(ssl.get());
  return std::make_unique<TlsStream>(api, std::move(socket), std::move(ssl), input, output);
}

}  // namespace

asio::awaitable<base::Result<std::unique_ptr<ByteStream>>> StartTls(tcp::socket socket,
                                                                    const TlsSettings& settings,
                                                                    const std::string& host,
                                                                    base::Deadline deadline) {
  const base::Result<const OpenSslApi*> loaded = OpenSsl();
  if (!loaded.ok()) {
    co_return base::Status::Failed("TLS is configured for " + host + " but " + loaded.status().message());
  }
  const OpenSslApi& api = **loaded;
  const std::string& server_name = settings.server_name.empty() ? host : settings.server_name;
  base::Result<std::unique_ptr<TlsStream>> tls = NewTlsStream(api, socket, settings, server_name);
  if (!tls.ok()) co_return tls.status();
  TlsStream& stream = **tls;

  auto handshake = [&]() -> asio::awaitable<ErrorCode> {
    auto call = [&](std::size_t&) { return api.SSL_do_handshake(stream.ssl()); };
    auto [ec, n] = co_await stream.Run(call, asio::as_tuple(asio::use_awaitable));
    co_return ec;
  };
  std::optional<ErrorCode> ec = co_await base::WithDeadline(handshake(), deadline);
  if (!ec) co_return base::Status::Timeout("TLS handshake with " + host + " timed out");
  if (*ec) {
    std::string message = "TLS handshake with " + host + ": " + ec->message();
    const long verified = api.SSL_get_verify_result(stream.ssl());
    if (verified != X509_V_OK) message += std::string(": ") + api.X509_verify_cert_error_string(verified);
    co_return base::Status::Unavailable(std::move(message));
  }
  co_return std::unique_ptr<ByteStream>(std::move(tls).value());
}

}  // namespace net
