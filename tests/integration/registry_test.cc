// Pulls from a private registry: the real executor, a real registry with
// htpasswd authentication (tests/support/local_registry.h), the real Docker
// daemon. Credentials come from a Docker client config given to the
// executor through DOCKER_CONFIG, as an operator would.
#include <gmock/gmock.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>

#include "base/base64.h"
#include "docker/client.h"
#include "tests/integration/executor_harness.h"
#include "tests/support/local_registry.h"
#include "tools/local_agent/executor_environment.h"

namespace integration {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kUser[] = "it-user";
constexpr char kPassword[] = "it-pass-7f3c9a";

class RegistryTest : public ExecutorTest {
 protected:
  void SetUp() override {
    ExecutorTest::SetUp();
    base::Result<std::unique_ptr<test::LocalRegistry>> registry = test::LocalRegistry::Start(kUser, kPassword);
    ASSERT_TRUE(registry.ok()) << registry.status().message();
    registry_ = std::move(registry).value();
    std::random_device random;
    const std::string name = "it-" + std::to_string(random() % 1000000) + ":1";
    const base::Status pushed = registry_->Push(kImage, name);
    ASSERT_TRUE(pushed.ok()) << pushed.message();
    image_ = registry_->host() + "/" + name;
    config_dir_ = sandbox_ + "-docker-config";
    std::filesystem::create_directories(config_dir_ + "/bin");
    extra_env_.emplace_back("DOCKER_CONFIG", config_dir_);
  }

  void TearDown() override {
    // Only the tag this test pulled goes; the local image stays.
    if (!image_.empty()) {
      const base::Status removed = test::LocalRegistry::RemoveLocally(image_);
      EXPECT_TRUE(removed.ok()) << removed.message();
    }
    registry_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(config_dir_, ignored);
    ExecutorTest::TearDown();
  }

  void WriteConfig(const std::string& json) const { std::ofstream(config_dir_ + "/config.json") << json; }

