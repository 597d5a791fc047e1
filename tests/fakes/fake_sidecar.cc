#include "tests/fakes/fake_sidecar.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <ctime>
#include <deque>
#include <map>

#include "base/async_event.h"
#include "tests/fakes/percent_decode.h"

namespace fakes {

namespace asio = boost::asio;
namespace json = boost::json;
namespace http = boost::beast::http;

namespace {

constexpr char kCreated[] = "2024-03-05T09:14:07Z";

// RFC 3339 with Go's trimmed nanoseconds: "2024-03-05T10:02:11.4829157Z".
std::string GoTime(std::chrono::system_clock::time_point t) {
  const auto since_epoch = t.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const std::time_t whole = seconds.count();
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char text[40];
  std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string result(text, n);
  long nanos = static_cast<long>(std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds).count());
  if (nanos > 0) {
    std::string fraction = std::to_string(nanos);
    fraction.insert(0, 9 - fraction.size(), '0');
    while (fraction.back() == '0') fraction.pop_back();
    result += "." + fraction;
  }
  return result + "Z";
}

std::string ErrorBody(const std::string& message) {
  json::object body;
  body["message"] = message;
  body["status"] = "error";
  return json::serialize(body);
}

// Go's json.MarshalIndent(v, "", "  "), which Sidecar's services answers use.
void AppendGoIndented(const json::value& value, int depth, std::string& out) {
  const auto newline = [&out](int level) {
    out += '\n';
    out.append(static_cast<std::size_t>(level) * 2, ' ');
  };
  if (value.is_object() && !value.get_object().empty()) {
    out += '{';
    bool first = true;
    for (const auto& [key, member] : value.get_object()) {
      if (!first) out += ',';
      first = false;
      newline(depth + 1);
      out += json::serialize(json::value(key)) + ": ";
      AppendGoIndented(member, depth + 1, out);
    }
    newline(depth);
    out += '}';
  } else if (value.is_array() && !value.get_array().empty()) {
    out += '[';
    bool first = true;
    for (const auto& element : value.get_array()) {
      if (!first) out += ',';
      first = false;
      newline(depth + 1);
      AppendGoIndented(element, depth + 1, out);
    }
    newline(depth);
    out += ']';
  } else {
    out += json::serialize(value);
  }
}

std::string GoIndented(const json::object& document) {
  std::string out;
  AppendGoIndented(document, 0, out);
  return out;
}

const net::HeaderList kJson = {{"Content-Type", "application/json"}};
const net::HeaderList kStateHeaders = {{"Content-Type", "application/json"},
                                       {"Access-Control-Allow-Origin", "*"},
                                       {"Access-Control-Allow-Methods", "GET"}};

struct Service {
  std::string name;
  int64_t status = 0;
  std::string updated;
};

}  // namespace

struct FakeSidecar::State {
  State(asio::any_io_executor executor, std::string host)
      : hostname(std::move(host)), changed(executor), destroyed(executor) {}

  std::string hostname;
  std::map<std::string, std::map<std::string, Service>> servers;
  std::string last_changed = "1970-01-01T00:00:00Z";

  std::deque<SidecarAnswer> state_queue;
  SidecarAnswer state_answer;
  std::deque<SidecarAnswer> drain_queue;
  SidecarAnswer drain_answer;
  std::function<void(int)> on_state;
  std::function<asio::awaitable<void>(const std::string&)> on_drain;

  std::vector<SidecarCall> calls;
  int state_count = 0;      // polls: state and instances requests
  int instances_count = 0;  // of them, instances requests
  int drain_count = 0;
  base::AsyncEvent changed;    // notified on every call
  base::AsyncEvent destroyed;  // set when the fake goes: delayed answers end

  static SidecarAnswer Next(std::deque<SidecarAnswer>& queue, const SidecarAnswer& standing) {
    if (queue.empty()) return standing;
    SidecarAnswer answer = queue.front();
    queue.pop_front();
    return answer;
  }

