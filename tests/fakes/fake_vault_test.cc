// The fake Vault's own contract (fake_vault.h), checked with raw HTTP so
// that tests built on it can trust what it validates.
#include "tests/fakes/fake_vault.h"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "net/http_client.h"
#include "tests/support/coroutine_test.h"

namespace fakes {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

// Tokens and namespaces as plain strings: the calls below must not build
// braced temporaries next to a co_await (g++ 12).
net::Request Make(http::verb method, const std::string& path, const std::string& token, const std::string& body,
                  const std::string& ns) {
  net::Request request;
  request.method = method;
  request.target = "/v1/" + path;
  if (token.starts_with("Bearer ")) {
    request.headers.emplace_back("Authorization", token);
  } else if (!token.empty()) {
    request.headers.emplace_back("X-Vault-Token", token);
  }
  if (!ns.empty()) request.headers.emplace_back("X-Vault-Namespace", ns);
  request.body = body;
  return request;
}

asio::awaitable<base::Result<net::Response>> Send(const FakeVault& vault, http::verb method, std::string path,
                                                  std::string token = "", std::string body = "", std::string ns = "") {
  const net::Request request = Make(method, path, token, body, ns);
  base::Result<net::Response> response =
      co_await net::Fetch(net::Endpoint::Tcp("127.0.0.1", vault.port()), request, base::After(5s));
  co_return response;
}

TEST(FakeVault, ValidatesTokensFromEitherHeader) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeVault vault(executor);
    CO_ASSERT_OK(vault.Start());
    vault.MountKv("secret", 1);
    boost::json::object data;
    data["value"] = "v";
    vault.PutSecret("secret/a", data);
    vault.AddToken("good");
    auto none = co_await Send(vault, http::verb::get, "secret/a");
    CO_ASSERT_OK(none);
    EXPECT_EQ(none->status, 403u);
    EXPECT_EQ(none->body, R"({"errors":["permission denied"]})");
    auto bad = co_await Send(vault, http::verb::get, "secret/a", "bad");
    CO_ASSERT_OK(bad);
    EXPECT_EQ(bad->status, 403u);
    auto header = co_await Send(vault, http::verb::get, "secret/a", "good");
    CO_ASSERT_OK(header);
    EXPECT_EQ(header->status, 200u);
    auto bearer = co_await Send(vault, http::verb::get, "secret/a", "Bearer good");
    CO_ASSERT_OK(bearer);
    EXPECT_EQ(bearer->status, 200u);
    EXPECT_THAT(bearer->body, HasSubstr(R"("value":"v")"));
  });
}

TEST(FakeVault, TreatsPutAndPostAlikeAndRefusesWrongMethods) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeVault vault(executor);
    CO_ASSERT_OK(vault.Start());
    vault.AddUser("exec", "pw");
    const std::string body = R"({"password":"pw"})";
    // A stale token on a login does not matter.
    auto put = co_await Send(vault, http::verb::put, "auth/userpass/login/EXEC", "stale", body);
    CO_ASSERT_OK(put);
    EXPECT_EQ(put->status, 200u);
    auto post = co_await Send(vault, http::verb::post, "auth/userpass/login/exec", "", body);
    CO_ASSERT_OK(post);
    EXPECT_EQ(post->status, 200u);
    auto get = co_await Send(vault, http::verb::get, "auth/userpass/login/exec");
    CO_ASSERT_OK(get);
    EXPECT_EQ(get->status, 405u);
    auto wrong = co_await Send(vault, http::verb::post, "auth/userpass/login/exec", "", R"({"password":"no"})");
    CO_ASSERT_OK(wrong);
    EXPECT_EQ(wrong->status, 400u);
    EXPECT_THAT(wrong->body, HasSubstr("invalid username or password"));
    EXPECT_EQ(vault.logins(), 2);
    EXPECT_EQ(vault.issued_tokens(), (std::vector<std::string>{"hvs.fake-login-1", "hvs.fake-login-2"}));
  });
}

