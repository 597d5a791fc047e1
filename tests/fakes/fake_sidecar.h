// FakeSidecar: the Sidecar HTTP API as sidecar-api.md §9 asks of a fake,
// on net::HttpServer (127.0.0.1, any free port):
//
//   GET  /state.json, /api/state.json   200, the compact state document
//                                       (§2) of a programmable catalogue
//   GET  /api/services/<name>.json      200, that name's instances on every
//                                       host (§6, indented), else 404 + error
//   POST /api/services/<id>/drain       202 + message for a service of the
//                                       fake's own host (its status becomes
//                                       4 DRAINING), else 404 + error body
//   other methods on those paths        405, empty
//   /state.<ext>, ext not json          404 + error body
//   anything else                       404 "404 page not found"
//
// Polls (state and instances requests alike: both are how an executor asks
// after its service) and drain requests can be scripted per request or for
// all of them:
// broken JSON, an error status with Sidecar's JSON error body, a delay
// before the answer (longer than a client's timeout), a dropped connection,
// a reset one.
// Every call is recorded. Stop() makes Sidecar unreachable (refused).
//
// Everything the request handlers touch lives in shared state, so answers
// still in flight (a delayed one) outlive the fake safely; destroying the
// fake ends them at once.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/deadline.h"
#include "base/status.h"
#include "net/http_server.h"

namespace fakes {

// How to answer one request.
struct SidecarAnswer {
  enum class Kind {
    kNormal,      // what Sidecar would answer
    kBrokenJson,  // state: 200 with the document cut in half
    kError,       // `status` with {"message":...,"status":"error"}
    kDrop,        // close the connection without an answer
    kReset,       // reset the connection (RST) without an answer
  };
  Kind kind = Kind::kNormal;
  unsigned status = 500;                // kError
  std::chrono::milliseconds delay{0};  // wait this long before answering
};

struct SidecarCall {
  base::Clock::time_point at;
  std::string method;
  std::string target;
  std::string service_id;  // drain calls: the <id> of the path
  unsigned status = 0;     // 0: dropped, or not answered yet
};

class FakeSidecar {
 public:
  // `hostname`: the answering Sidecar's own host (the document's Hostname,
  // and the only host whose services it drains).
  explicit FakeSidecar(boost::asio::any_io_executor executor, std::string hostname = "fake-sidecar-host");
  ~FakeSidecar();
  FakeSidecar(const FakeSidecar&) = delete;
  FakeSidecar& operator=(const FakeSidecar&) = delete;

  base::Status Start(uint16_t port = 0);
  // Sidecar goes away: connections are refused until Start(port()).
  void Stop();
  uint16_t port() const;
  std::string state_url() const;  // http://127.0.0.1:<port>/state.json
  const std::string& hostname() const;

  // --- The catalogue ----------------------------------------------------
  // Adds the service (named `name`) or changes its status; any integer.
  void SetService(const std::string& host, const std::string& id, int64_t status, const std::string& name = "service");
  void RemoveService(const std::string& host, const std::string& id);
  void RemoveHost(const std::string& host);
  std::optional<int64_t> StatusOf(const std::string& host, const std::string& id) const;
  // The document a state request gets now (compact, sorted map keys).
  std::string StateDocument() const;

  // --- Scripts ----------------------------------------------------------
  // One answer per request, in order, before the standing answer applies.
  void QueueStateAnswers(std::vector<SidecarAnswer> answers);
  void SetStateAnswer(SidecarAnswer answer);
  void QueueDrainAnswers(std::vector<SidecarAnswer> answers);
  void SetDrainAnswer(SidecarAnswer answer);
  // Called with the request's index (0, 1, ...) before each poll is
  // answered: a test changes the catalogue per poll (flapping).
  void OnStateRequest(std::function<void(int index)> hook);
  // Awaited before each drain request is answered: a test looks at the
  // world at that moment (is the container still running?).
  void OnDrain(std::function<boost::asio::awaitable<void>(const std::string& id)> hook);

  // --- Observation ------------------------------------------------------
  const std::vector<SidecarCall>& calls() const;
  int state_requests() const;      // polls: state and instances requests
  int instances_requests() const;  // of them, instances requests
  std::vector<SidecarCall> drains() const;
  // Until `count` state (drain) requests have arrived in total.
  boost::asio::awaitable<bool> WaitForStateRequests(int count, base::Deadline deadline);
  boost::asio::awaitable<bool> WaitForDrains(int count, base::Deadline deadline);

  struct State;

 private:
  std::shared_ptr<State> state_;
  net::HttpServer server_;
};

}  // namespace fakes