  static json::object ServiceObject(const std::string& host, const std::string& id, const Service& service) {
    json::object s;
    s["ID"] = id;
    s["Name"] = service.name;
    s["Image"] = "registry.example.com/" + service.name + ":1.0.0";
    s["Created"] = kCreated;
    s["Hostname"] = host;
    json::object port;
    port["Type"] = "tcp";
    port["Port"] = 31045;
    port["ServicePort"] = 8080;
    port["IP"] = "127.0.0.1";
    s["Ports"] = json::array{port};
    s["Updated"] = service.updated;
    s["ProxyMode"] = "http";
    s["Status"] = service.status;
    return s;
  }

  // GET /api/services/<name>.json: every instance of `name` on every host,
  // ordered by Updated; nothing when there is none (a 404).
  std::optional<std::string> InstancesDocument(const std::string& name) const {
    std::vector<std::pair<std::string, json::object>> instances;  // (Updated, instance)
    for (const auto& [host, services] : servers) {
      for (const auto& [id, service] : services) {
        if (service.name == name) instances.emplace_back(service.updated, ServiceObject(host, id, service));
      }
    }
    if (instances.empty()) return std::nullopt;
    std::stable_sort(instances.begin(), instances.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    json::array list;
    for (auto& instance : instances) list.push_back(std::move(instance.second));
    json::object services_json;
    services_json[name] = std::move(list);
    json::object document;
    document["Services"] = std::move(services_json);
    document["ClusterName"] = "default";
    return GoIndented(document);
  }

  std::string Document() const {
    json::object servers_json;
    for (const auto& [host, services] : servers) {
      json::object services_json;
      std::string host_updated = "1970-01-01T00:00:00Z";
      for (const auto& [id, service] : services) {
        services_json[id] = ServiceObject(host, id, service);
        host_updated = std::max(host_updated, service.updated);
      }
      json::object server;
      server["Name"] = host;
      server["Services"] = std::move(services_json);
      server["LastUpdated"] = host_updated;
      server["LastChanged"] = host_updated;
      servers_json[host] = std::move(server);
    }
    json::object document;
    document["Servers"] = std::move(servers_json);
    document["LastChanged"] = last_changed;
    document["ClusterName"] = "default";
    document["Hostname"] = hostname;
    return json::serialize(document);
  }

  void Set(const std::string& host, const std::string& id, int64_t status, const std::string* name) {
    Service& service = servers[host][id];
    if (name) service.name = *name;
    if (service.name.empty()) service.name = "service";
    service.status = status;
    service.updated = GoTime(std::chrono::system_clock::now());
    last_changed = service.updated;
  }
};

namespace {

using State = FakeSidecar::State;

// Waits out the answer's delay; false when the fake went away meanwhile.
asio::awaitable<bool> Delay(std::shared_ptr<State> state, const SidecarAnswer& answer) {
  if (answer.delay.count() == 0) co_return true;
  const bool gone = co_await base::WithDeadline(state->destroyed.Wait(), base::After(answer.delay));
  co_return !gone;
}

void Finish(State& state, std::size_t call, net::ServerExchange& exchange, unsigned status, std::string body,
            net::HeaderList headers) {
  state.calls[call].status = status;
  exchange.Reply(status, std::move(body), std::move(headers));
}

// A poll: the state document, or the instances of `name` when given.
asio::awaitable<void> AnswerPoll(std::shared_ptr<State> state, std::size_t call, net::ServerExchange& exchange,
                                 std::optional<std::string> name) {
  const int index = state->state_count++;
  if (name) ++state->instances_count;
  state->changed.Notify();
  if (state->on_state) state->on_state(index);
  const SidecarAnswer answer = State::Next(state->state_queue, state->state_answer);
  // The state when asked, as Sidecar serialises at once.
  std::optional<std::string> found = name ? state->InstancesDocument(*name) : state->Document();
  const bool still_here = co_await Delay(state, answer);
  if (still_here && answer.kind == SidecarAnswer::Kind::kNormal && !found) {
    Finish(*state, call, exchange, 404, ErrorBody("no instances of " + *name + " found"), kJson);
    co_return;
  }
  std::string document = std::move(found).value_or("");
  if (!still_here || answer.kind == SidecarAnswer::Kind::kDrop) {
    exchange.Drop();
    co_return;
  }
  if (answer.kind == SidecarAnswer::Kind::kReset) {
    exchange.Reset();
    co_return;
  }
  switch (answer.kind) {
    case SidecarAnswer::Kind::kBrokenJson:
      document.resize(document.size() / 2);
      Finish(*state, call, exchange, 200, std::move(document), kStateHeaders);
      break;
    case SidecarAnswer::Kind::kError:
      Finish(*state, call, exchange, answer.status, ErrorBody("Internal Server Error - Something went terribly wrong"),
             kJson);
      break;
    default:
      Finish(*state, call, exchange, 200, std::move(document), kStateHeaders);
      break;
  }
}

asio::awaitable<void> AnswerDrain(std::shared_ptr<State> state, std::size_t call, net::ServerExchange& exchange,
                                  std::string id) {
  ++state->drain_count;
  state->changed.Notify();
  const SidecarAnswer answer = State::Next(state->drain_queue, state->drain_answer);
  if (state->on_drain) {
    auto hook = state->on_drain;
    co_await hook(id);
  }
  const bool still_here = co_await Delay(state, answer);
  if (!still_here || answer.kind == SidecarAnswer::Kind::kDrop) {
    exchange.Drop();
    co_return;
  }
  if (answer.kind == SidecarAnswer::Kind::kReset) {
    exchange.Reset();
    co_return;
  }
  if (answer.kind == SidecarAnswer::Kind::kError || answer.kind == SidecarAnswer::Kind::kBrokenJson) {
    Finish(*state, call, exchange, answer.status, ErrorBody("Internal Server Error - Something went terribly wrong"),
           kJson);
    co_return;
  }
  auto& own = state->servers[state->hostname];
  const auto service = own.find(id);
  if (service == own.end()) {
    Finish(*state, call, exchange, 404, ErrorBody("Not Found - Service ID \"" + id + "\" not found"), kJson);
    co_return;
  }
  const std::string name = service->second.name;
  state->Set(state->hostname, id, 4, nullptr);
  json::object message;
  message["Message"] = "Service \"" + name + "\" instance \"" + id + "\" set to DRAINING";
  // Sidecar pretty-prints this one answer (2-space indent, one key).
  std::string body = json::serialize(message);
  body = "{\n  " + body.substr(1, body.size() - 2) + "\n}";
  body.replace(body.find("\":\""), 3, "\": \"");
  Finish(*state, call, exchange, 202, std::move(body), kJson);
}

asio::awaitable<void> Handle(std::shared_ptr<State> state, net::ServerExchange& exchange) {
  const auto& request = exchange.request();
  const std::string target(request.target());
  const std::string path = target.substr(0, target.find('?'));
  SidecarCall record{base::Clock::now(), std::string(request.method_string()), target};
  const std::size_t call = state->calls.size();

  constexpr std::string_view kDrainPrefix = "/api/services/";
  constexpr std::string_view kDrainSuffix = "/drain";
  const bool is_state = path == "/state.json" || path == "/api/state.json";
  constexpr std::string_view kInstancesSuffix = ".json";
  const bool is_drain = path.size() > kDrainPrefix.size() + kDrainSuffix.size() && path.starts_with(kDrainPrefix) &&
                        path.ends_with(kDrainSuffix) &&
                        path.find('/', kDrainPrefix.size()) == path.size() - kDrainSuffix.size();
  if (is_drain) {
    record.service_id = path.substr(kDrainPrefix.size(), path.size() - kDrainPrefix.size() - kDrainSuffix.size());
  }
  // /api/services/<name>.json, the name one path segment once decoded.
  std::optional<std::string> instances_name;
  if (!is_drain && path.size() > kDrainPrefix.size() + kInstancesSuffix.size() && path.starts_with(kDrainPrefix) &&
      path.ends_with(kInstancesSuffix)) {
    std::string name = PercentDecode(
        std::string_view(path).substr(kDrainPrefix.size(), path.size() - kDrainPrefix.size() - kInstancesSuffix.size()));
    if (name.find('/') == std::string::npos) instances_name = std::move(name);
  }
  state->calls.push_back(record);

  if (is_state && request.method() == http::verb::get) {
    co_await AnswerPoll(state, call, exchange, std::nullopt);
  } else if (instances_name && request.method() == http::verb::get) {
    co_await AnswerPoll(state, call, exchange, instances_name);
  } else if (is_drain && request.method() == http::verb::post) {
    co_await AnswerDrain(state, call, exchange, record.service_id);
  } else if (is_state || is_drain || instances_name) {
    Finish(*state, call, exchange, 405, "", {});
  } else if (path.starts_with("/state.") || path.starts_with("/api/state.")) {
    Finish(*state, call, exchange, 404, ErrorBody("Not Found - Invalid content type extension"), kJson);
  } else {
    Finish(*state, call, exchange, 404, "404 page not found\n",
           {{"Content-Type", "text/plain; charset=utf-8"}, {"X-Content-Type-Options", "nosniff"}});
  }
}

asio::awaitable<bool> WaitForCount(std::shared_ptr<State> state, const int State::*counter, int count,
                                   base::Deadline deadline) {
  while ((*state).*counter < count) {
    const bool woken = co_await base::WithDeadline(state->changed.Wait(), deadline);
    if (!woken) co_return false;
  }
  co_return true;
}

}  // namespace

FakeSidecar::FakeSidecar(asio::any_io_executor executor, std::string hostname)
    : state_(std::make_shared<State>(executor, std::move(hostname))),
      server_(executor, [state = state_](net::ServerExchange& exchange) { return Handle(state, exchange); }) {}

FakeSidecar::~FakeSidecar() { state_->destroyed.Set(); }

base::Status FakeSidecar::Start(uint16_t port) { return server_.Listen(port); }

void FakeSidecar::Stop() {
  server_.StopListening();
  server_.CloseConnections();
}

uint16_t FakeSidecar::port() const { return server_.port(); }

std::string FakeSidecar::state_url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/state.json"; }

const std::string& FakeSidecar::hostname() const { return state_->hostname; }

void FakeSidecar::SetService(const std::string& host, const std::string& id, int64_t status, const std::string& name) {
  state_->Set(host, id, status, &name);
}

void FakeSidecar::RemoveService(const std::string& host, const std::string& id) {
  auto found = state_->servers.find(host);
  if (found == state_->servers.end()) return;
  found->second.erase(id);
  if (found->second.empty()) state_->servers.erase(found);
}

void FakeSidecar::RemoveHost(const std::string& host) { state_->servers.erase(host); }

std::optional<int64_t> FakeSidecar::StatusOf(const std::string& host, const std::string& id) const {
  const auto found = state_->servers.find(host);
  if (found == state_->servers.end()) return std::nullopt;
  const auto service = found->second.find(id);
  if (service == found->second.end()) return std::nullopt;
  return service->second.status;
}

std::string FakeSidecar::StateDocument() const { return state_->Document(); }

void FakeSidecar::QueueStateAnswers(std::vector<SidecarAnswer> answers) {
  state_->state_queue.insert(state_->state_queue.end(), answers.begin(), answers.end());
}
void FakeSidecar::SetStateAnswer(SidecarAnswer answer) { state_->state_answer = answer; }
void FakeSidecar::QueueDrainAnswers(std::vector<SidecarAnswer> answers) {
  state_->drain_queue.insert(state_->drain_queue.end(), answers.begin(), answers.end());
}
void FakeSidecar::SetDrainAnswer(SidecarAnswer answer) { state_->drain_answer = answer; }
void FakeSidecar::OnStateRequest(std::function<void(int)> hook) { state_->on_state = std::move(hook); }
void FakeSidecar::OnDrain(std::function<asio::awaitable<void>(const std::string&)> hook) {
  state_->on_drain = std::move(hook);
}

const std::vector<SidecarCall>& FakeSidecar::calls() const { return state_->calls; }
int FakeSidecar::state_requests() const { return state_->state_count; }
int FakeSidecar::instances_requests() const { return state_->instances_count; }

std::vector<SidecarCall> FakeSidecar::drains() const {
  std::vector<SidecarCall> drains;
  for (const SidecarCall& call : state_->calls) {
    if (!call.service_id.empty() && call.method == "POST") drains.push_back(call);
  }
  return drains;
}

asio::awaitable<bool> FakeSidecar::WaitForStateRequests(int count, base::Deadline deadline) {
  const bool reached = co_await WaitForCount(state_, &State::state_count, count, deadline);
  co_return reached;
}

asio::awaitable<bool> FakeSidecar::WaitForDrains(int count, base::Deadline deadline) {
  const bool reached = co_await WaitForCount(state_, &State::drain_count, count, deadline);
  co_return reached;
}

}  // namespace fakes
