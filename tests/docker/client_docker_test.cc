// The client against the real daemon (label "docker"), with the local image
// sidecar-executor-test/busybox:1. Every container is named
// sidecar-docker-test-<what>-<unique> and removed in TearDown, pass or fail.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include "docker/client.h"
#include "docker/docker_host.h"

namespace docker {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr std::string_view kImage = "sidecar-executor-test/busybox:1";
constexpr std::string_view kRunLabel = "sidecar-docker-test.run";

std::string RandomHex() {
  std::random_device random;
  char text[17];
  std::snprintf(text, sizeof(text), "%08x%08x", random(), random());
  return text;
}

net::Endpoint DockerEndpoint() {
  base::Result<net::Endpoint> endpoint =
      EndpointFromEnvironment([](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (!value) return std::nullopt;
        return std::string(value);
      });
  return endpoint.ok() ? *endpoint : net::Endpoint::Unix("/var/run/docker.sock");
}

class DockerClientTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const std::string& name : created_) {
      base::Status removed = Run(client_.Remove(name, /*force=*/true, /*remove_volumes=*/true));
      EXPECT_TRUE(removed.ok() || removed.code() == base::StatusCode::kNotFound)
          << removed.message();
    }
  }

  // Runs one client call to completion, bounded by `limit`. Every client
  // call returns a Status or a Result, so a missed limit becomes a Timeout.
  template <typename T>
  T Run(asio::awaitable<T> op, base::Clock::duration limit = 60s) {
    std::optional<T> result;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          std::optional<T> done = co_await base::WithDeadline(std::move(op), base::After(limit));
          if (done) result.emplace(std::move(*done));
        },
        asio::detached);
    io_.restart();
    io_.run();
    if (!result) return T(base::Status::Timeout("test limit passed"));
    return std::move(*result);
  }

  // A config for a container that the fixture will remove.
  ContainerConfig Config(std::string_view what, std::vector<std::string> cmd) {
    ContainerConfig config;
    config.name = "sidecar-docker-test-" + std::string(what) + "-" + std::to_string(getpid()) +
                  "-" + RandomHex();
    config.image = kImage;
    config.cmd = std::move(cmd);
    config.labels = {{std::string(kRunLabel), run_id_}};
    config.network_mode = "none";  // faster start, and nothing here needs a network
    created_.push_back(config.name);
    return config;
  }

  std::string CreateOrFail(const ContainerConfig& config) {
    base::Result<std::string> id = Run(client_.Create(config));
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : std::string();
  }

  // Registers a next-exit wait, starts, and returns the exit.
  base::Result<ExitStatus> StartAndWait(const std::string& id,
                                        const std::function<void()>& while_running = nullptr) {
    base::Result<ExitWaiter> waiter = Run(client_.WaitForExit(id));
    if (!waiter.ok()) return waiter.status();
    if (base::Status started = Run(client_.Start(id)); !started.ok()) return started;
    if (while_running) while_running();
    return Run(waiter->Result());
  }

  asio::io_context io_;
  Client client_{DockerEndpoint()};
  std::string run_id_ = RandomHex();
  std::vector<std::string> created_;
};

TEST_F(DockerClientTest, NegotiatesTheDaemonsVersion) {
  base::Status status = Run(client_.Negotiate());
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_TRUE(client_.api_version().has_value());
  EXPECT_GE(*client_.api_version(), kMinApiVersion);
  EXPECT_LE(*client_.api_version(), kMaxApiVersion);
}

TEST_F(DockerClientTest, InspectsAPresentImage) {
  base::Result<ImageInfo> info = Run(client_.InspectImage(std::string(kImage)));
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_TRUE(info->id.starts_with("sha256:")) << info->id;
  EXPECT_THAT(info->repo_tags, ::testing::Contains(std::string(kImage)));
}

TEST_F(DockerClientTest, AbsentImageIsNotFound) {
  base::Result<ImageInfo> info = Run(client_.InspectImage("sidecar-executor-test/nosuch:1"));
  EXPECT_EQ(info.status().code(), base::StatusCode::kNotFound) << info.status().message();
}

