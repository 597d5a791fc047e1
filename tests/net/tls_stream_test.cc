// net/tls_stream (TLS over dlopen'ed OpenSSL) through the HTTP client, against
// an in-process HTTPS server on boost::asio::ssl with certificates made here.
#include "net/tls_stream.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "net/http_client.h"
#include "tests/net/test_pki.h"
#include "tests/net/tls_test_server.h"
#include "tests/support/coroutine_test.h"

namespace net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::TlsServerOptions;
using test::TlsTestServer;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

Request Get(std::string target) {
  Request request;
  request.target = std::move(target);
  return request;
}

class TlsStreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string dir = (std::filesystem::temp_directory_path() / "tls_stream_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    pki_ = test::WriteTestPki(dir_);
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static TlsServerOptions Server() {
    TlsServerOptions options;
    options.cert_file = pki_.server_cert_file;
    options.key_file = pki_.server_key_file;
    return options;
  }
  static TlsServerOptions ServerRequiringClientCert(bool tls12_only) {
    TlsServerOptions options = Server();
    options.client_ca_file = pki_.ca_file;
    options.tls12_only = tls12_only;
    return options;
  }
  // Trusts the test CA only; the name checked is the endpoint's host.
  static TlsSettings Trusting() {
    TlsSettings tls;
    tls.ca_file = pki_.ca_file;
    return tls;
  }
  static TlsSettings WithClientCert() {
    TlsSettings tls = Trusting();
    tls.cert_file = pki_.client_cert_file;
    tls.key_file = pki_.client_key_file;
    return tls;
  }

  // One GET on a fresh connection to a server with `options`; `sni` gets
  // the name the server saw.
  static base::Result<Response> FetchFrom(const TlsServerOptions& options, const TlsSettings& tls,
                                          std::string target = "/small", std::string* sni = nullptr) {
    std::optional<base::Result<Response>> result;
    test::RunCoroutine([&](asio::any_io_executor executor) -> asio::awaitable<void> {
      TlsTestServer server(executor, options);
      auto fetched = co_await Fetch(server.endpoint(tls), Get(target), base::After(10s));
      result = std::move(fetched);
      if (sni) *sni = server.server_name();
    });
    if (!result) return base::Status::Failed("the exchange did not finish");
    return *result;
  }

  static inline std::string dir_;
  static inline test::TestPki pki_;
};

TEST_F(TlsStreamTest, GetsSmallAndLargeBodies) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    TlsTestServer server(executor, Server());
    auto connection = co_await HttpConnection::Connect(server.endpoint(Trusting()), base::After(10s));
    CO_ASSERT_OK(connection);
    auto small = co_await (*connection)->Send(Get("/small"), base::After(10s));
    CO_ASSERT_OK(small);
    EXPECT_EQ(small->status, 200u);
    EXPECT_EQ(small->body, "hello over tls");
    auto large = co_await (*connection)->Send(Get("/large"), base::After(10s));
    CO_ASSERT_OK(large);
    EXPECT_EQ(large->body.size(), test::LargeBody().size());
    EXPECT_TRUE(large->body == test::LargeBody());
    // Both went over one kept-alive connection.
    EXPECT_TRUE((*connection)->is_open());
    EXPECT_EQ(server.connections(), 1);
  });
}

TEST_F(TlsStreamTest, PostsALargeBody) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    TlsTestServer server(executor, Server());
    Request request = Get("/echo");
    request.method = http::verb::post;
    request.body = test::LargeBody();
    auto response = co_await Fetch(server.endpoint(Trusting()), request, base::After(10s));
    CO_ASSERT_OK(response);
    EXPECT_TRUE(response->body == request.body);
  });
}

TEST_F(TlsStreamTest, WorksOverTls12) {
  TlsServerOptions options = Server();
  options.tls12_only = true;
  const base::Result<Response> small = FetchFrom(options, Trusting());
  ASSERT_TRUE(small.ok()) << small.status().message();
  EXPECT_EQ(small->body, "hello over tls");
  const base::Result<Response> large = FetchFrom(options, Trusting(), "/large");
  ASSERT_TRUE(large.ok()) << large.status().message();
  EXPECT_TRUE(large->body == test::LargeBody());
}

