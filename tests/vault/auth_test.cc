// Upstream's token chain and the logins, against the fake Vault.
#include "vault/auth.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/fakes/fake_vault.h"
#include "tests/support/coroutine_test.h"
#include "tests/vault/fake_vault_config.h"
#include "vault/token_file.h"

namespace vault {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/vault-auth-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    token_file_ = dir_ + "/vault-token";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WriteTokenFile(const std::string& token, std::chrono::seconds age) {
    std::ofstream(token_file_) << token << "\n";
    fs::last_write_time(token_file_, fs::file_time_type::clock::now() - age);
  }

  std::vector<std::string> Paths(const fakes::FakeVault& fake) const {
    std::vector<std::string> paths;
    for (const fakes::VaultCall& call : fake.calls()) paths.push_back(call.method + " " + call.path);
    return paths;
  }

  TestEnv UserpassEnv() const {
    return {{"VAULT_USERNAME", "sidecar-executor"}, {"VAULT_PASSWORD", "pw-123456"}, {"VAULT_TOKEN_FILE", token_file_}};
  }

  std::string dir_;
  std::string token_file_;
};

TEST_F(AuthTest, VaultTokenIsUsedAsIs) {
  test::RunCoroutine([&](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    TestEnv env = UserpassEnv();
    env["VAULT_TOKEN"] = "hvs.env";
    Client client(ConfigFor(fake, env), QuickRetries());
    Authenticator auth(client);
    auto token = co_await auth.SharedToken();
    CO_ASSERT_OK(token);
    EXPECT_EQ(token->origin, TokenOrigin::kEnvironment);
    EXPECT_FALSE(token->owned());
    EXPECT_EQ(client.token(), "hvs.env");
    EXPECT_TRUE(fake.calls().empty()) << "no validation, no login (upstream)";
  });
}

TEST_F(AuthTest, FreshTokenFileIsValidatedAndReused) {
  test::RunCoroutine([&](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    fake.AddToken("hvs.cached");
    WriteTokenFile("hvs.cached", 22h);
    Client client(ConfigFor(fake, UserpassEnv()), QuickRetries());
    Authenticator auth(client);
    auto token = co_await auth.SharedToken();
    CO_ASSERT_OK(token);
    EXPECT_EQ(token->origin, TokenOrigin::kTokenFile);
    EXPECT_EQ(client.token(), "hvs.cached");
    EXPECT_THAT(Paths(fake), ElementsAre("GET auth/token/lookup-self"));
    EXPECT_EQ(fake.logins(), 0);
  });
}

