// The Docker client config's credentials, read and looked up as the Docker
// CLI does (docker-engine-api.md §2.4, §3.1, §3.2).
#include "docker/docker_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/base64.h"

namespace docker {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Kind = CredentialSource::Kind;

RegistryCredentials UserPassword(std::string user, std::string password) {
  RegistryCredentials c;
  c.username = std::move(user);
  c.password = std::move(password);
  return c;
}

struct ParseCase {
  std::string name;
  std::string json;
  RegistryCredentials expected;  // of the only auths entry, keyed "reg"
};

TEST(ParseDockerConfig, ReadsEveryFormOfAnAuthsEntry) {
  RegistryCredentials identity = UserPassword("fsuser", "fspass");
  identity.identity_token = "my-identity-token";
  RegistryCredentials registry_token;
  registry_token.registry_token = "bearer-token";
  const ParseCase cases[] = {
      {"docker login", R"({"auths":{"reg":{"auth":"ZnN1c2VyOmZzcGFzcw=="}}})", UserPassword("fsuser", "fspass")},
      {"split at the first colon", R"({"auths":{"reg":{"auth":")" + base::Base64Encode("u:pa:ss") + R"("}}})",
       UserPassword("u", "pa:ss")},
      {"empty password", R"({"auths":{"reg":{"auth":")" + base::Base64Encode("u:") + R"("}}})",
       UserPassword("u", "")},
      {"username and password fields", R"({"auths":{"reg":{"username":"u","password":"p","email":"e@x"}}})",
       UserPassword("u", "p")},
      {"auth wins over the fields",
       R"({"auths":{"reg":{"username":"u","password":"p","auth":"ZnN1c2VyOmZzcGFzcw=="}}})",
       UserPassword("fsuser", "fspass")},
      {"field names in any case (Go's JSON)", R"({"Auths":{"reg":{"Username":"u","PASSWORD":"p"}}})",
       UserPassword("u", "p")},
      {"identity token", R"({"auths":{"reg":{"auth":"ZnN1c2VyOmZzcGFzcw==","identitytoken":"my-identity-token"}}})",
       identity},
      {"registry token", R"({"auths":{"reg":{"registrytoken":"bearer-token"}}})", registry_token},
      {"empty entry (a store holds the secret)", R"({"auths":{"reg":{}}})", RegistryCredentials{}},
      {"null fields", R"({"auths":{"reg":{"auth":null,"username":"u","password":"p"}}})", UserPassword("u", "p")},
  };
  for (const ParseCase& c : cases) {
    base::Result<DockerConfig> config = ParseDockerConfig(c.json);
    ASSERT_TRUE(config.ok()) << c.name << ": " << config.status().message();
    ASSERT_EQ(config->auths.size(), 1u) << c.name;
    EXPECT_EQ(config->auths[0].first, "reg") << c.name;
    EXPECT_EQ(config->auths[0].second, c.expected) << c.name;
  }
}

TEST(ParseDockerConfig, ReadsHelpersKeepsFileOrderAndIgnoresTheRest) {
  base::Result<DockerConfig> config = ParseDockerConfig(R"({
    "auths": {"b.example": {"auth": "dTE6cDE="}, "a.example": {}},
    "credHelpers": {"127.0.0.1:5000": "test", "https://index.docker.io/v1/": "hub"},
    "credsStore": "desktop",
    "HttpHeaders": {"User-Agent": "x"}, "psFormat": "table", "proxies": {"default": {}}
  })");
  ASSERT_TRUE(config.ok()) << config.status().message();
  ASSERT_EQ(config->auths.size(), 2u);
  EXPECT_EQ(config->auths[0].first, "b.example");
  EXPECT_EQ(config->auths[0].second, UserPassword("u1", "p1"));
  EXPECT_EQ(config->auths[1].first, "a.example");
  EXPECT_TRUE(config->auths[1].second.empty());
  EXPECT_EQ(config->cred_helpers.at("127.0.0.1:5000"), "test");
  EXPECT_EQ(config->cred_helpers.at("https://index.docker.io/v1/"), "hub");
  EXPECT_EQ(config->creds_store, "desktop");

