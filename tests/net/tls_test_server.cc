#include "tests/net/tls_test_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <vector>

namespace test {
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using asio::ip::tcp;
using SslStream = ssl::stream<tcp::socket>;

namespace {
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
}

struct TlsTestServer::State {
  State(asio::any_io_executor executor, const TlsServerOptions& options)
      : context(ssl::context::tls_server),
        acceptor(executor, tcp::endpoint(asio::ip::address_v4::loopback(), 0)),
        release(executor, asio::steady_timer::time_point::max()),
        stop(executor, asio::steady_timer::time_point::max()),
        port(acceptor.local_endpoint().port()) {
    context.use_certificate_chain_file(options.cert_file);
    context.use_private_key_file(options.key_file, ssl::context::pem);
    if (!options.client_ca_file.empty()) {
      context.load_verify_file(options.client_ca_file);
      context.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
    if (options.tls12_only) SSL_CTX_set_max_proto_version(context.native_handle(), TLS1_2_VERSION);
  }

  ssl::context context;
  tcp::acceptor acceptor;
  asio::steady_timer release;  // cancelled by ReleaseStreams()
  asio::steady_timer stop;     // cancelled by the destructor
  bool released = false;
  bool stopped = false;
  uint16_t port;
  int connections = 0;
  std::string server_name;
  std::vector<std::weak_ptr<SslStream>> streams;
};

namespace {

using State = TlsTestServer::State;

// Ends our side with a FIN and waits for the client to hang up, so that
// closing does not reset the connection under data (an alert) still unread.
asio::awaitable<void> Drain(tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  std::vector<char> sink(4096);
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(sink), kAwait);
    if (ec) co_return;
  }
}

asio::awaitable<bool> WriteChunk(SslStream& stream, std::string_view data) {
  const auto chunk = http::make_chunk(asio::buffer(data));
  auto [ec, n] = co_await asio::async_write(stream, chunk, kAwait);
  co_return !ec;
}

asio::awaitable<bool> Stream(State& state, SslStream& stream) {
  http::response<http::empty_body> head(http::status::ok, 11);
  head.chunked(true);
  http::response_serializer<http::empty_body> serializer(head);
  auto [head_ec, head_n] = co_await http::async_write_header(stream, serializer, kAwait);
  if (head_ec) co_return false;
  const bool first = co_await WriteChunk(stream, "first");
  if (!first) co_return false;
  while (!state.released && !state.stopped) {
    co_await state.release.async_wait(kAwait);
  }
  const bool second = co_await WriteChunk(stream, "second");
  if (!second) co_return false;
  const auto last = http::make_chunk_last();
  auto [last_ec, last_n] = co_await asio::async_write(stream, last, kAwait);
  co_return !last_ec;
}

// Answers one request; false when the connection is done.
asio::awaitable<bool> Answer(State& state, SslStream& stream,
                             const http::request<http::string_body>& request) {
  const std::string_view target = request.target();
  if (target == "/stream") co_return co_await Stream(state, stream);
  if (target == "/hold") {
    co_await state.stop.async_wait(kAwait);
    co_return false;
  }
  http::response<http::string_body> response(http::status::ok, 11);
  if (target == "/close" || target == "/truncate") {
    // No length: the body ends where the stream ends.
    response.keep_alive(false);
    response.body() = "bye";
    http::response_serializer<http::string_body> serializer(response);
    auto [write_ec, write_n] = co_await http::async_write(stream, serializer, kAwait);
    if (write_ec) co_return false;
    if (target == "/close") {
      co_await stream.async_shutdown(kAwait);  // close_notify; the client just hangs up
    } else {
      co_await Drain(stream.next_layer());  // FIN without close_notify
    }
    co_return false;
  }
  if (target == "/small") {
    response.body() = "hello over tls";
  } else if (target == "/large") {
    response.body() = LargeBody();
  } else if (target == "/echo") {
    response.body() = request.body();
  } else {
    response.result(http::status::not_found);
  }
  response.prepare_payload();
  auto [ec, n] = co_await http::async_write(stream, response, kAwait);
  co_return !ec;
}

asio::awaitable<void> Serve(std::shared_ptr<State> state, std::shared_ptr<SslStream> stream) {
  auto [handshake_ec] = co_await stream->async_handshake(ssl::stream_base::server, kAwait);
  if (handshake_ec) {
    co_await Drain(stream->next_layer());
    co_return;
  }
  const char* name = SSL_get_servername(stream->native_handle(), TLSEXT_NAMETYPE_host_name);
  state->server_name = name ? name : "";
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    auto [read_ec, read_n] = co_await http::async_read(*stream, buffer, parser, kAwait);
    if (read_ec) co_return;
    const bool more = co_await Answer(*state, *stream, parser.get());
    if (!more) co_return;
  }
}

asio::awaitable<void> Accept(std::shared_ptr<State> state) {
  for (;;) {
    auto [ec, socket] = co_await state->acceptor.async_accept(kAwait);
    if (ec || state->stopped) co_return;
    ++state->connections;
    auto stream = std::make_shared<SslStream>(std::move(socket), state->context);
    state->streams.push_back(stream);
    asio::co_spawn(state->acceptor.get_executor(), Serve(state, stream), asio::detached);
  }
}

}  // namespace

std::string LargeBody() {
  std::string body(1536 * 1024, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + (i * 7 + i / 4093) % 26);
  return body;
}

TlsTestServer::TlsTestServer(asio::any_io_executor executor, const TlsServerOptions& options)
    : state_(std::make_shared<State>(executor, options)) {
  asio::co_spawn(executor, Accept(state_), asio::detached);
}

TlsTestServer::~TlsTestServer() {
  state_->stopped = true;
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
  state_->release.cancel();
  state_->stop.cancel();
  for (const auto& weak : state_->streams) {
    if (auto stream = weak.lock()) stream->next_layer().close(ignored);
  }
}

net::Endpoint TlsTestServer::endpoint(const net::TlsSettings& tls) const {
  net::Endpoint endpoint = net::Endpoint::Tcp("127.0.0.1", state_->port);
  endpoint.tls = tls;
  return endpoint;
}

int TlsTestServer::connections() const { return state_->connections; }
std::string TlsTestServer::server_name() const { return state_->server_name; }

void TlsTestServer::ReleaseStreams() {
  state_->released = true;
  state_->release.cancel();
}

}  // namespace test
