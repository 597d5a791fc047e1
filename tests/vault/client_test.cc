// The Vault client against the fake Vault: headers, retries, errors.
#include "vault/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/fake_vault.h"
#include "tests/support/coroutine_test.h"
#include "tests/vault/fake_vault_config.h"

namespace vault {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(VaultClient, SendsTokenAndNamespace) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    fake.SetNamespace("ns1");
    fake.AddToken("hvs.t");
    Client client(ConfigFor(fake, {{"VAULT_TOKEN", "hvs.t"}, {"VAULT_NAMESPACE", "ns1"}}), QuickRetries());
    auto reply = co_await client.Get("auth/token/lookup-self");
    CO_ASSERT_OK(reply);
    EXPECT_EQ(reply->status, 200u);
    EXPECT_EQ(fake.calls().back().token, "hvs.t");
    EXPECT_EQ(fake.calls().back().namespace_header, "ns1");
  });
}

TEST(VaultClient, RetriesTransientStatusesWithinTheLimit) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    fake.AddToken("t");
    Client client(ConfigFor(fake, {{"VAULT_TOKEN", "t"}}), QuickRetries());
    fake.FailNext(503, 2);
    auto recovered = co_await client.Get("auth/token/lookup-self");
    CO_ASSERT_OK(recovered);
    EXPECT_EQ(fake.CountCalls("auth/token/lookup-self"), 3) << "two 503s, then the answer";

    fake.FailNext(429, 5);
    auto exhausted = co_await client.Get("auth/token/lookup-self");
    EXPECT_EQ(exhausted.status().code(), base::StatusCode::kUnavailable);
    EXPECT_THAT(exhausted.status().message(),
                AllOf(HasSubstr("429 injected failure"), HasSubstr("GET /v1/auth/token/lookup-self"), HasSubstr("3 attempts")));
    EXPECT_EQ(fake.CountCalls("auth/token/lookup-self"), 6) << "1 + VAULT_MAX_RETRIES attempts";
  });
}

TEST(VaultClient, NeverRetriesRefusals) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Client client(ConfigFor(fake, {{"VAULT_TOKEN", "not-known"}}), QuickRetries());
    auto denied = co_await client.Get("secret/db");
    EXPECT_EQ(denied.status().code(), base::StatusCode::kFailed);
    EXPECT_EQ(denied.status().message(), "403 permission denied (GET /v1/secret/db)");
    fake.FailNext(501, 1);
    auto uninitialised = co_await client.Get("secret/db");
    EXPECT_FALSE(uninitialised.ok());
    EXPECT_EQ(fake.calls().size(), 2u);
  });
}

TEST(VaultClient, VaultDownIsUnavailableAfterTheRetries) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Client client(ConfigFor(fake, {{"VAULT_TOKEN", "t"}, {"VAULT_MAX_RETRIES", "1"}}), QuickRetries());
    fake.Stop();
    auto down = co_await client.Get("secret/db");
    EXPECT_EQ(down.status().code(), base::StatusCode::kUnavailable);
    EXPECT_THAT(down.status().message(),
                AllOf(HasSubstr("Vault at http://127.0.0.1:"), HasSubstr("(GET /v1/secret/db, 2 attempts)")));
  });
}

TEST(VaultClient, TheTimeoutBoundsTheWholeCall) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    fake.SetSilent(true);
    Client client(ConfigFor(fake, {{"VAULT_TOKEN", "t"}, {"VAULT_CLIENT_TIMEOUT", "1s"}}), QuickRetries());
    auto silent = co_await client.Get("secret/db");
    EXPECT_EQ(silent.status().code(), base::StatusCode::kTimeout);
    EXPECT_EQ(fake.calls().size(), 1u) << "a timed-out call is not tried again";
  });
}

TEST(VaultClient, BodiesNeverAppearInErrors) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Client client(ConfigFor(fake), QuickRetries());
    boost::json::object body;
    body["password"] = "hunter22-password";
    auto refused = co_await client.Put("auth/userpass/login/nobody", std::move(body));
    EXPECT_FALSE(refused.ok());
    EXPECT_THAT(refused.status().message(), AllOf(HasSubstr("400 invalid username or password"),
                                                  Not(HasSubstr("hunter22"))));
    EXPECT_EQ(fake.calls().back().method, "PUT");
  });
}

TEST(VaultClient, FollowsOneRedirectToTheActiveNode) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault active(executor);
    CO_ASSERT_OK(active.Start());
    active.AddToken("t");
    int redirected = 0;
    net::HttpServer standby(executor, [&](net::ServerExchange& exchange) -> asio::awaitable<void> {
      ++redirected;
      exchange.Reply(307, "", {{"Location", active.address() + std::string(exchange.request().target())}});
      co_return;
    });
    CO_ASSERT_TRUE(standby.Listen().ok());
    TestEnv env = {{"VAULT_TOKEN", "t"}, {"VAULT_ADDR", "http://127.0.0.1:" + std::to_string(standby.port())}};
    Client client(ConfigFor(active, env), QuickRetries());
    auto reply = co_await client.Get("auth/token/lookup-self");
    CO_ASSERT_OK(reply);
    EXPECT_EQ(reply->status, 200u);
    EXPECT_EQ(redirected, 1);
    EXPECT_EQ(active.calls().back().token, "t");
  });
}

TEST(VaultClient, ReportsTokensAsSecrets) {
  std::vector<std::string> secrets;
  ClientOptions options;
  options.on_secret = [&](std::string_view value) { secrets.emplace_back(value); };
  Config config;
  config.token = "hvs.from-env";
  Client client(config, options);
  client.set_token("hvs.later");
  EXPECT_EQ(secrets, (std::vector<std::string>{"hvs.from-env", "hvs.later"}));
}

}  // namespace
}  // namespace vault
