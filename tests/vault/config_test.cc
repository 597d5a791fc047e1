#include "vault/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace vault {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

base::Result<Config> Parse(const std::map<std::string, std::string, std::less<>>& env) {
  return ParseConfig([&](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

TEST(VaultConfig, DefaultsAreTheGoClientsAndUpstreams) {
  base::Result<Config> config = Parse({});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->address, "https://127.0.0.1:8200");
  EXPECT_EQ(config->endpoint.host, "127.0.0.1");
  EXPECT_EQ(config->endpoint.port, 8200);
  ASSERT_TRUE(config->endpoint.tls.has_value());
  EXPECT_TRUE(config->endpoint.tls->verify);
  EXPECT_EQ(config->token_ttl, std::chrono::seconds(86400));
  EXPECT_EQ(config->max_retries, 2);
  EXPECT_EQ(config->timeout, std::chrono::seconds(60));
  EXPECT_EQ(config->path_prefix, "");
  EXPECT_FALSE(config->has_userpass());
  EXPECT_FALSE(config->has_approle());
}

TEST(VaultConfig, TlsVariablesBecomeTlsSettings) {
  base::Result<Config> config = Parse({{"VAULT_ADDR", "https://vault.example:8443/prefix/"},
                                       {"VAULT_CACERT", "/ca.pem"},
                                       {"VAULT_CAPATH", "/ca.d"},
                                       {"VAULT_CLIENT_CERT", "/c.pem"},
                                       {"VAULT_CLIENT_KEY", "/k.pem"},
                                       {"VAULT_TLS_SERVER_NAME", "vault.internal"},
                                       {"VAULT_SKIP_VERIFY", "true"},
                                       {"VAULT_NAMESPACE", "ns1/"}});
  ASSERT_TRUE(config.ok()) << config.status().message();
  const net::TlsSettings& tls = *config->endpoint.tls;
  EXPECT_EQ(tls.ca_file, "/ca.pem");
  EXPECT_EQ(tls.ca_path, "") << "VAULT_CACERT wins over VAULT_CAPATH";
  EXPECT_EQ(tls.cert_file, "/c.pem");
  EXPECT_EQ(tls.key_file, "/k.pem");
  EXPECT_EQ(tls.server_name, "vault.internal");
  EXPECT_FALSE(tls.verify);
  EXPECT_EQ(config->path_prefix, "/prefix");
  EXPECT_EQ(config->namespace_path, "ns1/");
  EXPECT_EQ(config->endpoint.port, 8443);
}

TEST(VaultConfig, PlainHttpIgnoresTlsVariablesAndCapathAloneIsUsed) {
  base::Result<Config> http = Parse({{"VAULT_ADDR", "http://127.0.0.1:8200"}, {"VAULT_SKIP_VERIFY", "junk"}});
  ASSERT_TRUE(http.ok()) << http.status().message();
  EXPECT_FALSE(http->endpoint.tls.has_value());
  base::Result<Config> capath = Parse({{"VAULT_CAPATH", "/ca.d"}});
  ASSERT_TRUE(capath.ok());
  EXPECT_EQ(capath->endpoint.tls->ca_path, "/ca.d");
}

TEST(VaultConfig, NumbersAndDurationsAsTheGoClientReadsThem) {
  struct Case {
    std::string variable, value;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"VAULT_TTL", "7200", true},          {"VAULT_TTL", "2h", false},
      {"VAULT_TTL", "-5", false},           {"VAULT_TTL", "abc", false},
      {"VAULT_MAX_RETRIES", "0", true},     {"VAULT_MAX_RETRIES", "-1", false},
      {"VAULT_MAX_RETRIES", "0x3", false},  {"VAULT_CLIENT_TIMEOUT", "30", true},
      {"VAULT_CLIENT_TIMEOUT", "30s", true}, {"VAULT_CLIENT_TIMEOUT", "2m", true},
      {"VAULT_CLIENT_TIMEOUT", "0", false}, {"VAULT_CLIENT_TIMEOUT", "soon", false},
      {"VAULT_SKIP_VERIFY", "1", true},     {"VAULT_SKIP_VERIFY", "yes", false},
  };
  for (const Case& c : cases) {
    base::Result<Config> config = Parse({{c.variable, c.value}});
    EXPECT_EQ(config.ok(), c.ok) << c.variable << "=" << c.value;
    if (!config.ok()) {
      EXPECT_THAT(config.status().message(), HasSubstr(c.variable));
    }
  }
  EXPECT_EQ(Parse({{"VAULT_TTL", "7200"}})->token_ttl, std::chrono::seconds(7200));
  EXPECT_EQ(Parse({{"VAULT_CLIENT_TIMEOUT", "2m"}})->timeout, std::chrono::minutes(2));
  EXPECT_EQ(Parse({{"VAULT_CLIENT_TIMEOUT", "30"}})->timeout, std::chrono::seconds(30));
  EXPECT_EQ(Parse({{"VAULT_MAX_RETRIES", "0"}})->max_retries, 0);
}

TEST(VaultConfig, EmptyMeansUnsetAsInTheGoClient) {
  base::Result<Config> config = Parse({{"VAULT_TTL", ""}, {"VAULT_ADDR", ""}, {"VAULT_TOKEN", ""}});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->token_ttl, std::chrono::seconds(86400));
  EXPECT_EQ(config->address, "https://127.0.0.1:8200");
}

TEST(VaultConfig, EveryProblemIsReportedWithoutSecretValues) {
  base::Result<Config> config = Parse({{"VAULT_ADDR", "ftp://vault"},
                                       {"VAULT_TTL", "1d"},
                                       {"VAULT_TOKEN", "s.tok\nen"},
                                       {"VAULT_PASSWORD", "hunter22"}});
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr("VAULT_ADDR"), HasSubstr("VAULT_TTL='1d'"), HasSubstr("VAULT_TOKEN"),
                    Not(HasSubstr("s.tok")), Not(HasSubstr("hunter22"))));
}

TEST(VaultConfig, ClientCertificateNeedsItsKey) {
  base::Result<Config> config = Parse({{"VAULT_CLIENT_CERT", "/c.pem"}});
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("VAULT_CLIENT_CERT is set without VAULT_CLIENT_KEY"));
}

TEST(VaultConfig, LoginCredentials) {
  base::Result<Config> config = Parse({{"VAULT_USERNAME", "exec"},
                                       {"VAULT_PASSWORD", "pw"},
                                       {"VAULT_ROLE_ID", "r"},
                                       {"VAULT_SECRET_ID", "s"},
                                       {"VAULT_TOKEN_FILE", "/run/vault-token"}});
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->has_userpass());
  EXPECT_TRUE(config->has_approle());
  EXPECT_EQ(config->token_file, "/run/vault-token");
  EXPECT_EQ(config->secret_id, "s");
}

}  // namespace
}  // namespace vault
