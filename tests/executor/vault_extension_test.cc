// VaultExtension against the fake Vault: vault:// values resolved in place,
// failures that name variable and path, authentication only when needed,
// AWS credentials issued, renewed, ended and revoked, secrets redacted.
#include "executor/vault_extension.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "base/async_event.h"
#include "executor/redactor.h"
#include "tests/fakes/fake_vault.h"
#include "tests/support/coroutine_test.h"

namespace executor {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using Env = std::map<std::string, std::string, std::less<>>;

ExecutorConfig ConfigWith(const fakes::FakeVault& fake, Env env, Settings settings = DefaultSettings("host")) {
  env.emplace("VAULT_ADDR", fake.address());
  ExecutorConfig config;
  config.getenv = [env](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  config.settings = std::move(settings);
  return config;
}

vault::ClientOptions QuickRetries() {
  vault::ClientOptions options;
  options.retry_base = 5ms;
  return options;
}

void Fill(fakes::FakeVault& fake) {
  fake.MountKv("secret", 1);
  fake.MountKv("kv", 2);
  json::object db;
  db["value"] = "db-password-from-vault";
  db["username"] = "db-user-from-vault";
  fake.PutSecret("secret/db", db);
  fake.PutSecret("kv/app", db);
  fake.AddToken("hvs.environment-token");
  fake.AddUser("executor", "executor-password");
}

class FakeControl : public TaskControl {
 public:
  FakeControl(asio::any_io_executor executor, const ContainerPlan& plan)
      : task_{"task-1", std::string(64, 'a'), plan}, changed_(executor) {}
  const RunningTask& task() const override { return task_; }
  void ReportHealth(bool, const std::string&) override {}
  void RequestKill(KillRequest request) override {
    kills.push_back(std::move(request));
    changed_.Notify();
  }
  asio::awaitable<void> WaitForKill() {
    while (kills.empty()) co_await changed_.Wait();
  }

  std::vector<KillRequest> kills;

 private:
  RunningTask task_;
  base::AsyncEvent changed_;
};

TEST(VaultExtension, ResolvesEveryVaultValueInPlaceAndRedactsIt) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Fill(fake);
    VaultExtension extension(ConfigWith(fake, {{"VAULT_TOKEN", "hvs.environment-token"}}), QuickRetries());
    std::vector<std::string> env = {"PLAIN=vault:/not-a-ref", "DB_PASSWORD=vault://secret/db",
                                    "DB_USER=vault://kv/app?key=username", "NO_EQUALS_SIGN"};
    const base::Status finished = co_await extension.FinishEnvironment(env);
    CO_ASSERT_OK(finished);
    EXPECT_EQ(env, (std::vector<std::string>{"PLAIN=vault:/not-a-ref", "DB_PASSWORD=db-password-from-vault",
                                             "DB_USER=db-user-from-vault", "NO_EQUALS_SIGN"}));
    EXPECT_EQ(GlobalRedactor().Scrub("x db-password-from-vault db-user-from-vault hvs.environment-token"),
              "x [REDACTED] [REDACTED] [REDACTED]");
    EXPECT_EQ(fake.CountCalls("secret/db", "GET"), 1);
    EXPECT_EQ(fake.CountCalls("kv/data/app", "GET"), 1);
  });
}

TEST(VaultExtension, AFailureNamesTheVariableAndThePathButNoValue) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Fill(fake);
    VaultExtension extension(ConfigWith(fake, {{"VAULT_TOKEN", "hvs.environment-token"}}), QuickRetries());
    std::vector<std::string> missing_path = {"DB_PASSWORD=vault://secret/nothing"};
    const base::Status path = co_await extension.FinishEnvironment(missing_path);
    EXPECT_THAT(path.message(), StartsWith("Cannot resolve DB_PASSWORD from vault://secret/nothing (field \"value\"): "
                                           "404 not found"));
    std::vector<std::string> missing_field = {"OK=vault://secret/db", "DB_PORT=vault://secret/db?key=port"};
    const base::Status field = co_await extension.FinishEnvironment(missing_field);
    EXPECT_THAT(field.message(), AllOf(StartsWith("Cannot resolve DB_PORT from vault://secret/db?key=port (field "
                                                  "\"port\"): the secret has no field \"port\""),
                                       Not(HasSubstr("db-password-from-vault"))));

    fake.SetDenyAll(true);
    std::vector<std::string> denied = {"DB_PASSWORD=vault://secret/db"};
    const base::Status refused = co_await extension.FinishEnvironment(denied);
    EXPECT_THAT(refused.message(),
                StartsWith("Cannot resolve DB_PASSWORD from vault://secret/db (field \"value\"): 403 permission denied"));
    EXPECT_EQ(denied.front(), "DB_PASSWORD=vault://secret/db");
  });
}

