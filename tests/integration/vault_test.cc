// Vault through the real executor binary, the fake agent, the real Docker
// daemon and the fake Vault: vault:// values inside the container, launch
// failures without a container, AWS credentials and their revocation, and
// no secret in anything the executor writes.
#include <gmock/gmock.h>

#include "tests/fakes/fake_vault.h"
#include "tests/integration/executor_harness.h"

namespace integration {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using fakes::FakeVault;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr char kDbPassword[] = "kv1-db-password-7f3a";
constexpr char kDbUser[] = "kv2-db-user-c41e";
constexpr char kVaultPassword[] = "userpass-secret-95bd";
constexpr char kLoginToken[] = "hvs.fake-login-1";  // FakeVault's first login token

class VaultTest : public ExecutorTest {
 protected:
  // Runs `spec` with a fake Vault at VAULT_ADDR holding secret/db (KV v1),
  // kv/app (KV v2), a userpass user and an AWS role.
  void RunWithVault(local_agent::TaskSpec spec, std::function<asio::awaitable<void>(Run&, FakeVault&)> body) {
    FakeVault* vault = nullptr;
    RunExecutorWith(
        [&](asio::any_io_executor executor, Keep& keep) {
          auto fake = std::make_shared<FakeVault>(executor);
          EXPECT_TRUE(fake->Start().ok());
          fake->MountKv("secret", 1);
          fake->MountKv("kv", 2);
          json::object db;
          db["value"] = kDbPassword;
          fake->PutSecret("secret/db", db);
          json::object app;
          app["username"] = kDbUser;
          fake->PutSecret("kv/app", app);
          fake->AddUser("executor", kVaultPassword);
          fake->AddToken("hvs.environment-token-1234");
          fake->AddAwsRole("billing");
          vault = fake.get();
          keep.push_back(fake);
          extra_env_.emplace_back("VAULT_ADDR", fake->address());
          return Task(spec);
        },
        [&](Run& run) -> asio::awaitable<void> { co_await body(run, *vault); });
  }
};

TEST_F(VaultTest, VaultValuesAreResolvedBeforeTheContainerStarts) {
  extra_env_.emplace_back("VAULT_TOKEN", "hvs.environment-token-1234");
  local_agent::TaskSpec spec = Spec(std::string("test \"$DB_PASSWORD\" = ") + kDbPassword + " && test \"$DB_USER\" = " +
                                    kDbUser + " && test \"$PLAIN\" = plain");
  spec.parameters = {{"env", "DB_PASSWORD=vault://secret/db"},
                     {"env", "DB_USER=vault://kv/app?key=username"},
                     {"env", "PLAIN=plain"}};
  RunWithVault(spec, [&](Run& run, FakeVault& vault) -> asio::awaitable<void> {
    auto finished = co_await run.agent.WaitForState(run.task_id, "TASK_FINISHED", base::After(60s));
    CO_ASSERT_OK(finished);
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
    EXPECT_EQ(vault.CountCalls("secret/db", "GET"), 1);
    EXPECT_EQ(vault.CountCalls("kv/data/app", "GET"), 1) << "KV v2 read at its data path";
    EXPECT_EQ(vault.logins(), 0) << "VAULT_TOKEN is used as is";
  });
  EXPECT_THAT(ExecutorStdout(), AllOf(HasSubstr("Decrypted 'DB_PASSWORD'"), HasSubstr("Decrypted 'DB_USER'")));
}

TEST_F(VaultTest, AMissingSecretFailsTheLaunchWithoutAContainer) {
  extra_env_.emplace_back("VAULT_TOKEN", "hvs.environment-token-1234");
  local_agent::TaskSpec spec = Spec("true");
  spec.parameters = {{"env", "DB_PASSWORD=vault://secret/missing"}};
  RunWithVault(spec, [&](Run& run, FakeVault&) -> asio::awaitable<void> {
    auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(60s));
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->reason, "REASON_CONTAINER_LAUNCH_FAILED");
    EXPECT_THAT(failed->message,
                AllOf(HasSubstr("Cannot resolve DB_PASSWORD from vault://secret/missing (field \"value\")"),
                      HasSubstr("404")));
    std::vector<std::string> labels;
    labels.push_back("mesos.task_id=" + run.task_id);
    auto containers = co_await run.docker.ListContainers(std::move(labels));
    CO_ASSERT_OK(containers);
    EXPECT_TRUE(containers->empty());
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
  });
  EXPECT_THAT(ExecutorStdout(), Not(HasSubstr("Created container")));
}