TEST(FakeVault, ServesKvV2AtItsDataPathOnly) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeVault vault(executor);
    CO_ASSERT_OK(vault.Start());
    vault.MountKv("kv", 2);
    boost::json::object data;
    data["value"] = "v2";
    vault.PutSecret("kv/app", data);
    vault.AddToken("t");
    auto v1_style = co_await Send(vault, http::verb::get, "kv/app", "t");
    CO_ASSERT_OK(v1_style);
    EXPECT_EQ(v1_style->status, 404u);
    EXPECT_THAT(v1_style->body, HasSubstr("Invalid path for a versioned K/V secrets engine"));
    auto v2 = co_await Send(vault, http::verb::get, "kv/data/app", "t");
    CO_ASSERT_OK(v2);
    EXPECT_EQ(v2->status, 200u);
    EXPECT_EQ(boost::json::parse(v2->body).at("data").at("data").at("value"), "v2");
    auto mount = co_await Send(vault, http::verb::get, "sys/internal/ui/mounts/kv/app", "t");
    CO_ASSERT_OK(mount);
    EXPECT_EQ(boost::json::parse(mount->body).at("data").at("options").at("version"), "2");
    auto nowhere = co_await Send(vault, http::verb::get, "sys/internal/ui/mounts/nope/x", "t");
    CO_ASSERT_OK(nowhere);
    EXPECT_EQ(nowhere->status, 403u);
    EXPECT_THAT(nowhere->body, HasSubstr("preflight capability check returned 403"));
  });
}

TEST(FakeVault, KeepsContentsInsideItsNamespace) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeVault vault(executor);
    CO_ASSERT_OK(vault.Start());
    vault.SetNamespace("ns1/team");
    vault.MountKv("secret", 1);
    boost::json::object data;
    data["value"] = "v";
    vault.PutSecret("secret/a", data);
    vault.AddToken("t");
    auto root = co_await Send(vault, http::verb::get, "secret/a", "t");
    CO_ASSERT_OK(root);
    EXPECT_EQ(root->status, 403u);
    auto header = co_await Send(vault, http::verb::get, "secret/a", "t", "", "ns1/team/");
    CO_ASSERT_OK(header);
    EXPECT_EQ(header->status, 200u);
    auto split = co_await Send(vault, http::verb::get, "team/secret/a", "t", "", "ns1");
    CO_ASSERT_OK(split);
    EXPECT_EQ(split->status, 200u);
    EXPECT_EQ(vault.calls().back().path, "secret/a");
  });
}

TEST(FakeVault, LeasesDieWithTheirTokenAndRenewalsStopAtTheMaxTtl) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeVault vault(executor);
    CO_ASSERT_OK(vault.Start());
    AwsRoleOptions role;
    role.lease_duration = 100;
    role.max_ttl = 150;
    vault.AddAwsRole("app", role);
    vault.AddToken("t");
    auto creds = co_await Send(vault, http::verb::get, "aws/creds/app", "t");
    CO_ASSERT_OK(creds);
    EXPECT_EQ(creds->status, 200u);
    const std::string lease = "aws/creds/app/1";
    EXPECT_EQ(boost::json::parse(creds->body).at("lease_id").as_string(), lease);
    auto renewed = co_await Send(vault, http::verb::put, "sys/leases/renew", "t",
                                             R"({"lease_id":"aws/creds/app/1","increment":1000})");
    CO_ASSERT_OK(renewed);
    EXPECT_EQ(renewed->status, 200u);
    const auto granted = boost::json::parse(renewed->body).at("lease_duration").to_number<int64_t>();
    EXPECT_LE(granted, 150);
    EXPECT_GE(granted, 140);
    EXPECT_TRUE(vault.LeaseActive(lease));
    auto revoked = co_await Send(vault, http::verb::post, "auth/token/revoke-self", "t");
    CO_ASSERT_OK(revoked);
    EXPECT_EQ(revoked->status, 204u);
    EXPECT_FALSE(vault.LeaseActive(lease));
    EXPECT_FALSE(vault.TokenValid("t"));
    EXPECT_TRUE(vault.revoked_leases().empty()) << "only sys/leases/revoke counts as a lease revocation";
  });
}

TEST(FakeVault, InjectsFaults) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeVault vault(executor);
    CO_ASSERT_OK(vault.Start());
    vault.AddToken("t");
    vault.FailNext(502, 1, "auth/");
    auto failed = co_await Send(vault, http::verb::get, "auth/token/lookup-self", "t");
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->status, 502u);
    auto next = co_await Send(vault, http::verb::get, "auth/token/lookup-self", "t");
    CO_ASSERT_OK(next);
    EXPECT_EQ(next->status, 200u);
    vault.SetSealed(true);
    auto sealed = co_await Send(vault, http::verb::get, "auth/token/lookup-self", "t");
    CO_ASSERT_OK(sealed);
    EXPECT_EQ(sealed->status, 503u);
    EXPECT_EQ(sealed->body, R"({"errors":["Vault is sealed"]})");
    vault.SetSealed(false);
    vault.Stop();
    auto down = co_await Send(vault, http::verb::get, "auth/token/lookup-self", "t");
    EXPECT_FALSE(down.ok());
  });
}

}  // namespace
}  // namespace fakes
