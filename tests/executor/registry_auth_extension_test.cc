// RegistryAuthExtension: which credentials a task's pull carries, from real
// config files and real helper scripts (no Docker needed).
#include "executor/registry_auth_extension.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "base/base64.h"
#include "executor/redactor.h"
#include "tests/support/coroutine_test.h"

namespace executor {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr char kHub[] = "https://index.docker.io/v1/";

class RegistryAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string path = "/tmp/registry-auth-test-XXXXXX";
    ASSERT_NE(mkdtemp(path.data()), nullptr);
    dir_ = path;
    std::filesystem::create_directories(dir_ + "/config");
    std::filesystem::create_directories(dir_ + "/home");
    std::filesystem::create_directories(dir_ + "/bin");
    env_ = {{"DOCKER_CONFIG", dir_ + "/config"}, {"HOME", dir_ + "/home"}, {"PATH", dir_ + "/bin:/usr/bin:/bin"}};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& relative, const std::string& text) const { std::ofstream(dir_ + "/" + relative) << text; }

  // A helper docker-credential-<name> that answers for `key` only.
  void Helper(const std::string& name, const std::string& key, const std::string& answer) const {
    const std::string file = dir_ + "/bin/docker-credential-" + name;
    std::ofstream(file) << "#!/bin/sh\n[ \"$(cat)\" = '" << key << "' ] || { echo 'credentials not found in native "
                        << "keychain'; exit 1; }\nprintf '%s' '" << answer << "'\n";
    chmod(file.c_str(), 0755);
  }

  // The X-Registry-Auth the extension sets for `image`, decoded ("" for e30=).
  std::string AuthFor(const std::string& image, const std::string& docker_repository = kHub) {
    RegistryAuthOptions options;
    options.getenv = [env = env_](std::string_view name) -> std::optional<std::string> {
      auto found = env.find(std::string(name));
      if (found == env.end()) return std::nullopt;
      return found->second;
    };
    options.helper_environment = {{"PATH", "/usr/bin:/bin"}};
    options.docker_repository = docker_repository;
    options.helper_timeout = 10s;
    RegistryAuthExtension extension(options);
    ContainerPlan plan;
    plan.config.image = image;
    LaunchPreparation preparation{plan};
    test::RunCoroutine([&](asio::any_io_executor) -> asio::awaitable<void> {
      const base::Status prepared = co_await extension.PrepareLaunch(preparation);
      EXPECT_TRUE(prepared.ok()) << prepared.message();
    });
    if (preparation.registry_auth == "e30=") return "";
    return base::Base64Decode(preparation.registry_auth, base::Base64Alphabet::kUrlSafe).value_or("(not base64url)");
  }

  std::string dir_;
  std::map<std::string, std::string> env_;
};

TEST_F(RegistryAuthTest, UsesTheAuthsEntryOfTheImagesRegistry) {
  Write("config/config.json", R"({"auths":{
    "127.0.0.1:5000":{"auth":"ZnN1c2VyOmZzcGFzcy1zZWNyZXQ="},
    "https://other.example/v2/":{"username":"o","password":"other-secret"}}})");
  EXPECT_EQ(AuthFor("127.0.0.1:5000/team/app:1"),
            R"({"username":"fsuser","password":"fspass-secret","serveraddress":"127.0.0.1:5000"})");
  EXPECT_EQ(AuthFor("other.example/app"),
            R"({"username":"o","password":"other-secret","serveraddress":"other.example"})");
  EXPECT_EQ(AuthFor("127.0.0.1:5001/app:1"), "");  // another registry: nothing
  // The secrets are known to the redactor before anything logs them.
  EXPECT_EQ(GlobalRedactor().Scrub("pw fspass-secret, other-secret"), "pw [REDACTED], [REDACTED]");
}