TEST_F(VaultTest, AwsCredentialsAreInjectedAndRevokedWhenTheTaskEnds) {
  extra_env_.emplace_back("VAULT_USERNAME", "executor");
  extra_env_.emplace_back("VAULT_PASSWORD", kVaultPassword);
  executor_env_.emplace_back("EXECUTOR_AWS_ROLE", "billing");
  const local_agent::TaskSpec spec =
      Spec("test \"$AWS_ACCESS_KEY_ID\" = AKIAFAKE000000000001 && test ${#AWS_SECRET_ACCESS_KEY} -eq 40 && "
           "test -z \"$AWS_SESSION_TOKEN\"");
  RunWithVault(spec, [&](Run& run, FakeVault& vault) -> asio::awaitable<void> {
    auto finished = co_await run.agent.WaitForState(run.task_id, "TASK_FINISHED", base::After(60s));
    CO_ASSERT_OK(finished);
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
    CO_ASSERT_TRUE(vault.issued_leases().size() == 1);
    const std::string lease = vault.issued_leases().front();
    EXPECT_THAT(vault.revoked_leases(), Contains(lease));
    EXPECT_FALSE(vault.LeaseActive(lease));
    EXPECT_THAT(vault.revoked_tokens(), Contains(kLoginToken)) << "the service token is revoked too";
  });
}

TEST_F(VaultTest, KnownSecretsAppearNowhereInTheExecutorsOutput) {
  // The password sits in the ExecutorInfo environment, which upstream also
  // copies into the container (D16); the token reaches the container as an
  // innocently named variable. The container prints everything and fails,
  // so its logs are copied to the executor's stdout and stderr.
  executor_env_.emplace_back("VAULT_USERNAME", "executor");
  executor_env_.emplace_back("VAULT_PASSWORD", kVaultPassword);
  executor_env_.emplace_back("EXECUTOR_AWS_ROLE", "billing");
  local_agent::TaskSpec spec = Spec(
      "echo \"db=$DB_PASSWORD token=$LEAKED_TOKEN password=$VAULT_PASSWORD aws=$AWS_SECRET_ACCESS_KEY\"; "
      "echo \"stderr db=$DB_PASSWORD aws=$AWS_SECRET_ACCESS_KEY token=$LEAKED_TOKEN\" >&2; exit 3");
  spec.parameters = {{"env", "DB_PASSWORD=vault://secret/db"}, {"env", std::string("LEAKED_TOKEN=") + kLoginToken}};
  std::string aws_secret;
  std::string failure_message;
  RunWithVault(spec, [&](Run& run, FakeVault& vault) -> asio::awaitable<void> {
    auto failed = co_await run.agent.WaitForState(run.task_id, "TASK_FAILED", base::After(60s));
    CO_ASSERT_OK(failed);
    failure_message = failed->message;
    auto exit = co_await ExecutorExit(run.agent);
    CO_ASSERT_OK(exit);
    CO_ASSERT_TRUE(vault.issued_aws_secret_keys().size() == 1);
    aws_secret = vault.issued_aws_secret_keys().front();
    EXPECT_EQ(vault.logins(), 1);
    EXPECT_EQ(vault.issued_tokens().front(), kLoginToken);
  });
  ASSERT_FALSE(aws_secret.empty());
  const std::string out = ExecutorStdout();
  const std::string err = ExecutorStderr();
  // The copy ran, masked.
  EXPECT_THAT(out, HasSubstr("db=[REDACTED] token=[REDACTED] password=[REDACTED] aws=[REDACTED]"));
  EXPECT_THAT(err, HasSubstr("stderr db=[REDACTED] aws=[REDACTED] token=[REDACTED]"));
  for (const std::string& secret : {std::string(kDbPassword), std::string(kLoginToken), std::string(kVaultPassword),
                                   aws_secret}) {
    EXPECT_THAT(out, Not(HasSubstr(secret))) << "stdout leaks " << secret;
    EXPECT_THAT(err, Not(HasSubstr(secret))) << "stderr leaks " << secret;
    EXPECT_THAT(failure_message, Not(HasSubstr(secret)));
  }
}

}  // namespace
}  // namespace integration
