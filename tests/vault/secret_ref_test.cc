#include "vault/secret_ref.h"

#include <gtest/gtest.h>

#include "vault/api_path.h"

namespace vault {
namespace {

TEST(SecretRef, UpstreamSyntax) {
  struct Case {
    std::string value, path, field;
  };
  const std::vector<Case> cases = {
      {"vault://secret/billing/db", "secret/billing/db", "value"},
      {"vault://secret/billing/db?key=username", "secret/billing/db", "username"},
      {"vault://secret/db?key=a&key=b", "secret/db", "a"},
      {"vault://secret/db?other=1&key=user+name", "secret/db", "user name"},
      {"vault://secret/db#frag", "secret/db", "value"},
      {"vault://user@secret/db", "secret/db", "value"},
      {"vault://secret//a/./b/../c/", "secret/a/c", "value"},
      {"vault://secret/with%20space", "secret/with space", "value"},
      {"vault:///secret/x", "secret/x", "value"},
      {"vault://kv/app?key=%3Dodd", "kv/app", "=odd"},
      // An empty query before a fragment: the fragment is no query.
      {"vault://secret/db?#key=other", "secret/db", "value"},
      {"vault://x?#", "x", "value"},
  };
  for (const Case& c : cases) {
    base::Result<SecretRef> ref = ParseSecretRef(c.value);
    ASSERT_TRUE(ref.ok()) << c.value << ": " << ref.status().message();
    EXPECT_EQ(ref->path, c.path) << c.value;
    EXPECT_EQ(ref->field, c.field) << c.value;
  }
}

TEST(SecretRef, Rejects) {
  for (const std::string value : {"vault://", "vault://?key=x", "vault://secret/db?key=", "vault://sec ret/db",
                                  "vault://secret:x/y"}) {
    EXPECT_FALSE(ParseSecretRef(value).ok()) << value;
  }
}

TEST(SecretRef, OnlyTheExactPrefixCounts) {
  EXPECT_TRUE(IsSecretRef("vault://x"));
  EXPECT_FALSE(IsSecretRef("VAULT://x"));
  EXPECT_FALSE(IsSecretRef(" vault://x"));
  EXPECT_FALSE(IsSecretRef("vault:/x"));
}

TEST(ApiPath, CleansLikeGosPathJoin) {
  EXPECT_EQ(CleanPath("secret//a/./b/../c/"), "secret/a/c");
  EXPECT_EQ(CleanPath("/../x"), "x");
  EXPECT_EQ(CleanPath(""), "");
}

TEST(ApiPath, EncodesWhatAPathCannotCarry) {
  EXPECT_EQ(EncodePath("secret/a b?c#d%"), "secret/a%20b%3Fc%23d%25");
  EXPECT_EQ(EncodePath("aws/creds/role-1_x.y~:@"), "aws/creds/role-1_x.y~:@");
}

}  // namespace
}  // namespace vault