TEST_F(TlsStreamTest, ReadsAChunkedStreamAsItArrives) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    TlsTestServer server(executor, Server());
    auto connection = co_await HttpConnection::Connect(server.endpoint(Trusting()), base::After(10s));
    CO_ASSERT_OK(connection);
    auto head = co_await (*connection)->SendStreaming(Get("/stream"), base::After(10s));
    CO_ASSERT_OK(head);
    EXPECT_EQ(head->status, 200u);
    auto first = co_await (*connection)->ReadSome(base::After(10s));
    CO_ASSERT_OK(first);
    EXPECT_EQ(*first, "first");
    // "second" exists only once the server is released.
    server.ReleaseStreams();
    std::string rest;
    for (;;) {
      auto piece = co_await (*connection)->ReadSome(base::After(10s));
      CO_ASSERT_OK(piece);
      if (piece->empty()) break;
      rest += *piece;
    }
    EXPECT_EQ(rest, "second");
    // The connection serves the next request.
    auto after = co_await (*connection)->Send(Get("/small"), base::After(10s));
    CO_ASSERT_OK(after);
    EXPECT_EQ(after->body, "hello over tls");
    EXPECT_EQ(server.connections(), 1);
  });
}

TEST_F(TlsStreamTest, StreamingReadEndsByItsDeadline) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    TlsTestServer server(executor, Server());
    auto connection = co_await HttpConnection::Connect(server.endpoint(Trusting()), base::After(10s));
    CO_ASSERT_OK(connection);
    auto head = co_await (*connection)->SendStreaming(Get("/stream"), base::After(10s));
    CO_ASSERT_OK(head);
    auto first = co_await (*connection)->ReadSome(base::After(10s));
    CO_ASSERT_OK(first);
    auto silent = co_await (*connection)->ReadSome(base::After(100ms));
    EXPECT_EQ(silent.status().code(), base::StatusCode::kTimeout);
    EXPECT_FALSE((*connection)->is_open());
  });
}

TEST_F(TlsStreamTest, CancelledReadCompletesAbortedAndLosesNothing) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    TlsTestServer server(executor, Server());
    auto stream = co_await ConnectByteStream(server.endpoint(Trusting()), base::After(10s));
    CO_ASSERT_OK(stream);
    // The server says nothing until asked, so this read waits on the socket.
    std::vector<char> buffer(1024);
    asio::cancellation_signal signal;
    std::optional<ErrorCode> result;
    asio::steady_timer done(executor, base::After(10s));
    auto handler = [&](ErrorCode ec, std::size_t) {
      result = ec;
      done.cancel();
    };
    (*stream)->async_read_some(asio::buffer(buffer),
                               asio::bind_cancellation_slot(signal.slot(), std::move(handler)));
    signal.emit(asio::cancellation_type::total);
    if (!result) {
      co_await done.async_wait(kAwait);
    }
    CO_ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result, asio::error::operation_aborted);

    // The stream is intact: an exchange on it still works.
    http::request<http::string_body> request(http::verb::get, "/small", 11);
    request.set(http::field::host, "127.0.0.1");
    auto [write_ec, written] = co_await http::async_write(**stream, request, kAwait);
    EXPECT_FALSE(write_ec) << write_ec.message();
    boost::beast::flat_buffer read_buffer;
    http::response<http::string_body> response;
    auto [read_ec, read] = co_await http::async_read(**stream, read_buffer, response, kAwait);
    EXPECT_FALSE(read_ec) << read_ec.message();
    EXPECT_EQ(response.body(), "hello over tls");
  });
}

TEST_F(TlsStreamTest, PeerCloseNotifyEndsTheBody) {
  const base::Result<Response> response = FetchFrom(Server(), Trusting(), "/close");
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->body, "bye");
}

TEST_F(TlsStreamTest, TcpCloseWithoutCloseNotifyIsAnError) {
  const base::Result<Response> response = FetchFrom(Server(), Trusting(), "/truncate");
  EXPECT_EQ(response.status().code(), base::StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(), HasSubstr("unexpected eof"));
}

TEST_F(TlsStreamTest, VerifiesAnIpAddressAndSendsNoSni) {
  std::string sni = "unset";
  const base::Result<Response> response = FetchFrom(Server(), Trusting(), "/small", &sni);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(sni, "");
}

TEST_F(TlsStreamTest, VerifiesAServerNameAndSendsItAsSni) {
  TlsSettings tls = Trusting();
  tls.server_name = "localhost";
  std::string sni;
  const base::Result<Response> response = FetchFrom(Server(), tls, "/small", &sni);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(sni, "localhost");
}

