#include "tests/support/local_registry.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include "base/deadline.h"
#include "docker/docker_config.h"
#include "docker/pull_progress.h"
#include "net/http_client.h"

namespace test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr char kRegistryProgram[] = "/usr/bin/docker-registry";
constexpr char kHtpasswdProgram[] = "/usr/bin/htpasswd";
constexpr char kDockerSocket[] = "/var/run/docker.sock";
constexpr auto kStartLimit = 30s;
constexpr auto kDockerCallLimit = 120s;
// Between two readiness probes of a starting registry.
constexpr auto kProbeInterval = 20ms;
// A port picked free may be taken before the registry binds it.
constexpr int kStartAttempts = 3;

// Runs `body` on `io` until it has finished.
base::Status RunOn(asio::io_context& io, std::function<asio::awaitable<base::Status>()> body) {
  std::optional<base::Status> result;
  io.restart();
  asio::co_spawn(io, body(), [&](std::exception_ptr error, base::Status status) {
    result = error ? base::Status::Failed("exception in the local registry helper") : std::move(status);
  });
  while (!result && io.run_one() > 0) {
  }
  return result.value_or(base::Status::Failed("the local registry helper stopped early"));
}

base::Result<uint16_t> FreePort() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  acceptor.open(asio::ip::tcp::v4(), ec);
  if (!ec) acceptor.bind(asio::ip::tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0), ec);
  if (ec) return base::Status::Failed("no free port: " + ec.message());
  return acceptor.local_endpoint().port();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One Engine API call; `ok` is the expected status.
asio::awaitable<base::Result<net::Response>> CallDocker(net::http::verb method, std::string target, unsigned ok,
                                                        std::string registry_auth = "") {
  net::Request request;
  request.method = method;
  request.target = std::move(target);
  if (!registry_auth.empty()) request.headers.emplace_back("X-Registry-Auth", registry_auth);
  base::Result<net::Response> response =
      co_await net::Fetch(net::Endpoint::Unix(kDockerSocket), request, base::After(kDockerCallLimit));
  if (response.ok() && response->status != ok) co_return base::Status::Failed(net::DescribeFailure(request, *response));
  co_return response;
}

// "repo:tag" -> {"repo", "tag"}.
std::pair<std::string, std::string> SplitTag(const std::string& name) {
  const std::size_t colon = name.rfind(':');
  if (colon == std::string::npos || name.find('/', colon) != std::string::npos) return {name, "latest"};
  return {name.substr(0, colon), name.substr(colon + 1)};
}

asio::awaitable<base::Status> Tag(std::string source, std::string image) {
  const std::pair<std::string, std::string> parts = SplitTag(image);
  std::string target = "/images/" + source + "/tag?repo=" + parts.first + "&tag=" + parts.second;
  const base::Result<net::Response> tagged = co_await CallDocker(net::http::verb::post, std::move(target), 201);
  co_return tagged.status();
}

asio::awaitable<base::Status> Untag(std::string image) {
  std::string target = "/images/" + image;
  const base::Result<net::Response> removed = co_await CallDocker(net::http::verb::delete_, std::move(target), 200);
  if (!removed.ok() && removed.status().message().find("404") != std::string::npos) co_return base::Status::Ok();
  co_return removed.status();
}

}  // namespace

LocalRegistry::LocalRegistry(std::string directory, std::string username, std::string password)
    : directory_(std::move(directory)), username_(std::move(username)), password_(std::move(password)) {}

