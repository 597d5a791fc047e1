#include "tests/support/docker_proxy.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <optional>
#include <regex>
#include <vector>

#include "base/async_event.h"

namespace test {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using Socket = asio::local::stream_protocol::socket;
using SocketPtr = std::shared_ptr<Socket>;

namespace {

constexpr std::size_t kMaxHead = 64 * 1024;
constexpr std::size_t kChunk = 16 * 1024;

struct Rule {
  std::string method;
  std::regex path;
};

// "POST /v1.41/containers/create?name=x HTTP/1.1" -> method, /containers/create
std::pair<std::string, std::string> MethodAndPath(const std::string& head) {
  const std::size_t method_end = head.find(' ');
  if (method_end == std::string::npos) return {};
  const std::size_t target_end = head.find(' ', method_end + 1);
  if (target_end == std::string::npos) return {};
  std::string path = head.substr(method_end + 1, target_end - method_end - 1);
  path = path.substr(0, path.find('?'));
  static const std::regex kVersionPrefix("^/v[0-9.]+(/.*)$");
  std::smatch match;
  if (std::regex_match(path, match, kVersionPrefix)) path = match[1];
  return {head.substr(0, method_end), path};
}

}  // namespace

struct DockerProxy::State {
  explicit State(asio::any_io_executor executor)
      : acceptor(executor), held_changed(executor), released(executor) {}

  asio::local::stream_protocol::acceptor acceptor;
  std::string directory;
  std::string socket_path;
  std::string upstream;
  std::optional<Rule> rule;
  int held = 0;
  uint64_t releases = 0;
  bool closed = false;
  base::AsyncEvent held_changed;
  base::AsyncEvent released;
  std::vector<std::weak_ptr<Socket>> sockets;  // closed when the proxy goes

  SocketPtr Track(Socket socket) {
    auto shared = std::make_shared<Socket>(std::move(socket));
    std::erase_if(sockets, [](const std::weak_ptr<Socket>& s) { return s.expired(); });
    sockets.push_back(shared);
    return shared;
  }

  bool Matches(const std::string& head) const {
    if (!rule) return false;
    const auto [method, path] = MethodAndPath(head);
    return method == rule->method && std::regex_match(path, rule->path);
  }
};

namespace {

using State = DockerProxy::State;

asio::awaitable<void> Pipe(SocketPtr from, SocketPtr to) {
  std::string buffer(kChunk, '\0');
  for (;;) {
    auto [read_error, n] = co_await from->async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
    if (read_error) co_return;
    auto [write_error, written] =
        co_await asio::async_write(*to, asio::buffer(buffer.data(), n), asio::as_tuple(asio::use_awaitable));
    if (write_error) co_return;
  }
}

asio::awaitable<void> WaitForRelease(std::shared_ptr<State> state, uint64_t seen) {
  while (state->releases == seen && !state->closed) {
    co_await state->released.Wait();
  }
}

// Keeps reading what the client sends (the rest of a request body) into
// `pending`; returns when the client hangs up.
asio::awaitable<void> ReadUntilHangUp(SocketPtr client, std::string& pending) {
  std::string buffer(kChunk, '\0');
  for (;;) {
    auto [error, n] = co_await client->async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
    if (error) co_return;
    pending.append(buffer.data(), n);
  }
}

asio::awaitable<void> Serve(std::shared_ptr<State> state, SocketPtr client) {
  std::string pending;
  std::string buffer(kChunk, '\0');
  while (pending.find("\r\n\r\n") == std::string::npos && pending.size() < kMaxHead) {
    auto [error, n] = co_await client->async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
    if (error) co_return;
    pending.append(buffer.data(), n);
  }
  if (state->Matches(pending)) {
    const uint64_t seen = state->releases;
    ++state->held;
    state->held_changed.Notify();
    auto outcome = co_await (WaitForRelease(state, seen) || ReadUntilHangUp(client, pending));
    if (outcome.index() == 1 || state->closed) {
      client->close();
      co_return;
    }
  }
  SocketPtr upstream = state->Track(Socket(client->get_executor()));
  auto [connect_error] = co_await upstream->async_connect(asio::local::stream_protocol::endpoint(state->upstream),
                                                          asio::as_tuple(asio::use_awaitable));
  if (connect_error) co_return;
  auto [write_error, written] =
      co_await asio::async_write(*upstream, asio::buffer(pending), asio::as_tuple(asio::use_awaitable));
  if (write_error) co_return;
  co_await (Pipe(client, upstream) || Pipe(upstream, client));
  client->close();
  upstream->close();
}

asio::awaitable<void> WaitForHeld(std::shared_ptr<State> state, int count) {
  while (state->held < count) co_await state->held_changed.Wait();
}

asio::awaitable<void> Accept(std::shared_ptr<State> state) {
  for (;;) {
    Socket socket(state->acceptor.get_executor());
    auto [error] = co_await state->acceptor.async_accept(socket, asio::as_tuple(asio::use_awaitable));
    if (error || state->closed) co_return;
    asio::co_spawn(state->acceptor.get_executor(), Serve(state, state->Track(std::move(socket))), asio::detached);
  }
}

}  // namespace

DockerProxy::DockerProxy(asio::any_io_executor executor, std::string upstream)
    : state_(std::make_shared<State>(executor)) {
  state_->upstream = std::move(upstream);
}

DockerProxy::~DockerProxy() {
  state_->closed = true;
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
  for (const std::weak_ptr<Socket>& weak : state_->sockets) {
    if (SocketPtr socket = weak.lock()) socket->close(ignored);
  }
  state_->released.Notify();
  if (!state_->directory.empty()) {
    std::error_code ignored_fs;
    std::filesystem::remove_all(state_->directory, ignored_fs);
  }
}

base::Status DockerProxy::Start() {
  char directory[] = "/tmp/docker-proxy-XXXXXX";
  if (mkdtemp(directory) == nullptr) return base::Status::Failed("cannot create a directory for the proxy");
  state_->directory = directory;
  state_->socket_path = state_->directory + "/docker.sock";
  boost::system::error_code error;
  const asio::local::stream_protocol::endpoint endpoint(state_->socket_path);
  state_->acceptor.open(endpoint.protocol(), error);
  if (!error) state_->acceptor.bind(endpoint, error);
  if (!error) state_->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return base::Status::Failed("cannot listen on " + state_->socket_path + ": " + error.message());
  asio::co_spawn(state_->acceptor.get_executor(), Accept(state_), asio::detached);
  return base::Status::Ok();
}

std::string DockerProxy::docker_host() const { return "unix://" + state_->socket_path; }

void DockerProxy::Hold(std::string method, std::string path_pattern) {
  state_->rule = Rule{std::move(method), std::regex(path_pattern)};
}

void DockerProxy::Release() {
  state_->rule.reset();
  ++state_->releases;
  state_->released.Notify();
}

asio::awaitable<bool> DockerProxy::WaitHeld(int count, base::Deadline deadline) {
  const bool held = co_await base::WithDeadline(WaitForHeld(state_, count), deadline);
  co_return held;
}

int DockerProxy::held() const { return state_->held; }

}  // namespace test