TEST_F(DockerClientTest, RunsToExitCodeWithStdoutAndStderrApart) {
  ContainerConfig config =
      Config("exit3", {"sh", "-c", "echo out-line; echo err-line >&2; printf no-nl; exit 3"});
  const std::string id = CreateOrFail(config);
  ASSERT_FALSE(id.empty());

  base::Result<ExitStatus> exit = StartAndWait(id);
  ASSERT_TRUE(exit.ok()) << exit.status().message();
  EXPECT_EQ(exit->status_code, 3);
  EXPECT_EQ(exit->error, "");

  std::vector<std::string> out, err;
  base::Result<LogsOutcome> logs =
      Run(client_.Logs(id, {}, [&](LogStream stream, std::string_view line) {
        (stream == LogStream::kStderr ? err : out).emplace_back(line);
      }));
  ASSERT_TRUE(logs.ok()) << logs.status().message();
  EXPECT_EQ(*logs, LogsOutcome::kComplete);
  EXPECT_EQ(out, (std::vector<std::string>{"out-line", "no-nl"}));
  EXPECT_EQ(err, std::vector<std::string>{"err-line"});

  base::Result<ContainerState> state = Run(client_.Inspect(id));
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_EQ(state->id, id);
  EXPECT_EQ(state->name, config.name);
  EXPECT_EQ(state->image, kImage);
  EXPECT_EQ(state->status, "exited");
  EXPECT_FALSE(state->running);
  EXPECT_EQ(state->exit_code, 3);
  EXPECT_FALSE(state->oom_killed);
  EXPECT_FALSE(state->tty);
  EXPECT_FALSE(state->started_at.empty());
  EXPECT_FALSE(state->finished_at.empty());
  EXPECT_EQ(state->labels.at(std::string(kRunLabel)), run_id_);
}

TEST_F(DockerClientTest, FollowsLogsUntilTheContainerExits) {
  const std::string id =
      CreateOrFail(Config("follow", {"sh", "-c", "echo first; sleep 1; echo second >&2"}));
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(Run(client_.Start(id)).ok());
  std::vector<std::pair<LogStream, std::string>> lines;
  base::Result<LogsOutcome> logs = Run(client_.Logs(
      id, LogsOptions{.follow = true},
      [&](LogStream stream, std::string_view line) { lines.emplace_back(stream, line); }));
  ASSERT_TRUE(logs.ok()) << logs.status().message();
  EXPECT_EQ(lines, (std::vector<std::pair<LogStream, std::string>>{
                       {LogStream::kStdout, "first"}, {LogStream::kStderr, "second"}}));
}

TEST_F(DockerClientTest, StopWithGraceKillsAContainerThatIgnoresSigterm) {
  // PID 1 without a TERM handler ignores SIGTERM.
  const std::string id = CreateOrFail(Config("stop", {"sleep", "300"}));
  ASSERT_FALSE(id.empty());
  base::Status stopped;
  base::Result<ExitStatus> exit = StartAndWait(id, [&] { stopped = Run(client_.Stop(id, 1s)); });
  EXPECT_TRUE(stopped.ok()) << stopped.message();
  ASSERT_TRUE(exit.ok()) << exit.status().message();
  EXPECT_EQ(exit->status_code, 137);
  base::Status again = Run(client_.Stop(id, 1s));
  EXPECT_TRUE(again.ok()) << "stopping a stopped container is fine: " << again.message();
}

TEST_F(DockerClientTest, KillEndsTheContainerAndSaysWhenItIsNotRunning) {
  const std::string id = CreateOrFail(Config("kill", {"sleep", "300"}));
  ASSERT_FALSE(id.empty());
  base::Status killed;
  base::Result<ExitStatus> exit = StartAndWait(id, [&] { killed = Run(client_.Kill(id)); });
  EXPECT_TRUE(killed.ok()) << killed.message();
  ASSERT_TRUE(exit.ok()) << exit.status().message();
  EXPECT_EQ(exit->status_code, 137);
  base::Status again = Run(client_.Kill(id));
  EXPECT_EQ(again.code(), base::StatusCode::kConflict) << again.message();
  EXPECT_THAT(again.message(), HasSubstr("kill container " + id));
}

TEST_F(DockerClientTest, ReportsAnOomKill) {
  ContainerConfig config =
      Config("oom", {"sh", "-c", "x=$(head -c 50000000 /dev/zero | tr '\\0' a); echo ${#x}"});
  config.memory_bytes = 16 * 1024 * 1024;
  config.memory_swap_bytes = 16 * 1024 * 1024;
  const std::string id = CreateOrFail(config);
  ASSERT_FALSE(id.empty());
  base::Result<ExitStatus> exit = StartAndWait(id);
  ASSERT_TRUE(exit.ok()) << exit.status().message();
  EXPECT_EQ(exit->status_code, 137);
  base::Result<ContainerState> state = Run(client_.Inspect(id));
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_TRUE(state->oom_killed);
}

