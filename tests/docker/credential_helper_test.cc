// The credential helper protocol's `get` (docker-engine-api.md §3.3): the
// answer's meaning, finding the helper on PATH, and running real helper
// scripts.
#include "docker/credential_helper.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/coroutine_test.h"

namespace docker {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

RegistryCredentials UserPassword(std::string user, std::string password) {
  RegistryCredentials c;
  c.username = std::move(user);
  c.password = std::move(password);
  return c;
}

RegistryCredentials IdentityToken(std::string token) {
  RegistryCredentials c;
  c.identity_token = std::move(token);
  return c;
}

struct AnswerCase {
  std::string name;
  int exit_code;
  std::string output;
  std::optional<RegistryCredentials> expected;  // when the answer is ok
  std::string failure;                          // else: part of the message
};

TEST(ParseCredentialHelperAnswer, FollowsTheProtocol) {
  const AnswerCase cases[] = {
      {"credentials", 0, R"({"ServerURL":"127.0.0.1:5000","Username":"fsuser","Secret":"fspass"})",
       UserPassword("fsuser", "fspass"), ""},
      {"trailing newline", 0, "{\"ServerURL\":\"r\",\"Username\":\"u\",\"Secret\":\"s\"}\n", UserPassword("u", "s"), ""},
      {"identity token", 0, R"({"ServerURL":"tok.example:5000","Username":"<token>","Secret":"my-identity-token"})",
       IdentityToken("my-identity-token"), ""},
      {"not found", 1, "credentials not found in native keychain\n", std::nullopt, ""},
      {"empty answer", 0, R"({"ServerURL":"","Username":"","Secret":""})", std::nullopt, ""},
      {"failure", 3, "pass store is locked\n", std::nullopt, "exited with status 3: pass store is locked"},
      {"silent failure", 1, "", std::nullopt, "exited with status 1"},
      {"not JSON", 0, "fsuser fspass-s3cret", std::nullopt, "something other than"},
      {"no Secret", 0, R"({"Username":"u","Password":"s3cret"})", std::nullopt, "something other than"},
  };
  for (const AnswerCase& c : cases) {
    base::ExitStatus exit;
    exit.code = c.exit_code;
    base::Result<std::optional<RegistryCredentials>> answer = ParseCredentialHelperAnswer(exit, c.output);
    if (!c.failure.empty()) {
      ASSERT_FALSE(answer.ok()) << c.name;
      EXPECT_THAT(answer.status().message(), HasSubstr(c.failure)) << c.name;
      EXPECT_THAT(answer.status().message(), Not(HasSubstr("s3cret"))) << c.name;
      continue;
    }
    ASSERT_TRUE(answer.ok()) << c.name << ": " << answer.status().message();
    EXPECT_EQ(*answer, c.expected) << c.name;
  }
}

class TempDir {
 public:
  TempDir() {
    std::string path = "/tmp/credential-helper-test-XXXXXX";
    path_ = mkdtemp(path.data()) ? path : "";
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

  // A shell script named `name`, executable unless said otherwise.
  std::string Script(const std::string& name, const std::string& body, bool executable = true) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file) << "#!/bin/sh\n" << body;
    chmod(file.c_str(), executable ? 0755 : 0644);
    return file;
  }

 private:
  std::string path_;
};

TEST(FindCredentialHelper, SearchesAbsolutePathEntriesForAnExecutable) {
  TempDir a;
  TempDir b;
  a.Script("docker-credential-plain", "", /*executable=*/false);
  const std::string in_b = b.Script("docker-credential-plain", "");
  const std::string in_a = a.Script("docker-credential-both", "");
  b.Script("docker-credential-both", "");
  std::filesystem::create_directory(a.path() + "/docker-credential-dir");

  EXPECT_EQ(FindCredentialHelper("plain", a.path() + ":" + b.path()), in_b);  // not executable in a
  EXPECT_EQ(FindCredentialHelper("both", a.path() + "/:" + b.path()), in_a);  // first wins
  EXPECT_EQ(FindCredentialHelper("dir", a.path()), std::nullopt);
  EXPECT_EQ(FindCredentialHelper("absent", a.path() + ":" + b.path()), std::nullopt);
  EXPECT_EQ(FindCredentialHelper("plain", ""), std::nullopt);
  EXPECT_EQ(FindCredentialHelper("../plain", a.path()), std::nullopt);
  // Relative entries would depend on the working directory.
  const std::string cwd = std::filesystem::current_path();
  std::filesystem::current_path(b.path());
  EXPECT_EQ(FindCredentialHelper("plain", ".:"), std::nullopt);
  std::filesystem::current_path(cwd);
}