TEST(VaultExtension, VaultDownFailsTheLaunchWithTheReason) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    VaultExtension extension(ConfigWith(fake, {{"VAULT_TOKEN", "hvs.environment-token"}}), QuickRetries());
    fake.Stop();
    std::vector<std::string> env = {"DB_PASSWORD=vault://secret/db"};
    const base::Status down = co_await extension.FinishEnvironment(env);
    EXPECT_EQ(down.code(), base::StatusCode::kUnavailable);
    EXPECT_THAT(down.message(), AllOf(StartsWith("Cannot resolve DB_PASSWORD from vault://secret/db"),
                                      HasSubstr("Vault at http://127.0.0.1:"), HasSubstr("3 attempts")));
  });
}

TEST(VaultExtension, TouchesNothingWhenTheTaskDoesNotNeedVault) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Fill(fake);
    // Even a broken Vault configuration does not matter then.
    VaultExtension extension(
        ConfigWith(fake, {{"VAULT_USERNAME", "executor"}, {"VAULT_PASSWORD", "executor-password"}, {"VAULT_TTL", "1d"}}),
        QuickRetries());
    ContainerPlan plan;
    plan.config.env = {"A=b"};
    LaunchPreparation preparation{plan};
    const base::Status prepared = co_await extension.PrepareLaunch(preparation);
    CO_ASSERT_OK(prepared);
    std::vector<std::string> env = plan.config.env;
    const base::Status finished = co_await extension.FinishEnvironment(env);
    CO_ASSERT_OK(finished);
    co_await extension.Release();
    EXPECT_TRUE(fake.calls().empty());
    EXPECT_TRUE(preparation.extra_env.empty());

    plan.config.env = {"A=vault://secret/db"};
    LaunchPreparation needs_vault{plan};
    const base::Status broken = co_await extension.PrepareLaunch(needs_vault);
    EXPECT_THAT(broken.message(), AllOf(HasSubstr("Vault configuration is invalid"), HasSubstr("VAULT_TTL='1d'")));
  });
}

TEST(VaultExtension, LogsInBeforeTheEnvironmentIsLoggedAndRevokesItsOwnLogin) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Fill(fake);
    VaultExtension extension(ConfigWith(fake, {{"VAULT_USERNAME", "executor"}, {"VAULT_PASSWORD", "executor-password"}}),
                             QuickRetries());
    ContainerPlan plan;
    plan.config.env = {"DB_PASSWORD=vault://secret/db"};
    LaunchPreparation preparation{plan};
    const base::Status prepared = co_await extension.PrepareLaunch(preparation);
    CO_ASSERT_OK(prepared);
    EXPECT_EQ(fake.logins(), 1);
    EXPECT_EQ(GlobalRedactor().Scrub("hvs.fake-login-1 executor-password"), "[REDACTED] [REDACTED]");
    std::vector<std::string> env = plan.config.env;
    const base::Status finished = co_await extension.FinishEnvironment(env);
    CO_ASSERT_OK(finished);
    EXPECT_EQ(fake.logins(), 1) << "one login for the whole task";
    co_await extension.Release();
    EXPECT_THAT(fake.revoked_tokens(), Contains("hvs.fake-login-1"));
  });
}

Settings AwsSettings(std::chrono::nanoseconds ttl = 0s, std::chrono::nanoseconds max_ttl = 744h) {
  Settings settings = DefaultSettings("host");
  settings.aws_role = "billing";
  settings.aws_role_ttl = ttl;
  settings.aws_role_max_ttl = max_ttl;
  settings.kill_task_timeout_seconds = 7;
  return settings;
}

// Supervise() until `until` completes or `limit` passes; false on the latter.
asio::awaitable<bool> SuperviseUntil(VaultExtension& extension, TaskControl& control, asio::awaitable<void> until,
                                     std::chrono::seconds limit) {
  auto both = [&]() -> asio::awaitable<void> { co_await (extension.Supervise(control) || std::move(until)); };
  const bool done = co_await base::WithDeadline(both(), base::After(limit));
  co_return done;
}

