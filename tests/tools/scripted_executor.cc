#include "tests/tools/scripted_executor.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <random>

#include "tools/local_agent/stout_base64.h"

namespace test {
namespace asio = boost::asio;
namespace json = boost::json;

ScriptedExecutor::ScriptedExecutor(net::Endpoint agent, std::string framework_id,
                                   std::string executor_id)
    : agent_(std::move(agent)),
      framework_id_(std::move(framework_id)),
      executor_id_(std::move(executor_id)) {}

json::object ScriptedExecutor::Call(const std::string& type) const {
  return {{"type", type},
          {"framework_id", {{"value", framework_id_}}},
          {"executor_id", {{"value", executor_id_}}}};
}

json::object ScriptedExecutor::Status(const std::string& task_id, const std::string& state) const {
  static std::mt19937_64 random{std::random_device{}()};
  std::string uuid(16, '\0');
  for (char& byte : uuid) byte = static_cast<char>(random());
  uuid[6] = static_cast<char>((uuid[6] & 0x0f) | 0x40);
  return {{"task_id", {{"value", task_id}}},
          {"executor_id", {{"value", executor_id_}}},
          {"state", state},
          {"source", "SOURCE_EXECUTOR"},
          {"uuid", base::Base64Encode(uuid)},
          {"timestamp", 1718035200.125}};
}

json::object ScriptedExecutor::UpdateCall(json::object status) const {
  json::object call = Call("UPDATE");
  call["update"] = json::object{{"status", std::move(status)}};
  return call;
}

net::Request ScriptedExecutor::MakeRequest(std::string body, std::string content_type) const {
  net::Request request;
  request.method = net::http::verb::post;
  request.target = path;
  request.body = std::move(body);
  request.content_type = std::move(content_type);
  if (token) request.headers.emplace_back("Authorization", "Bearer " + *token);
  return request;
}

asio::awaitable<base::Result<net::ResponseHead>> ScriptedExecutor::Subscribe(json::object subscribe,
                                                                            base::Deadline deadline) {
  CloseStream();
  auto connection = co_await net::HttpConnection::Connect(agent_, deadline);
  if (!connection.ok()) co_return connection.status();
  stream_ = std::move(connection).value();
  json::object call = Call("SUBSCRIBE");
  call["subscribe"] = std::move(subscribe);
  net::Request request = MakeRequest(json::serialize(call), "application/json");
  request.headers.emplace_back("Accept", "application/json");
  co_return co_await stream_->SendStreaming(request, deadline);
}

void ScriptedExecutor::CloseStream() {
  stream_.reset();
  stream_bytes_.clear();
  decoded_ = 0;
}

asio::awaitable<base::Result<json::object>> ScriptedExecutor::NextEvent(base::Deadline deadline) {
  for (;;) {
    // RecordIO: "<digits>\n<payload>".
    const std::size_t newline = stream_bytes_.find('\n', decoded_);
    if (newline != std::string::npos) {
      const std::string header = stream_bytes_.substr(decoded_, newline - decoded_);
      if (header.empty() || header.find_first_not_of("0123456789") != std::string::npos) {
        co_return base::Status::Invalid("bad RecordIO header '" + header + "'");
      }
      const std::size_t length = std::stoul(header);
      if (stream_bytes_.size() - newline - 1 >= length) {
        const std::string payload = stream_bytes_.substr(newline + 1, length);
        decoded_ = newline + 1 + length;
        boost::system::error_code ec;
        json::value event = json::parse(payload, ec);
        if (ec || !event.is_object()) co_return base::Status::Invalid("bad event: " + payload);
        co_return std::move(event.get_object());
      }
    }
    if (!stream_) co_return base::Status::Failed("not subscribed");
    auto piece = co_await stream_->ReadSome(deadline);
    if (!piece.ok()) co_return piece.status();
    if (piece->empty()) co_return base::Status::Unavailable("the event stream ended");
    stream_bytes_ += *piece;
  }
}

asio::awaitable<base::Result<net::Response>> ScriptedExecutor::Post(std::string body,
                                                                    std::string content_type,
                                                                    base::Deadline deadline) {
  if (!calls_ || !calls_->is_open()) {
    auto connection = co_await net::HttpConnection::Connect(agent_, deadline);
    if (!connection.ok()) co_return connection.status();
    calls_ = std::move(connection).value();
  }
  co_return co_await calls_->Send(MakeRequest(std::move(body), std::move(content_type)), deadline);
}

asio::awaitable<base::Result<net::Response>> ScriptedExecutor::Send(const json::object& call) {
  co_return co_await Post(json::serialize(call));
}

asio::awaitable<base::Result<net::Response>> ScriptedExecutor::Update(json::object status) {
  co_return co_await Send(UpdateCall(std::move(status)));
}

}  // namespace test
