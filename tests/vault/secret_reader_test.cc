// vault:// references against the fake Vault: KV v1 and v2, fields,
// missing paths and fields, denied tokens, Vault down.
#include "vault/secret_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/fake_vault.h"
#include "tests/support/coroutine_test.h"
#include "tests/vault/fake_vault_config.h"

namespace vault {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// A fake with a v1 mount "secret" and a v2 mount "kv", the same secret in both.
void Fill(fakes::FakeVault& fake) {
  fake.MountKv("secret", 1);
  fake.MountKv("kv", 2);
  json::object db;
  db["value"] = "s3cr3t-db-pass";
  db["username"] = "billing";
  db["port"] = 5432;
  fake.PutSecret("secret/billing/db", db);
  fake.PutSecret("kv/billing/db", db);
  fake.AddToken("hvs.reader");
}

SecretRef Ref(const std::string& value) { return *ParseSecretRef(value); }

TEST(SecretReader, ReadsKvV1AndV2WithTheSameSyntax) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Fill(fake);
    std::vector<std::string> secrets;
    ClientOptions options = QuickRetries();
    options.on_secret = [&](std::string_view value) { secrets.emplace_back(value); };
    Client client(ConfigFor(fake, {{"VAULT_TOKEN", "hvs.reader"}}), options);
    SecretReader reader(client);

    auto v1 = co_await reader.Read(Ref("vault://secret/billing/db"));
    CO_ASSERT_OK(v1);
    EXPECT_EQ(*v1, "s3cr3t-db-pass");
    EXPECT_EQ(fake.calls().back().path, "secret/billing/db");

    auto v2 = co_await reader.Read(Ref("vault://kv/billing/db"));
    CO_ASSERT_OK(v2);
    EXPECT_EQ(*v2, "s3cr3t-db-pass");
    EXPECT_EQ(fake.calls().back().path, "kv/data/billing/db");

    auto field = co_await reader.Read(Ref("vault://kv/billing/db?key=username"));
    CO_ASSERT_OK(field);
    EXPECT_EQ(*field, "billing");
    auto number = co_await reader.Read(Ref("vault://secret/billing/db?key=port"));
    CO_ASSERT_OK(number);
    EXPECT_EQ(*number, "5432");

    // One preflight per mount, then one GET per reference.
    EXPECT_EQ(fake.CountCalls("sys/internal/ui/mounts/"), 2);
    EXPECT_EQ(fake.CountCalls("kv/data/billing/db", "GET"), 2);
    EXPECT_THAT(secrets, ::testing::Contains("s3cr3t-db-pass"));
    EXPECT_THAT(secrets, ::testing::Contains("billing"));
  });
}

TEST(SecretReader, MissingPathAndFieldAreNotFoundAndNameThePath) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Fill(fake);
    Client client(ConfigFor(fake, {{"VAULT_TOKEN", "hvs.reader"}}), QuickRetries());
    SecretReader reader(client);

    auto path = co_await reader.Read(Ref("vault://kv/billing/nothing"));
    EXPECT_EQ(path.status().code(), base::StatusCode::kNotFound);
    EXPECT_THAT(path.status().message(), AllOf(HasSubstr("404"), HasSubstr("kv/data/billing/nothing")));

    auto field = co_await reader.Read(Ref("vault://secret/billing/db?key=missing"));
    EXPECT_EQ(field.status().code(), base::StatusCode::kNotFound);
    EXPECT_THAT(field.status().message(),
                AllOf(HasSubstr("no field \"missing\""), HasSubstr("secret/billing/db"), Not(HasSubstr("s3cr3t"))));

    auto mount = co_await reader.Read(Ref("vault://nomount/x"));
    EXPECT_FALSE(mount.ok());
    EXPECT_THAT(mount.status().message(), HasSubstr("preflight capability check returned 403"));
  });
}

TEST(SecretReader, DeniedTokenAndDeniedPath) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Fill(fake);
    fake.AddToken("hvs.limited", {"secret/other/"});
    Client stranger(ConfigFor(fake, {{"VAULT_TOKEN", "hvs.unknown"}}), QuickRetries());
    SecretReader stranger_reader(stranger);
    auto denied = co_await stranger_reader.Read(Ref("vault://secret/billing/db"));
    EXPECT_EQ(denied.status().code(), base::StatusCode::kFailed);
    EXPECT_THAT(denied.status().message(), HasSubstr("403 permission denied"));

    Client limited(ConfigFor(fake, {{"VAULT_TOKEN", "hvs.limited"}}), QuickRetries());
    SecretReader limited_reader(limited);
    auto outside = co_await limited_reader.Read(Ref("vault://secret/billing/db"));
    EXPECT_THAT(outside.status().message(), HasSubstr("403 permission denied"));
  });
}

TEST(SecretReader, VaultDownAndSealed) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Fill(fake);
    Client client(ConfigFor(fake, {{"VAULT_TOKEN", "hvs.reader"}}), QuickRetries());
    SecretReader reader(client);
    fake.SetSealed(true);
    auto sealed = co_await reader.Read(Ref("vault://secret/billing/db"));
    EXPECT_EQ(sealed.status().code(), base::StatusCode::kUnavailable);
    EXPECT_THAT(sealed.status().message(), HasSubstr("503 Vault is sealed"));
    EXPECT_EQ(fake.calls().size(), 3u) << "retried: 1 + VAULT_MAX_RETRIES";
    fake.SetSealed(false);
    fake.Stop();
    auto down = co_await reader.Read(Ref("vault://secret/billing/db"));
    EXPECT_EQ(down.status().code(), base::StatusCode::kUnavailable);
  });
}

}  // namespace
}  // namespace vault