LocalRegistry::~LocalRegistry() {
  child_.reset();  // kills and reaps the registry before its files go
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

base::Result<std::unique_ptr<LocalRegistry>> LocalRegistry::Start(const std::string& username,
                                                                  const std::string& password) {
  std::string directory = "/tmp/sidecar-registry-XXXXXX";
  if (!mkdtemp(directory.data())) return base::Status::Failed("cannot create a directory for the registry");
  std::unique_ptr<LocalRegistry> registry(new LocalRegistry(directory, username, password));
  std::filesystem::create_directory(directory + "/data");
  base::Status started = base::Status::Failed("not started");
  for (int attempt = 0; attempt < kStartAttempts && !started.ok(); ++attempt) started = registry->Launch();
  if (!started.ok()) return started;
  return registry;
}

base::Status LocalRegistry::Launch() {
  child_.reset();
  const base::Result<uint16_t> port = FreePort();
  if (!port.ok()) return port.status();
  port_ = *port;
  host_ = "127.0.0.1:" + std::to_string(port_);
  std::ofstream(directory_ + "/config.yml") << "version: 0.1\n"
                                            << "log:\n  level: info\n"
                                            << "storage:\n  filesystem:\n    rootdirectory: " << directory_ << "/data\n"
                                            << "  delete:\n    enabled: true\n"
                                            << "http:\n  addr: " << host_ << "\n"
                                            << "auth:\n  htpasswd:\n    realm: sidecar-test\n"
                                            << "    path: " << directory_ << "/htpasswd\n";
  return RunOn(io_, [this]() -> asio::awaitable<base::Status> {
    const auto executor = co_await asio::this_coro::executor;
    // bcrypt entry; the password goes in on stdin, not in argv.
    base::SpawnOptions htpasswd;
    htpasswd.path = kHtpasswdProgram;
    htpasswd.args.push_back("-Bin");
    htpasswd.args.push_back(username_);
    htpasswd.environment.emplace_back("PATH", "/usr/bin:/bin");
    htpasswd.input = password_;
    htpasswd.capture_stdout_limit = 4096;
    base::Result<std::unique_ptr<base::ChildProcess>> hasher = base::ChildProcess::Spawn(executor, htpasswd);
    if (!hasher.ok()) co_return hasher.status();
    const base::Result<base::ExitStatus> hashed = co_await (*hasher)->WaitExit(base::After(kStartLimit));
    if (!hashed.ok() || !hashed->success()) co_return base::Status::Failed("htpasswd failed");
    std::ofstream(directory_ + "/htpasswd") << (*hasher)->captured_stdout();

    base::SpawnOptions options;
    options.path = kRegistryProgram;
    options.args.push_back("serve");
    options.args.push_back(directory_ + "/config.yml");
    options.environment.emplace_back("PATH", "/usr/bin:/bin");
    options.stdout_file = directory_ + "/registry.log";
    options.stderr_file = directory_ + "/registry.log";
    base::Result<std::unique_ptr<base::ChildProcess>> child = base::ChildProcess::Spawn(executor, options);
    if (!child.ok()) co_return child.status();
    child_ = std::move(child).value();

    // Ready once /v2/ asks for credentials.
    const base::Deadline deadline = base::After(kStartLimit);
    net::Request probe;
    probe.target = "/v2/";
    const net::Endpoint endpoint = net::Endpoint::Tcp("127.0.0.1", port_);
    while (base::Clock::now() < deadline) {
      const base::Result<net::Response> answer = co_await net::Fetch(endpoint, probe, base::After(1s));
      if (answer.ok() && answer->status == 401) co_return base::Status::Ok();
      if (!child_->running()) {
        co_return base::Status::Failed("docker-registry on " + host_ + " " + child_->exit_status()->ToString() +
                                       ": " + ReadFile(directory_ + "/registry.log"));
      }
      co_await base::SleepUntil(base::After(kProbeInterval));
    }
    co_return base::Status::Timeout("docker-registry on " + host_ + " did not answer");
  });
}

std::string LocalRegistry::RegistryAuth() const {
  docker::RegistryCredentials credentials;
  credentials.username = username_;
  credentials.password = password_;
  return docker::RegistryAuthHeader(credentials, host_);
}

base::Status LocalRegistry::Push(const std::string& source, const std::string& name) {
  const std::string image = host_ + "/" + name;
  return RunOn(io_, [&]() -> asio::awaitable<base::Status> {
    const base::Status tagged = co_await Tag(source, image);
    if (!tagged.ok()) co_return tagged;
    const std::pair<std::string, std::string> parts = SplitTag(image);
    std::string target = "/images/" + parts.first + "/push?tag=" + parts.second;
    std::string auth = RegistryAuth();
    const base::Result<net::Response> pushed =
        co_await CallDocker(net::http::verb::post, std::move(target), 200, std::move(auth));
    const base::Status untagged = co_await Untag(image);
    if (!pushed.ok()) co_return pushed.status();
    // Same JSON lines as a pull: errors arrive inside the 200 body.
    docker::PullProgressParser parser(nullptr);
    const base::Status fed = parser.Feed(pushed->body);
    const base::Status finished = fed.ok() ? parser.Finish() : fed;
    if (!finished.ok()) co_return finished.Wrap("push " + image);
    co_return untagged;
  });
}

base::Status LocalRegistry::TagLocally(const std::string& source, const std::string& image) {
  asio::io_context io;
  return RunOn(io, [&]() { return Tag(source, image); });
}

base::Status LocalRegistry::RemoveLocally(const std::string& image) {
  asio::io_context io;
  return RunOn(io, [&]() { return Untag(image); });
}

}  // namespace test
