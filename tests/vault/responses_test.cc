#include "vault/responses.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "vault/kv.h"
#include "vault/retry_policy.h"

namespace vault {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

json::object Object(std::string_view text) { return json::parse(text).as_object(); }

TEST(VaultResponses, DescribesErrorsForMessages) {
  struct Case {
    unsigned status;
    std::string body, description;
  };
  const std::vector<Case> cases = {
      {403, R"({"errors":["permission denied"]})", "403 permission denied"},
      {403, R"({"errors":["1 error occurred:\n\t* permission denied\n\n"]})", "403 1 error occurred: * permission denied"},
      {404, R"({"errors":[]})", "404 not found"},
      {404, R"({"data":null,"warnings":["Invalid path for a versioned K/V secrets engine."]})",
       "404 Invalid path for a versioned K/V secrets engine."},
      {503, R"({"errors":["Vault is sealed"]})", "503 Vault is sealed"},
      {502, "<html>bad gateway</html>", "502 bad gateway: <html>bad gateway</html>"},
      {500, "", "500 internal server error"},
      {400, R"({"errors":["a","b"]})", "400 a; b"},
  };
  for (const Case& c : cases) EXPECT_EQ(DescribeError(c.status, c.body), c.description) << c.body;
}

TEST(VaultResponses, LoginGrantAndLookup) {
  base::Result<TokenGrant> grant =
      ParseTokenGrant(Object(R"({"auth":{"client_token":"hvs.x","lease_duration":2764800,"renewable":true}})"));
  ASSERT_TRUE(grant.ok());
  EXPECT_EQ(grant->token, "hvs.x");
  EXPECT_EQ(grant->ttl, 2764800s);
  EXPECT_TRUE(grant->renewable);
  // Upstream's fallback: data.id.
  EXPECT_EQ(ParseTokenGrant(Object(R"({"auth":null,"data":{"id":"s.y"}})"))->token, "s.y");
  EXPECT_FALSE(ParseTokenGrant(Object(R"({"auth":null,"data":null})")).ok());

  EXPECT_EQ(*ParseLookupTtl(Object(R"({"data":{"ttl":86996}})")), 86996s);
  EXPECT_FALSE(ParseLookupTtl(Object(R"({"data":{"ttl":"86996"}})")).ok()) << "upstream needed a number";
  EXPECT_FALSE(ParseLookupTtl(Object(R"({"data":null})")).ok());
}

TEST(VaultResponses, AwsCredentialsAndLeases) {
  base::Result<AwsCredentials> iam = ParseAwsCredentials(Object(R"({"lease_id":"aws/creds/r/1","renewable":true,
      "lease_duration":3600,"data":{"access_key":"AKIA1","secret_key":"s3cr3t","security_token":null}})"));
  ASSERT_TRUE(iam.ok()) << iam.status().message();
  EXPECT_EQ(iam->access_key, "AKIA1");
  EXPECT_EQ(iam->secret_key, "s3cr3t");
  EXPECT_FALSE(iam->session_token.has_value());
  EXPECT_EQ(iam->lease.id, "aws/creds/r/1");
  EXPECT_EQ(iam->lease.duration, 3600s);
  EXPECT_TRUE(iam->lease.renewable);

  base::Result<AwsCredentials> sts = ParseAwsCredentials(Object(R"({"lease_id":"aws/creds/r/2","renewable":false,
      "lease_duration":900,"data":{"access_key":"ASIA1","secret_key":"k","security_token":"tok","arn":"x"}})"));
  ASSERT_TRUE(sts.ok());
  EXPECT_EQ(sts->session_token, "tok");
  EXPECT_FALSE(sts->lease.renewable);

  EXPECT_FALSE(ParseAwsCredentials(Object(R"({"lease_id":"x","lease_duration":"1h","data":{}})")).ok());
  // Beyond int64: no conversion (fuzz/vault_responses_fuzzer).
  EXPECT_FALSE(ParseLease(Object(R"({"lease_id":"x","lease_duration":1e300})")).ok());
  EXPECT_FALSE(ParseLookupTtl(Object(R"({"data":{"ttl":-1e300}})")).ok());
  EXPECT_FALSE(ParseAwsCredentials(Object(R"({"lease_id":"x","lease_duration":1,"data":{"access_key":"a"}})")).ok());
  EXPECT_FALSE(ParseAwsCredentials(Object(R"({"lease_id":"","lease_duration":1,
      "data":{"access_key":"a","secret_key":"b"}})")).ok());
}

TEST(VaultKv, MountVersionAsTheVaultCliDecidesIt) {
  struct Case {
    std::string data;
    int version;
  };
  const std::vector<Case> cases = {
      {R"({"path":"secret/","options":{"version":"2"}})", 2},
      {R"({"path":"secret/","options":{"version":"1"}})", 1},
      {R"({"path":"secret/","options":{"version":""}})", 1},
      {R"({"path":"secret/","options":{}})", 1},
      {R"({"path":"secret/","options":null})", 1},
      {R"({"path":"secret/"})", 1},
  };
  for (const Case& c : cases) {
    base::Result<MountInfo> mount = ParseMountInfo(Object(R"({"data":)" + c.data + "}"));
    ASSERT_TRUE(mount.ok()) << c.data;
    EXPECT_EQ(mount->kv_version, c.version) << c.data;
    EXPECT_EQ(mount->path, "secret/");
  }
}

TEST(VaultKv, ReadPathsAndContainment) {
  const MountInfo v2{"secret/", 2};
  const MountInfo v1{"secret/", 1};
  const MountInfo nested{"team/kv/", 2};
  EXPECT_EQ(KvReadPath(v2, "secret/app/db"), "secret/data/app/db");
  EXPECT_EQ(KvReadPath(v1, "secret/app/db"), "secret/app/db");
  EXPECT_EQ(KvReadPath(nested, "team/kv/app"), "team/kv/data/app");
  EXPECT_EQ(KvReadPath(MountInfo{}, "secret/app"), "secret/app");
  EXPECT_TRUE(v2.Contains("secret/app"));
  EXPECT_TRUE(v2.Contains("secret"));
  EXPECT_FALSE(v2.Contains("secrets/app"));
  EXPECT_FALSE(MountInfo{}.Contains("secret/app"));
}

TEST(VaultKv, FieldsFromEitherLayout) {
  const json::object v1 = Object(R"({"data":{"value":"p","port":5432,"tls":true,"nested":{"a":[1,"b"]},"gone":null}})");
  EXPECT_EQ(*SecretField(v1, 1, "value"), "p");
  EXPECT_EQ(*SecretField(v1, 1, "port"), "5432") << "non-strings rendered as JSON (D17)";
  EXPECT_EQ(*SecretField(v1, 1, "tls"), "true");
  EXPECT_EQ(*SecretField(v1, 1, "nested"), R"({"a":[1,"b"]})");
  EXPECT_EQ(SecretField(v1, 1, "gone").status().code(), base::StatusCode::kNotFound);
  EXPECT_EQ(SecretField(v1, 1, "missing").status().code(), base::StatusCode::kNotFound);

  const json::object v2 = Object(R"({"data":{"data":{"value":"q"},"metadata":{"version":3}}})");
  EXPECT_EQ(*SecretField(v2, 2, "value"), "q");
  EXPECT_EQ(SecretField(v2, 1, "value").status().code(), base::StatusCode::kNotFound)
      << "a v2 answer read as v1 has no top-level field, as upstream found";
  const json::object deleted = Object(R"({"data":{"data":null,"metadata":{"deletion_time":"x"}}})");
  EXPECT_EQ(SecretField(deleted, 2, "value").status().code(), base::StatusCode::kNotFound);
}

TEST(VaultRetryPolicy, RetriesOnlyTransientStatuses) {
  for (unsigned status : {412u, 429u, 500u, 502u, 503u, 504u, 599u}) EXPECT_TRUE(IsRetryableStatus(status)) << status;
  for (unsigned status : {200u, 204u, 307u, 400u, 403u, 404u, 405u, 501u}) EXPECT_FALSE(IsRetryableStatus(status)) << status;
}

TEST(VaultRetryPolicy, LinearBackoffWithJitter) {
  EXPECT_EQ(RetryBackoff(1, 1s, 0.0), 1s);
  EXPECT_EQ(RetryBackoff(1, 1s, 0.5), 1250ms);
  EXPECT_EQ(RetryBackoff(2, 1s, 0.0), 2s);
  EXPECT_LT(RetryBackoff(2, 1s, 1.0), 3s);
  EXPECT_EQ(RetryBackoff(3, 10ms, 0.0), 30ms);
}

}  // namespace
}  // namespace vault