const Env kUserpass = {{"VAULT_USERNAME", "executor"}, {"VAULT_PASSWORD", "executor-password"}};

TEST(VaultExtension, AwsCredentialsAreIssuedRenewedAndRevoked) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Fill(fake);
    fakes::AwsRoleOptions role;
    role.lease_duration = 3;
    fake.AddAwsRole("billing", role);
    VaultExtension extension(ConfigWith(fake, kUserpass, AwsSettings()), QuickRetries());
    ContainerPlan plan;
    LaunchPreparation preparation{plan};
    const base::Status prepared = co_await extension.PrepareLaunch(preparation);
    CO_ASSERT_OK(prepared);
    CO_ASSERT_TRUE(preparation.extra_env.size() == 2);
    EXPECT_EQ(preparation.extra_env[0], "AWS_ACCESS_KEY_ID=AKIAFAKE000000000001");
    const std::string secret = fake.issued_aws_secret_keys().at(0);
    EXPECT_EQ(preparation.extra_env[1], "AWS_SECRET_ACCESS_KEY=" + secret);
    EXPECT_EQ(GlobalRedactor().Scrub(secret), "[REDACTED]");
    // The service token: a login renewed to the default 3600 s + 600 s.
    EXPECT_EQ(json::parse(fake.calls()[1].body).at("increment").as_int64(), 4200);

    FakeControl control(executor, plan);
    const std::function<bool()> two_renewals = [&] { return fake.lease_renewals().size() >= 2; };
    auto renewals = [&]() -> asio::awaitable<void> { co_await fake.WaitUntil(two_renewals, base::kNoDeadline); };
    const bool renewed = co_await SuperviseUntil(extension, control, renewals(), 20s);
    EXPECT_TRUE(renewed) << "the lease was renewed twice";
    EXPECT_TRUE(control.kills.empty());
    EXPECT_GE(fake.CountCalls("auth/token/renew-self"), 2) << "the parent token is kept ahead of the lease";
    const std::string lease = fake.issued_leases().at(0);
    EXPECT_TRUE(fake.LeaseActive(lease));

    co_await extension.Release();
    EXPECT_THAT(fake.revoked_leases(), Contains(lease));
    EXPECT_THAT(fake.revoked_tokens(), Contains("hvs.fake-login-1"));
    EXPECT_FALSE(fake.LeaseActive(lease));
  });
}

TEST(VaultExtension, ALeaseAtItsMaximumEndsTheTaskSayingWhy) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Fill(fake);
    fakes::AwsRoleOptions role;
    role.lease_duration = 3;
    role.max_ttl = 4;
    fake.AddAwsRole("billing", role);
    VaultExtension extension(ConfigWith(fake, kUserpass, AwsSettings()), QuickRetries());
    ContainerPlan plan;
    LaunchPreparation preparation{plan};
    const base::Status prepared = co_await extension.PrepareLaunch(preparation);
    CO_ASSERT_OK(prepared);
    FakeControl control(executor, plan);
    const bool killed = co_await SuperviseUntil(extension, control, control.WaitForKill(), 20s);
    CO_ASSERT_TRUE(killed);
    CO_ASSERT_TRUE(control.kills.size() == 1);
    const KillRequest& kill = control.kills.front();
    EXPECT_EQ(kill.cause, KillCause::kTaskFailure);
    EXPECT_EQ(kill.grace, 7s) << "EXECUTOR_KILL_TASK_TIMEOUT";
    EXPECT_THAT(kill.detail, AllOf(HasSubstr("AWS credentials lease of role 'billing'"), HasSubstr("expires at"),
                                   HasSubstr("maximum TTL")));
    EXPECT_FALSE(fake.lease_renewals().empty()) << "renewed until Vault would not go further";
    co_await extension.Release();
    EXPECT_EQ(fake.revoked_leases().size(), 1u);
  });
}