  // `"<registry>":{"auth":"<base64 user:password>"}`, as `docker login` writes it.
  std::string AuthsEntry(const std::string& password) const {
    return "\"" + registry_->host() + R"(":{"auth":")" + base::Base64Encode(std::string(kUser) + ":" + password) +
           "\"}";
  }

  // docker-credential-it on the executor's PATH, named in credHelpers for
  // our registry; it answers `password`, or "credentials not found" when
  // there is none. auths holds another password, which must not matter.
  void UseHelper(const std::optional<std::string>& password) {
    const std::string file = config_dir_ + "/bin/docker-credential-it";
    std::ofstream script(file);
    script << "#!/bin/sh\n"
           << "[ \"$1\" = get ] && [ \"$(cat)\" = '" << registry_->host() << "' ] || exit 2\n";
    if (password) {
      script << "printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}' '" << registry_->host()
             << "' '" << kUser << "' '" << *password << "'\n";
    } else {
      script << "echo 'credentials not found in native keychain'; exit 1\n";
    }
    script.close();
    chmod(file.c_str(), 0755);
    extra_env_.emplace_back("PATH", config_dir_ + "/bin:" + std::string(local_agent::kDefaultPath));
    const std::string other = password == kPassword ? "not-the-password" : std::string(kPassword);
    WriteConfig(R"({"auths":{)" + AuthsEntry(other) + R"(},"credHelpers":{")" + registry_->host() + R"(":"it"}})");
  }

  boost::json::object RegistryTask(bool force_pull = false) const {
    local_agent::TaskSpec spec = Spec("echo pulled and ran");
    spec.image = image_;
    boost::json::object task = Task(spec);
    if (force_pull) task["container"].as_object()["docker"].as_object()["force_pull_image"] = true;
    return task;
  }

  // Runs the task; its terminal update must be `state`. Returns its message.
  std::string RunToEnd(const boost::json::object& task, const std::string& state) {
    std::string message;
    RunExecutor(&task, [&](Run& run) -> asio::awaitable<void> {
      auto starting = co_await ExpectState(run.agent, run.task_id, "TASK_STARTING");
      CO_ASSERT_OK(starting);
      auto ended = co_await run.agent.WaitForState(run.task_id, state, base::After(std::chrono::seconds(90)));
      CO_ASSERT_OK(ended);
      message = ended->message;
      if (state == "TASK_FAILED") {
        EXPECT_EQ(ended->reason, "REASON_CONTAINER_LAUNCH_FAILED");
      }
      auto exit = co_await ExecutorExit(run.agent);
      CO_ASSERT_OK(exit);
    });
    return message;
  }

  bool PresentLocally() const {
    bool present = false;
    test::RunCoroutine([&](asio::any_io_executor) -> asio::awaitable<void> {
      docker::Client docker(net::Endpoint::Unix("/var/run/docker.sock"));
      const base::Result<docker::ImageInfo> info = co_await docker.InspectImage(image_);
      present = info.ok();
    });
    return present;
  }

  std::string Log() const { return ExecutorStdout() + ExecutorStderr(); }

  std::unique_ptr<test::LocalRegistry> registry_;
  std::string image_;
  std::string config_dir_;
};

TEST_F(RegistryTest, PullsWithTheCredentialsOfTheAuthsEntry) {
  WriteConfig(R"({"auths":{)" + AuthsEntry(kPassword) + "}}");
  EXPECT_FALSE(PresentLocally());
  RunToEnd(RegistryTask(), "TASK_FINISHED");
  EXPECT_TRUE(PresentLocally());
  EXPECT_THAT(Log(), HasSubstr("Registry credentials for " + registry_->host() + ": user 'it-user' from auths entry"));
  EXPECT_THAT(Log(), HasSubstr("Pulling Docker image '" + image_ + "' (not present locally)"));
  EXPECT_THAT(Log(), HasSubstr("Pulled " + image_));
  EXPECT_THAT(Log(), Not(HasSubstr(kPassword)));
}

TEST_F(RegistryTest, AWrongPasswordInAuthsFailsTheTaskSayingAuthenticationFailed) {
  WriteConfig(R"({"auths":{)" + AuthsEntry("wrong-password") + "}}");
  const std::string message = RunToEnd(RegistryTask(), "TASK_FAILED");
  // Said once: not retried.
  EXPECT_EQ(message, "Failed to pull image " + image_ + ": authentication failed for registry " + registry_->host() +
                         ": unauthorized: authentication required");
  EXPECT_FALSE(PresentLocally());
}

TEST_F(RegistryTest, MissingCredentialsFailTheTaskSayingAuthenticationFailed) {
  // DOCKER_CONFIG names a directory without config.json.
  const std::string message = RunToEnd(RegistryTask(), "TASK_FAILED");
  EXPECT_THAT(message, HasSubstr("authentication failed for registry " + registry_->host() + ": "));
  EXPECT_THAT(message, HasSubstr("no basic auth credentials"));
  EXPECT_THAT(Log(), HasSubstr("No registry credentials for " + registry_->host()));
}

TEST_F(RegistryTest, PullsWithTheCredentialsOfAHelper) {
  UseHelper(std::string(kPassword));
  RunToEnd(RegistryTask(), "TASK_FINISHED");
  EXPECT_THAT(Log(), HasSubstr("Registry credentials for " + registry_->host() + ": user 'it-user' from " +
                               config_dir_ + "/bin/docker-credential-it (credHelpers"));
  EXPECT_THAT(Log(), HasSubstr("Pulled " + image_));
  EXPECT_THAT(Log(), Not(HasSubstr(kPassword)));
}

TEST_F(RegistryTest, AWrongPasswordFromAHelperFailsTheTask) {
  UseHelper(std::string("wrong-password"));
  const std::string message = RunToEnd(RegistryTask(), "TASK_FAILED");
  EXPECT_THAT(message, HasSubstr("authentication failed for registry " + registry_->host() +
                                 ": unauthorized: authentication required"));
}

TEST_F(RegistryTest, AHelperWithoutAnEntryMeansNoCredentials) {
  UseHelper(std::nullopt);  // auths has the right password, but the helper decides (§3.2)
  const std::string message = RunToEnd(RegistryTask(), "TASK_FAILED");
  EXPECT_THAT(message, HasSubstr("authentication failed for registry " + registry_->host()));
  EXPECT_THAT(message, HasSubstr("no basic auth credentials"));
  EXPECT_THAT(Log(), HasSubstr("docker-credential-it (credHelpers) has no entry"));
}

TEST_F(RegistryTest, APresentImageIsNotPulled) {
  // No credentials at all: a pull would fail.
  ASSERT_TRUE(test::LocalRegistry::TagLocally(kImage, image_).ok());
  RunToEnd(RegistryTask(), "TASK_FINISHED");
  EXPECT_THAT(Log(), HasSubstr("Image " + image_ + " is present"));
  EXPECT_THAT(Log(), Not(HasSubstr("Pulling Docker image")));
}

TEST_F(RegistryTest, ForcePullPullsAPresentImage) {
  ASSERT_TRUE(test::LocalRegistry::TagLocally(kImage, image_).ok());
  WriteConfig(R"({"auths":{)" + AuthsEntry(kPassword) + "}}");
  RunToEnd(RegistryTask(/*force_pull=*/true), "TASK_FINISHED");
  EXPECT_THAT(Log(), HasSubstr("Pulling Docker image '" + image_ + "' (force_pull_image is set)"));
  // The daemon's own words: it did ask the registry.
  EXPECT_THAT(Log(), HasSubstr("Status: Image is up to date for " + image_));
}

TEST_F(RegistryTest, ForcePullOfAPresentImageStillNeedsCredentials) {
  ASSERT_TRUE(test::LocalRegistry::TagLocally(kImage, image_).ok());
  WriteConfig(R"({"auths":{)" + AuthsEntry("wrong-password") + "}}");
  const std::string message = RunToEnd(RegistryTask(/*force_pull=*/true), "TASK_FAILED");
  EXPECT_THAT(message, HasSubstr("authentication failed for registry " + registry_->host()));
}

}  // namespace
}  // namespace integration
