// A tiny executor written for tests of the fake agent: it speaks the v1
// executor API with net::HttpConnection (one connection for the event
// stream, one for calls) and decodes the RecordIO stream itself, keeping
// the raw bytes so tests can check the framing.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "net/http_client.h"

namespace test {

class ScriptedExecutor {
 public:
  ScriptedExecutor(net::Endpoint agent, std::string framework_id, std::string executor_id);

  // Sent as "Authorization: Bearer <token>" when set.
  std::optional<std::string> token;
  std::string path = "/slave(1)/api/v1/executor";

  // A Call with type and ids; callers add the sub-object.
  boost::json::object Call(const std::string& type) const;
  // A TaskStatus from this executor with a fresh random (v4) uuid.
  boost::json::object Status(const std::string& task_id, const std::string& state) const;
  boost::json::object UpdateCall(boost::json::object status) const;

  // SUBSCRIBE on a new stream connection; returns the response head.
  boost::asio::awaitable<base::Result<net::ResponseHead>> Subscribe(
      boost::json::object subscribe = {}, base::Deadline deadline = base::After(std::chrono::seconds(5)));
  // The next event on the stream.
  boost::asio::awaitable<base::Result<boost::json::object>> NextEvent(
      base::Deadline deadline = base::After(std::chrono::seconds(5)));
  // Every byte the stream delivered so far (chunked encoding undone).
  const std::string& stream_bytes() const { return stream_bytes_; }
  void CloseStream();

  // POSTs `body` on the call connection (opened on first use).
  boost::asio::awaitable<base::Result<net::Response>> Post(
      std::string body, std::string content_type = "application/json",
      base::Deadline deadline = base::After(std::chrono::seconds(5)));
  boost::asio::awaitable<base::Result<net::Response>> Send(const boost::json::object& call);
  boost::asio::awaitable<base::Result<net::Response>> Update(boost::json::object status);

 private:
  net::Request MakeRequest(std::string body, std::string content_type) const;

  net::Endpoint agent_;
  std::string framework_id_;
  std::string executor_id_;
  std::unique_ptr<net::HttpConnection> stream_;
  std::unique_ptr<net::HttpConnection> calls_;
  std::string stream_bytes_;
  std::size_t decoded_ = 0;  // offset of the first undecoded byte
};

}  // namespace test