  base::Result<DockerConfig> empty = ParseDockerConfig("{}");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->auths.empty());
  EXPECT_TRUE(empty->cred_helpers.empty());
  EXPECT_TRUE(empty->creds_store.empty());
}

struct BadCase {
  std::string json;
  std::string says;
};

TEST(ParseDockerConfig, RejectsMalformedDocumentsWithoutQuotingSecrets) {
  const std::string secret = base::Base64Encode("no-colon-s3cret");
  const BadCase cases[] = {
      {"{", "not JSON"},
      {"[1]", "not a JSON object"},
      {R"({"auths":[]})", "\"auths\" is not an object"},
      {R"({"auths":{"reg":"x"}})", "auths entry 'reg' is not an object"},
      {R"({"auths":{"reg":{"auth":")" + secret + R"("}}})", "auths entry 'reg': \"auth\" is not base64 of user:password"},
      {R"({"auths":{"reg":{"auth":"%%%s3cret"}}})", "auths entry 'reg': \"auth\" is not base64"},
      {R"({"auths":{"reg":{"username":7}}})", "auths entry 'reg': \"username\" is not a string"},
      {R"({"credHelpers":{"reg":1}})", "credHelpers entry 'reg' is not a string"},
      {R"({"credHelpers":"x"})", "\"credHelpers\" is not an object"},
      {R"({"credsStore":true})", "\"credsStore\" is not a string"},
  };
  for (const BadCase& c : cases) {
    base::Result<DockerConfig> config = ParseDockerConfig(c.json);
    ASSERT_FALSE(config.ok()) << c.json;
    EXPECT_EQ(config.status().code(), base::StatusCode::kInvalid) << c.json;
    EXPECT_THAT(config.status().message(), HasSubstr(c.says)) << c.json;
    EXPECT_THAT(config.status().message(), Not(HasSubstr("s3cret"))) << c.json;
    EXPECT_THAT(config.status().message(), Not(HasSubstr(secret))) << c.json;
  }
}