TEST_F(RegistryAuthTest, FindsTheConfigUnderHomeWithoutDockerConfig) {
  env_.erase("DOCKER_CONFIG");
  std::filesystem::create_directories(dir_ + "/home/.docker");
  Write("home/.docker/config.json", R"({"auths":{"https://index.docker.io/v1/":{"username":"hub","password":"hubpass"}}})");
  EXPECT_EQ(AuthFor("busybox"), R"({"username":"hub","password":"hubpass","serveraddress":"https://index.docker.io/v1/"})");
}

TEST_F(RegistryAuthTest, FallsBackToTheLegacyDockercfgOnlyWithoutConfigJson) {
  Write("home/.dockercfg", R"({"127.0.0.1:5000":{"auth":"bGVnYWN5OmxlZ2FjeXB3"}})");
  EXPECT_EQ(AuthFor("127.0.0.1:5000/app:1"),
            R"({"username":"legacy","password":"legacypw","serveraddress":"127.0.0.1:5000"})");
  Write("config/config.json", R"({"auths":{}})");
  EXPECT_EQ(AuthFor("127.0.0.1:5000/app:1"), "");
}

TEST_F(RegistryAuthTest, AsksCredentialHelpersBeforeAuths) {
  Helper("test", "127.0.0.1:5000", R"({"ServerURL":"127.0.0.1:5000","Username":"helper-user","Secret":"helper-pass"})");
  Helper("tokens", "tok.example:5000", R"({"ServerURL":"tok.example:5000","Username":"<token>","Secret":"tok-identity"})");
  Write("config/config.json", R"({
    "auths":{"127.0.0.1:5000":{"auth":"ZnN1c2VyOmZzcGFzcw=="}},
    "credHelpers":{"127.0.0.1:5000":"test","tok.example:5000":"tokens","none.example":"test"}})");
  EXPECT_EQ(AuthFor("127.0.0.1:5000/app:1"),
            R"({"username":"helper-user","password":"helper-pass","serveraddress":"127.0.0.1:5000"})");
  EXPECT_EQ(AuthFor("tok.example:5000/app:1"), R"({"identitytoken":"tok-identity","serveraddress":"tok.example:5000"})");
  EXPECT_EQ(AuthFor("none.example/app:1"), "");  // "credentials not found": anonymous
  EXPECT_EQ(GlobalRedactor().Scrub("helper-pass tok-identity"), "[REDACTED] [REDACTED]");
}

TEST_F(RegistryAuthTest, UsesTheCredsStoreForEveryRegistryUnlessItIsMissing) {
  Helper("store", "127.0.0.1:5000", R"({"ServerURL":"127.0.0.1:5000","Username":"store-user","Secret":"store-pass"})");
  Write("config/config.json", R"({"auths":{"127.0.0.1:5000":{"auth":"ZnN1c2VyOmZzcGFzcw=="},
    "127.0.0.1:5001":{"auth":"ZnN1c2VyOmZzcGFzcw=="}}, "credsStore":"store"})");
  EXPECT_EQ(AuthFor("127.0.0.1:5000/app:1"),
            R"({"username":"store-user","password":"store-pass","serveraddress":"127.0.0.1:5000"})");
  EXPECT_EQ(AuthFor("127.0.0.1:5001/app:1"), "");  // the store has nothing: auths is not consulted
  Write("config/config.json", R"({"auths":{"127.0.0.1:5000":{"auth":"ZnN1c2VyOmZzcGFzcw=="}}, "credsStore":"gone"})");
  EXPECT_EQ(AuthFor("127.0.0.1:5000/app:1"),
            R"({"username":"fsuser","password":"fspass","serveraddress":"127.0.0.1:5000"})");
}

TEST_F(RegistryAuthTest, AFailingOrMissingHelperMeansNoCredentialsNotAFailedLaunch) {
  const std::string file = dir_ + "/bin/docker-credential-broken";
  std::ofstream(file) << "#!/bin/sh\necho 'the store is locked'\nexit 3\n";
  chmod(file.c_str(), 0755);
  Write("config/config.json", R"({"credHelpers":{"127.0.0.1:5000":"broken","127.0.0.1:5001":"absent"}})");
  EXPECT_EQ(AuthFor("127.0.0.1:5000/app:1"), "");
  EXPECT_EQ(AuthFor("127.0.0.1:5001/app:1"), "");
}

TEST_F(RegistryAuthTest, KeepsUpstreamsDockerRepositoryEntryForRegistriesWithoutTheirOwn) {
  Write("config/config.json", R"({"auths":{
    "https://index.docker.io/v1/":{"username":"hub","password":"hubpass"},
    "my-repo":{"username":"repo","password":"repopass"},
    "127.0.0.1:5000":{"username":"own","password":"ownpass"}}})");
  // Default EXECUTOR_DOCKER_REPOSITORY: the Hub entry, as upstream sent it everywhere.
  EXPECT_EQ(AuthFor("quay.example/app:1"),
            R"({"username":"hub","password":"hubpass","serveraddress":"quay.example"})");
  // A registry with its own entry keeps it.
  EXPECT_EQ(AuthFor("127.0.0.1:5000/app:1", "my-repo"),
            R"({"username":"own","password":"ownpass","serveraddress":"127.0.0.1:5000"})");
  // Upstream matched the key exactly, and so does the fallback.
  EXPECT_EQ(AuthFor("quay.example/app:1", "my-repo"),
            R"({"username":"repo","password":"repopass","serveraddress":"quay.example"})");
  EXPECT_EQ(AuthFor("quay.example/app:1", "https://my-repo/v1/"), "");
}

TEST_F(RegistryAuthTest, AnUnusableConfigMeansNoCredentials) {
  Write("config/config.json", R"({"auths":{"127.0.0.1:5000":{"auth":"not base64!"}}})");
  EXPECT_EQ(AuthFor("127.0.0.1:5000/app:1"), "");
  Write("config/config.json", "{");
  EXPECT_EQ(AuthFor("127.0.0.1:5000/app:1"), "");
  EXPECT_EQ(AuthFor("Not A Reference"), "");  // the pull itself reports that
}

TEST(HomeDirectory, IsHomeElseThePasswdEntry) {
  EXPECT_EQ(HomeDirectory("/some/home"), "/some/home");
  const passwd* entry = getpwuid(getuid());
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(HomeDirectory(std::nullopt), entry->pw_dir);
  EXPECT_EQ(HomeDirectory(""), entry->pw_dir);
}

}  // namespace
}  // namespace executor