// A helper that checks its protocol: argv is exactly "get", stdin is exactly
// the key (no trailing newline). (That it inherits no descriptor of ours is
// ChildProcess's promise, tested there.)
const char kStrictHelper[] = R"(
[ "$#" = 1 ] && [ "$1" = get ] || { echo "bad arguments: $*"; exit 9; }
key=$(cat; echo x); key=${key%x}
case "$key" in
  127.0.0.1:5000) printf '{"ServerURL":"%s","Username":"fsuser","Secret":"%s"}' "$key" "$SECRET_FROM_ENV" ;;
  tok.example:5000) printf '{"ServerURL":"%s","Username":"<token>","Secret":"my-identity-token"}' "$key" ;;
  slow.example) exec sleep 30 ;;
  broken.example) echo "the store is locked"; echo "noise" >&2; exit 4 ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
)";

struct RunCase {
  std::string key;
  std::optional<RegistryCredentials> expected;
  std::optional<base::StatusCode> failure;
  std::string says;
};

TEST(GetFromCredentialHelper, RunsTheHelperWithTheKeyOnStdin) {
  TempDir dir;
  const std::string program = dir.Script("docker-credential-strict", kStrictHelper);
  const RunCase cases[] = {
      {"127.0.0.1:5000", UserPassword("fsuser", "from-the-environment"), std::nullopt, ""},
      {"tok.example:5000", IdentityToken("my-identity-token"), std::nullopt, ""},
      {"https://index.docker.io/v1/", std::nullopt, std::nullopt, ""},
      {"broken.example", std::nullopt, base::StatusCode::kFailed,
       program + " get for broken.example: exited with status 4: the store is locked"},
      {"slow.example", std::nullopt, base::StatusCode::kTimeout, program + " get for slow.example: no answer in time"},
  };
  for (const RunCase& c : cases) {
    test::RunCoroutine([&](asio::any_io_executor) -> asio::awaitable<void> {
      CredentialHelperCall call;
      call.program = program;
      call.server_key = c.key;
      call.environment = {{"PATH", "/usr/bin:/bin"}, {"SECRET_FROM_ENV", "from-the-environment"}};
      call.deadline = base::After(c.failure == base::StatusCode::kTimeout ? 300ms : 10s);
      base::Result<std::optional<RegistryCredentials>> answer = co_await GetFromCredentialHelper(call);
      if (c.failure) {
        CO_ASSERT_TRUE(!answer.ok());
        EXPECT_EQ(answer.status().code(), *c.failure) << c.key;
        EXPECT_EQ(answer.status().message(), c.says) << c.key;
        co_return;
      }
      CO_ASSERT_OK(answer);
      EXPECT_EQ(*answer, c.expected) << c.key;
    });
  }
}

TEST(GetFromCredentialHelper, AMissingProgramFails) {
  test::RunCoroutine([](asio::any_io_executor) -> asio::awaitable<void> {
    CredentialHelperCall call;
    call.program = "/nonexistent/docker-credential-x";
    call.server_key = "r";
    call.deadline = base::After(10s);
    base::Result<std::optional<RegistryCredentials>> answer = co_await GetFromCredentialHelper(call);
    CO_ASSERT_TRUE(!answer.ok());
    EXPECT_THAT(answer.status().message(), HasSubstr("/nonexistent/docker-credential-x get for r"));
  });
}

}  // namespace
}  // namespace docker