TEST(ParseLegacyDockerConfig, ReadsTheTopLevelAuthsMap) {
  base::Result<DockerConfig> config =
      ParseLegacyDockerConfig(R"({"https://index.docker.io/v1/":{"auth":"ZnN1c2VyOmZzcGFzcw==","email":"a@b"}})");
  ASSERT_TRUE(config.ok()) << config.status().message();
  ASSERT_EQ(config->auths.size(), 1u);
  EXPECT_EQ(config->auths[0].first, "https://index.docker.io/v1/");
  EXPECT_EQ(config->auths[0].second, UserPassword("fsuser", "fspass"));
  EXPECT_FALSE(ParseLegacyDockerConfig("auth = ZnN1c2VyOmZzcGFzcw==\nemail = a@b\n").ok());
}

struct LocateCase {
  std::optional<std::string> docker_config;
  std::string home;
  std::string config_json;
  std::string legacy;
};

TEST(LocateDockerConfig, PrefersDockerConfigThenHome) {
  const LocateCase cases[] = {
      {std::nullopt, "/root", "/root/.docker/config.json", "/root/.dockercfg"},
      {std::nullopt, "/home/u/", "/home/u/.docker/config.json", "/home/u/.dockercfg"},
      {"/etc/docker-client", "/root", "/etc/docker-client/config.json", "/root/.dockercfg"},
      {"/etc/docker-client/", "/root", "/etc/docker-client/config.json", "/root/.dockercfg"},
      {"", "/root", "/root/.docker/config.json", "/root/.dockercfg"},  // empty = unset, as in Docker
      {"/cfg", "", "/cfg/config.json", ""},
      {std::nullopt, "", "", ""},
  };
  for (const LocateCase& c : cases) {
    const DockerConfigPaths paths = LocateDockerConfig(c.docker_config, c.home);
    EXPECT_EQ(paths.config_json, c.config_json) << c.docker_config.value_or("(unset)") << " " << c.home;
    EXPECT_EQ(paths.legacy, c.legacy) << c.docker_config.value_or("(unset)") << " " << c.home;
  }
}

TEST(HostnameOfKey, StripsSchemeAndPath) {
  const std::pair<std::string, std::string> cases[] = {
      {"127.0.0.1:5000", "127.0.0.1:5000"},
      {"https://127.0.0.1:5000/v2/", "127.0.0.1:5000"},
      {"http://tok.example:5000", "tok.example:5000"},
      {"https://index.docker.io/v1/", "index.docker.io"},
      {"reg.example/some/path", "reg.example"},
      {"ftp://x/y", "ftp:"},
  };
  for (const auto& [key, host] : cases) EXPECT_EQ(HostnameOfKey(key), host) << key;
}

struct FindCase {
  std::string key;
  KeyMatch match;
  std::optional<std::string> found;  // the auths key, or none
};

TEST(FindAuthsEntry, ExactKeyFirstThenHostnames) {
  base::Result<DockerConfig> config = ParseDockerConfig(R"({"auths":{
    "https://127.0.0.1:5000/v2/": {"auth":"dTE6cDE="},
    "127.0.0.1:5000": {"auth":"dTI6cDI="},
    "http://tok.example:5000": {},
    "https://other.example/v1/": {},
    "other.example/v2/": {},
    "index.docker.io": {},
    "docker.io": {}
  }})");
  ASSERT_TRUE(config.ok()) << config.status().message();
  const FindCase cases[] = {
      {"127.0.0.1:5000", KeyMatch::kDocker, "127.0.0.1:5000"},  // exact wins over the earlier URL form
      {"tok.example:5000", KeyMatch::kDocker, "http://tok.example:5000"},
      {"other.example", KeyMatch::kDocker, "https://other.example/v1/"},  // first in file order
      {"tok.example:5000", KeyMatch::kExact, std::nullopt},
      {"https://127.0.0.1:5000/v2/", KeyMatch::kExact, "https://127.0.0.1:5000/v2/"},
      // Docker Hub's key is the full URL; "index.docker.io" and "docker.io" entries are not it.
      {"https://index.docker.io/v1/", KeyMatch::kDocker, std::nullopt},
      {"127.0.0.1:5001", KeyMatch::kDocker, std::nullopt},
      {"https-less.example", KeyMatch::kDocker, std::nullopt},
  };
  for (const FindCase& c : cases) {
    const auto* entry = FindAuthsEntry(*config, c.key, c.match);
    EXPECT_EQ(entry ? std::optional<std::string>(entry->first) : std::nullopt, c.found) << c.key;
  }
}

struct SourceCase {
  std::string name;
  std::string json;
  std::string key;
  Kind kind;
  std::string source_name;
};