TEST_F(AuthTest, ExpiredTokenFileLeadsToALoginThatRewritesIt) {
  test::RunCoroutine([&](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    fake.AddUser("sidecar-executor", "pw-123456");
    fake.AddToken("hvs.cached");
    WriteTokenFile("hvs.cached", 23h + 1min);  // older than VAULT_TTL - 1h
    Client client(ConfigFor(fake, UserpassEnv()), QuickRetries());
    Authenticator auth(client);
    auto token = co_await auth.SharedToken();
    CO_ASSERT_OK(token);
    EXPECT_EQ(token->origin, TokenOrigin::kSharedLogin);
    EXPECT_FALSE(token->owned()) << "a shared token is never revoked";
    EXPECT_EQ(client.token(), "hvs.fake-login-1");
    EXPECT_EQ(ReadAll(token_file_), "hvs.fake-login-1");
    struct stat st {};
    EXPECT_EQ(stat(token_file_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(fake.logins(), 1);
  });
}

TEST_F(AuthTest, InvalidCachedTokenLeadsToALogin) {
  test::RunCoroutine([&](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    fake.AddUser("sidecar-executor", "pw-123456");
    WriteTokenFile("hvs.revoked", 1h);
    Client client(ConfigFor(fake, UserpassEnv()), QuickRetries());
    Authenticator auth(client);
    auto token = co_await auth.SharedToken();
    CO_ASSERT_OK(token);
    EXPECT_EQ(client.token(), "hvs.fake-login-1");
    EXPECT_EQ(Paths(fake).front(), "GET auth/token/lookup-self");
    EXPECT_EQ(fake.logins(), 1);
  });
}

TEST_F(AuthTest, UserpassLoginIsUpstreamsSequence) {
  test::RunCoroutine([&](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    fake.AddUser("sidecar-executor", "pw-123456");
    TestEnv env = UserpassEnv();
    env.erase("VAULT_TOKEN_FILE");
    env["VAULT_TTL"] = "7200";
    Client client(ConfigFor(fake, env), QuickRetries());
    Authenticator auth(client);
    auto token = co_await auth.SharedToken();
    CO_ASSERT_OK(token);
    EXPECT_EQ(token->origin, TokenOrigin::kOwnLogin);
    EXPECT_TRUE(token->owned()) << "nobody else knows it: revoked at the end";
    EXPECT_THAT(Paths(fake), ElementsAre("PUT auth/userpass/login/sidecar-executor", "PUT auth/token/renew",
                                         "PUT auth/token/lookup"));
    const auto renew = boost::json::parse(fake.calls()[1].body).as_object();
    EXPECT_EQ(renew.at("increment").as_int64(), 7200 + 600);
    EXPECT_EQ(renew.at("token").as_string(), "hvs.fake-login-1");
    EXPECT_EQ(fake.calls()[0].token, "") << "a login carries no token";
    EXPECT_GE(token->ttl, 7200s);
  });
}

TEST_F(AuthTest, AppRoleLogin) {
  test::RunCoroutine([&](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    fake.AddAppRole("role-uuid", "secret-uuid");
    Client client(ConfigFor(fake, {{"VAULT_ROLE_ID", "role-uuid"}, {"VAULT_SECRET_ID", "secret-uuid"}}), QuickRetries());
    Authenticator auth(client);
    auto token = co_await auth.SharedToken();
    CO_ASSERT_OK(token);
    EXPECT_EQ(client.token(), "hvs.fake-login-1");
    EXPECT_EQ(Paths(fake).front(), "PUT auth/approle/login");
    const auto login = boost::json::parse(fake.calls()[0].body).as_object();
    EXPECT_EQ(login.at("role_id").as_string(), "role-uuid");
    EXPECT_EQ(login.at("secret_id").as_string(), "secret-uuid");

    Client wrong(ConfigFor(fake, {{"VAULT_ROLE_ID", "role-uuid"}, {"VAULT_SECRET_ID", "nope"}}), QuickRetries());
    Authenticator wrong_auth(wrong);
    auto refused = co_await wrong_auth.SharedToken();
    EXPECT_FALSE(refused.ok());
    EXPECT_THAT(refused.status().message(), HasSubstr("400 invalid role or secret ID"));
  });
}

TEST_F(AuthTest, LoginProblemsAreClear) {
  test::RunCoroutine([&](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    fake.AddUser("sidecar-executor", "pw-123456");
    struct Case {
      TestEnv env;
      std::string message;
    };
    const std::vector<Case> cases = {
        {{}, "no Vault credentials"},
        {{{"VAULT_USERNAME", "sidecar-executor"}}, "needs both VAULT_USERNAME and VAULT_PASSWORD"},
        {{{"VAULT_USERNAME", "a"}, {"VAULT_PASSWORD", "b"}, {"VAULT_ROLE_ID", "c"}}, "one login method"},
        {{{"VAULT_USERNAME", "sidecar-executor"}, {"VAULT_PASSWORD", "wrong"}}, "400 invalid username or password"},
    };
    for (const Case& c : cases) {
      Client client(ConfigFor(fake, c.env), QuickRetries());
      Authenticator auth(client);
      auto token = co_await auth.SharedToken();
      EXPECT_FALSE(token.ok());
      EXPECT_THAT(token.status().message(), HasSubstr(c.message));
      EXPECT_THAT(token.status().message(), ::testing::Not(HasSubstr("pw-123456")));
    }
  });
}

TEST_F(AuthTest, ExecutorsStartingTogetherShareOneLogin) {
  test::RunCoroutine([&](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    fake.AddUser("sidecar-executor", "pw-123456");
    const Config config = ConfigFor(fake, UserpassEnv());
    std::vector<std::string> tokens(4);
    std::vector<TokenOrigin> origins(4);
    // Each "executor" has its own client, authenticator and file descriptors.
    auto start = [&](int i) -> asio::awaitable<void> {
      Client client(config, QuickRetries());
      Authenticator auth(client);
      auto token = co_await auth.SharedToken();
      if (!token.ok()) {
        ADD_FAILURE() << token.status().message();
        co_return;
      }
      tokens[i] = client.token();
      origins[i] = token->origin;
    };
    co_await (start(0) && start(1) && start(2) && start(3));
    EXPECT_EQ(fake.logins(), 1);
    for (const std::string& token : tokens) EXPECT_EQ(token, "hvs.fake-login-1");
    EXPECT_EQ(std::count(origins.begin(), origins.end(), TokenOrigin::kSharedLogin), 1);
    EXPECT_EQ(std::count(origins.begin(), origins.end(), TokenOrigin::kTokenFile), 3);
  });
}

TEST_F(AuthTest, ServiceTokenIsOwnedAndNeverCached) {
  test::RunCoroutine([&](asio::any_io_executor executor) -> asio::awaitable<void> {
    fakes::FakeVault fake(executor);
    CO_ASSERT_OK(fake.Start());
    fake.AddUser("sidecar-executor", "pw-123456");
    Client client(ConfigFor(fake, UserpassEnv()), QuickRetries());
    Authenticator auth(client);
    auto token = co_await auth.ServiceToken(std::chrono::seconds(5400));
    CO_ASSERT_OK(token);
    EXPECT_TRUE(token->owned());
    EXPECT_FALSE(fs::exists(token_file_));
    EXPECT_EQ(boost::json::parse(fake.calls()[1].body).at("increment").as_int64(), 5400 + 600);

    auto renewed = co_await auth.RenewSelf(std::chrono::seconds(3000));
    CO_ASSERT_OK(renewed);
    EXPECT_EQ(*renewed, 3000s);
    const base::Status revoked = co_await auth.RevokeSelf(base::After(5s));
    CO_ASSERT_OK(revoked);
    EXPECT_THAT(fake.revoked_tokens(), ElementsAre("hvs.fake-login-1"));
    EXPECT_FALSE(fake.TokenValid("hvs.fake-login-1"));
    EXPECT_EQ(client.token(), "");
  });
}

}  // namespace
}  // namespace vault