TEST(VaultExtension, TheLeaseEndsWithTheTokenHoldingIt) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Fill(fake);
    fake.SetLoginTokenTtl(4, 4);  // the service token cannot live longer than 4 s
    fakes::AwsRoleOptions role;
    role.lease_duration = 3;
    fake.AddAwsRole("billing", role);
    VaultExtension extension(ConfigWith(fake, kUserpass, AwsSettings()), QuickRetries());
    ContainerPlan plan;
    LaunchPreparation preparation{plan};
    const base::Status prepared = co_await extension.PrepareLaunch(preparation);
    CO_ASSERT_OK(prepared);
    FakeControl control(executor, plan);
    const bool killed = co_await SuperviseUntil(extension, control, control.WaitForKill(), 20s);
    CO_ASSERT_TRUE(killed);
    EXPECT_THAT(control.kills.front().detail, HasSubstr("the Vault token holding the lease reached its maximum TTL"));
    EXPECT_GE(fake.CountCalls("auth/token/renew-self"), 1);
    co_await extension.Release();
  });
}

TEST(VaultExtension, StsCredentialsCarryTheSessionTokenAndEndWithTheirLease) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Fill(fake);
    fakes::AwsRoleOptions role;
    role.lease_duration = 2;
    role.sts = true;
    fake.AddAwsRole("billing", role);
    VaultExtension extension(ConfigWith(fake, kUserpass, AwsSettings()), QuickRetries());
    ContainerPlan plan;
    LaunchPreparation preparation{plan};
    const base::Status prepared = co_await extension.PrepareLaunch(preparation);
    CO_ASSERT_OK(prepared);
    CO_ASSERT_TRUE(preparation.extra_env.size() == 3);
    EXPECT_THAT(preparation.extra_env[2], StartsWith("AWS_SESSION_TOKEN=FakeSessionToken1"));
    EXPECT_EQ(GlobalRedactor().Scrub(preparation.extra_env[2]), "AWS_SESSION_TOKEN=[REDACTED]");
    FakeControl control(executor, plan);
    const bool killed = co_await SuperviseUntil(extension, control, control.WaitForKill(), 20s);
    CO_ASSERT_TRUE(killed);
    EXPECT_THAT(control.kills.front().detail, HasSubstr("not renewable"));
    EXPECT_TRUE(fake.lease_renewals().empty());
    co_await extension.Release();
  });
}

TEST(VaultExtension, RoleTtlStretchesTheLeaseAndAFailureStillRevokes) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    Fill(fake);
    fake.AddAwsRole("billing");
    {
      VaultExtension extension(ConfigWith(fake, kUserpass, AwsSettings(2h)), QuickRetries());
      ContainerPlan plan;
      LaunchPreparation preparation{plan};
      const base::Status prepared = co_await extension.PrepareLaunch(preparation);
      CO_ASSERT_OK(prepared);
      CO_ASSERT_TRUE(fake.lease_renewals().size() == 1);
      EXPECT_EQ(fake.lease_renewals()[0].asked, 7200 + 360) << "upstream's first renewal";
      EXPECT_EQ(json::parse(fake.calls()[1].body).at("increment").as_int64(), 7200 + 600);
      co_await extension.Release();
    }
    fake.FailNext(400, 1, "sys/leases/renew");
    VaultExtension failing(ConfigWith(fake, kUserpass, AwsSettings(2h)), QuickRetries());
    ContainerPlan plan;
    LaunchPreparation preparation{plan};
    const base::Status prepared = co_await failing.PrepareLaunch(preparation);
    EXPECT_THAT(prepared.message(), HasSubstr("Unable to renew AWS Creds Lease"));
    co_await failing.Release();
    const std::string lease = fake.issued_leases().back();
    EXPECT_THAT(fake.revoked_leases(), Contains(lease)) << "nothing leaks on a failed launch";
    EXPECT_FALSE(fake.TokenValid(fake.issued_tokens().back()));
  });
}

TEST(VaultExtension, RoleTtlAboveItsMaximumIsRefused) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    VaultExtension extension(ConfigWith(fake, kUserpass, AwsSettings(2h, 1h)), QuickRetries());
    ContainerPlan plan;
    LaunchPreparation preparation{plan};
    const base::Status prepared = co_await extension.PrepareLaunch(preparation);
    EXPECT_EQ(prepared.message(),
              "EXECUTOR_AWS_ROLE_TTL (2h0m0s) cannot be longer than EXECUTOR_AWS_ROLE_MAX_TTL (1h0m0s)");
    EXPECT_TRUE(fake.calls().empty());
  });
}

}  // namespace
}  // namespace executor