TEST(ChooseCredentialSource, CredHelpersThenCredsStoreThenAuths) {
  const std::string auths = R"("auths":{"https://127.0.0.1:5000/v2/":{"auth":"dTE6cDE="}})";
  const SourceCase cases[] = {
      {"auths by hostname", "{" + auths + "}", "127.0.0.1:5000", Kind::kAuths, "https://127.0.0.1:5000/v2/"},
      {"nothing", "{" + auths + "}", "other:5000", Kind::kNone, ""},
      {"credHelpers over auths", "{" + auths + R"(,"credHelpers":{"127.0.0.1:5000":"test"}})", "127.0.0.1:5000",
       Kind::kCredHelper, "test"},
      {"credHelpers over credsStore", "{" + auths + R"(,"credsStore":"store","credHelpers":{"127.0.0.1:5000":"test"}})",
       "127.0.0.1:5000", Kind::kCredHelper, "test"},
      {"credHelpers by exact key only", "{" + auths + R"(,"credHelpers":{"https://127.0.0.1:5000":"test"}})",
       "127.0.0.1:5000", Kind::kAuths, "https://127.0.0.1:5000/v2/"},
      {"credHelpers even when not installed", R"({"credHelpers":{"127.0.0.1:5000":"absent"}})", "127.0.0.1:5000",
       Kind::kCredHelper, "absent"},
      {"credsStore over auths", "{" + auths + R"(,"credsStore":"store"})", "127.0.0.1:5000", Kind::kCredsStore,
       "store"},
      {"credsStore for every registry", R"({"credsStore":"store"})", "https://index.docker.io/v1/",
       Kind::kCredsStore, "store"},
      {"credsStore not installed: auths", "{" + auths + R"(,"credsStore":"absent"})", "127.0.0.1:5000", Kind::kAuths,
       "https://127.0.0.1:5000/v2/"},
  };
  auto installed = [](std::string_view helper) { return helper != "absent"; };
  for (const SourceCase& c : cases) {
    base::Result<DockerConfig> config = ParseDockerConfig(c.json);
    ASSERT_TRUE(config.ok()) << c.name << ": " << config.status().message();
    const CredentialSource source = ChooseCredentialSource(*config, c.key, installed);
    EXPECT_EQ(source.kind, c.kind) << c.name;
    EXPECT_EQ(source.name, c.source_name) << c.name;
  }
}

struct HeaderCase {
  std::string name;
  RegistryCredentials credentials;
  std::string server;
  std::string json;  // decoded header, or "" for the anonymous "e30="
};

TEST(RegistryAuthHeader, IsBase64UrlWithPaddingOfTheAuthJson) {
  // The fact sheet's verified header, byte for byte.
  EXPECT_EQ(RegistryAuthHeader(UserPassword("fsuser", "fspass"), "127.0.0.1:5000"),
            "eyJ1c2VybmFtZSI6ImZzdXNlciIsInBhc3N3b3JkIjoiZnNwYXNzIiwic2VydmVyYWRkcmVzcyI6IjEyNy4wLjAuMTo1MDAwIn0=");

  RegistryCredentials identity = UserPassword("fsuser", "fspass");
  identity.identity_token = "my-identity-token";
  RegistryCredentials registry_token;
  registry_token.registry_token = "bearer";
  const HeaderCase cases[] = {
      {"anonymous", RegistryCredentials{}, "127.0.0.1:5000", ""},
      {"identity token replaces user and password", identity, "tok.example:5000",
       R"({"identitytoken":"my-identity-token","serveraddress":"tok.example:5000"})"},
      {"registry token", registry_token, "r", R"({"registrytoken":"bearer","serveraddress":"r"})"},
      {"JSON escaping", UserPassword("u\"1", "p\\2\n"), "r",
       R"({"username":"u\"1","password":"p\\2\n","serveraddress":"r"})"},
      // Standard base64 of this has '+' and '/', which the daemon silently ignores.
      {"URL-safe alphabet", UserPassword("u", "~~~???"), "r",
       R"({"username":"u","password":"~~~???","serveraddress":"r"})"},
  };
  for (const HeaderCase& c : cases) {
    const std::string header = RegistryAuthHeader(c.credentials, c.server);
    if (c.json.empty()) {
      EXPECT_EQ(header, "e30=") << c.name;
      continue;
    }
    EXPECT_EQ(header.find_first_of("+/"), std::string::npos) << c.name << ": " << header;
    EXPECT_EQ(header.size() % 4, 0u) << c.name << ": " << header;
    EXPECT_EQ(base::Base64Decode(header, base::Base64Alphabet::kUrlSafe), c.json) << c.name;
  }
  EXPECT_NE(base::Base64Encode(R"({"username":"u","password":"~~~???","serveraddress":"r"})").find_first_of("+/"),
            std::string::npos)
      << "the URL-safe case must exercise the alphabet";
}

}  // namespace
}  // namespace docker