TEST_F(DockerClientTest, NameInUseIsAConflict) {
  ContainerConfig config = Config("conflict", {"true"});
  ASSERT_FALSE(CreateOrFail(config).empty());
  base::Result<std::string> second = Run(client_.Create(config));
  EXPECT_EQ(second.status().code(), base::StatusCode::kConflict) << second.status().message();
  EXPECT_THAT(second.status().message(), HasSubstr("create container " + config.name + ": 409 "));
}

TEST_F(DockerClientTest, CreateWithAMissingImageIsNotFound) {
  ContainerConfig config = Config("noimage", {"true"});
  config.image = "sidecar-executor-test/nosuch:1";
  base::Result<std::string> id = Run(client_.Create(config));
  EXPECT_EQ(id.status().code(), base::StatusCode::kNotFound) << id.status().message();
  EXPECT_THAT(id.status().message(),
              HasSubstr("create container " + config.name +
                        ": 404 No such image: sidecar-executor-test/nosuch:1"));
}

TEST_F(DockerClientTest, StartFailureCarriesDockersReason) {
  const std::string id = CreateOrFail(Config("noexec", {"/no/such/binary"}));
  ASSERT_FALSE(id.empty());
  base::Status started = Run(client_.Start(id));
  EXPECT_FALSE(started.ok());
  EXPECT_THAT(started.message(), HasSubstr("start container " + id + ": "));
  EXPECT_THAT(started.message(), HasSubstr("/no/such/binary"));
}

TEST_F(DockerClientTest, NotRunningWaitOnACreatedContainerReturnsAtOnce) {
  const std::string id = CreateOrFail(Config("created", {"true"}));
  ASSERT_FALSE(id.empty());
  base::Result<ExitWaiter> waiter = Run(client_.WaitForExit(id, WaitCondition::kNotRunning));
  ASSERT_TRUE(waiter.ok()) << waiter.status().message();
  base::Result<ExitStatus> exit = Run(waiter->Result(), 30s);
  ASSERT_TRUE(exit.ok()) << exit.status().message();
  EXPECT_EQ(exit->status_code, 0);
}

TEST_F(DockerClientTest, RemoveDeletesAndThenReportsNotFound) {
  const std::string id = CreateOrFail(Config("remove", {"true"}));
  ASSERT_FALSE(id.empty());
  base::Status removed = Run(client_.Remove(id, false, true));
  ASSERT_TRUE(removed.ok()) << removed.message();
  EXPECT_EQ(Run(client_.Inspect(id)).status().code(), base::StatusCode::kNotFound);
  base::Status again = Run(client_.Remove(id, true, true));
  EXPECT_EQ(again.code(), base::StatusCode::kNotFound) << again.message();
  EXPECT_EQ(Run(client_.WaitForExit(id)).status().code(), base::StatusCode::kNotFound);
}

TEST_F(DockerClientTest, ListsContainersByLabel) {
  ContainerConfig a = Config("list-a", {"true"});
  ContainerConfig b = Config("list-b", {"true"});
  ASSERT_FALSE(CreateOrFail(a).empty());
  ASSERT_FALSE(CreateOrFail(b).empty());
  base::Result<std::vector<ContainerSummary>> list =
      Run(client_.ListContainers({std::string(kRunLabel) + "=" + run_id_}));
  ASSERT_TRUE(list.ok()) << list.status().message();
  std::vector<std::string> names;
  for (const ContainerSummary& c : *list) names.insert(names.end(), c.names.begin(), c.names.end());
  EXPECT_THAT(names, ::testing::UnorderedElementsAre(a.name, b.name));
}

TEST_F(DockerClientTest, PullFromAnUnreachableRegistryFailsClearly) {
  base::Result<ImageReference> image = ParseImageReference("127.0.0.1:1/x:1");
  ASSERT_TRUE(image.ok());
  base::Status pulled = Run(client_.PullWithRetry(
      *image, "e30=", nullptr, 30s, RetryPolicy{.attempts = 2, .first_backoff = 10ms}));
  EXPECT_FALSE(pulled.ok());
  EXPECT_NE(pulled.code(), base::StatusCode::kTimeout) << pulled.message();
  EXPECT_THAT(pulled.message(), HasSubstr("pull image 127.0.0.1:1/x:1: "));
  EXPECT_THAT(pulled.message(), HasSubstr("127.0.0.1:1/v2/"));
}

}  // namespace
}  // namespace docker