TEST_F(TlsStreamTest, VerifiesWithACaPath) {
  TlsSettings tls;
  tls.ca_path = pki_.ca_dir;
  const base::Result<Response> response = FetchFrom(Server(), tls);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->body, "hello over tls");
}

TEST_F(TlsStreamTest, UsesTheSystemStoreWhenNoCaIsGiven) {
  // The system store does not know the test CA.
  const base::Result<Response> response = FetchFrom(Server(), TlsSettings());
  EXPECT_EQ(response.status().code(), base::StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(), HasSubstr("unable to get local issuer certificate"));
}

TEST_F(TlsStreamTest, RejectsAServerFromAnotherCa) {
  TlsSettings tls;
  tls.ca_file = pki_.other_ca_file;
  const base::Result<Response> response = FetchFrom(Server(), tls);
  EXPECT_EQ(response.status().code(), base::StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(),
              AllOf(HasSubstr("TLS handshake with 127.0.0.1"), HasSubstr("certificate verify failed"),
                    HasSubstr("unable to get local issuer certificate")));
}

TEST_F(TlsStreamTest, RejectsAMismatchedName) {
  TlsSettings tls = Trusting();
  tls.server_name = "other.example";
  const base::Result<Response> response = FetchFrom(Server(), tls);
  EXPECT_EQ(response.status().code(), base::StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(), HasSubstr("hostname mismatch"));
}

TEST_F(TlsStreamTest, RejectsAMismatchedIpAddress) {
  TlsSettings tls = Trusting();
  tls.server_name = "127.0.0.2";
  const base::Result<Response> response = FetchFrom(Server(), tls);
  EXPECT_EQ(response.status().code(), base::StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(), HasSubstr("IP address mismatch"));
}

TEST_F(TlsStreamTest, SkipsVerificationWhenTurnedOff) {
  TlsSettings tls;
  tls.ca_file = pki_.other_ca_file;
  tls.server_name = "other.example";
  tls.verify = false;
  const base::Result<Response> response = FetchFrom(Server(), tls);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->body, "hello over tls");
}

TEST_F(TlsStreamTest, ReportsAMissingCaFile) {
  TlsSettings tls;
  tls.ca_file = dir_ + "/missing.pem";
  const base::Result<Response> response = FetchFrom(Server(), tls);
  EXPECT_EQ(response.status().code(), base::StatusCode::kInvalid);
  EXPECT_THAT(response.status().message(),
              AllOf(HasSubstr("CA file '" + tls.ca_file + "'"), HasSubstr("No such file")));
}

TEST_F(TlsStreamTest, PresentsAClientCertificate) {
  for (const bool tls12_only : {true, false}) {
    const base::Result<Response> response =
        FetchFrom(ServerRequiringClientCert(tls12_only), WithClientCert());
    ASSERT_TRUE(response.ok()) << "tls12_only=" << tls12_only << ": " << response.status().message();
    EXPECT_EQ(response->body, "hello over tls");
  }
}

TEST_F(TlsStreamTest, FailsWithoutARequiredClientCertificate) {
  // TLS 1.2 refuses in the handshake.
  const base::Result<Response> tls12 = FetchFrom(ServerRequiringClientCert(true), Trusting());
  EXPECT_EQ(tls12.status().code(), base::StatusCode::kUnavailable);
  EXPECT_THAT(tls12.status().message(), AllOf(HasSubstr("TLS handshake with 127.0.0.1"), HasSubstr("alert")));
  // TLS 1.3 finishes the client's side of the handshake first; the server's
  // alert then ends the first exchange.
  const base::Result<Response> tls13 = FetchFrom(ServerRequiringClientCert(false), Trusting());
  EXPECT_EQ(tls13.status().code(), base::StatusCode::kUnavailable);
  EXPECT_THAT(tls13.status().message(), HasSubstr("certificate required"));
}

TEST_F(TlsStreamTest, HandshakeWithASilentServerEndsByItsDeadline) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    // Listening is enough for the kernel to accept; nobody ever answers.
    asio::ip::tcp::acceptor silent(executor,
                                   asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    Endpoint endpoint = Endpoint::Tcp("127.0.0.1", silent.local_endpoint().port());
    endpoint.tls = Trusting();
    auto connection = co_await HttpConnection::Connect(endpoint, base::After(200ms));
    EXPECT_EQ(connection.status().code(), base::StatusCode::kTimeout);
    EXPECT_THAT(connection.status().message(), HasSubstr("TLS handshake with 127.0.0.1 timed out"));
  });
}

}  // namespace
}  // namespace net
