#include "tools/local_agent/call_validation.h"

#include <boost/json/parse.hpp>

#include <cstdlib>
#include <vector>

#include "tools/local_agent/stout_base64.h"
#include "tools/local_agent/call_conversion.h"

namespace local_agent {
namespace json = boost::json;

namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kProtobuf = "application/x-protobuf";
constexpr std::string_view kRealm = "Bearer realm=\"mesos-agent-executor\"";

Verdict Answer(unsigned status, std::string body = {}) {
  Verdict verdict;
  verdict.status = status;
  verdict.body = std::move(body);
  return verdict;
}

std::optional<Verdict> Authenticate(const CallRequest& request, const AgentView& agent) {
  if (!agent.auth_token) return std::nullopt;
  std::string challenge(kRealm);
  if (!request.authorization) {
    // no error attribute: the client did not try
  } else if (request.authorization->rfind("Bearer ", 0) != 0) {
    challenge += ", error=\"invalid_request\"";
  } else if (request.authorization->substr(7) != *agent.auth_token) {
    challenge += ", error=\"invalid_token\"";
  } else {
    return std::nullopt;
  }
  Verdict verdict = Answer(401);
  verdict.headers.emplace_back("WWW-Authenticate", std::move(challenge));
  return verdict;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whether `accept` lets `media_type` through: the most specific matching
// media range decides, and it must not carry q=0.
bool Accepts(const std::optional<std::string>& accept, std::string_view media_type) {
  if (!accept) return true;
  const std::string_view type = media_type.substr(0, media_type.find('/'));
  int best_rank = -1;
  double best_q = 0;
  std::string_view rest = *accept;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view range = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    double q = 1;
    const std::size_t semicolon = range.find(';');
    if (semicolon != std::string_view::npos) {
      std::string_view params = range.substr(semicolon + 1);
      range = range.substr(0, semicolon);
      const std::size_t at = params.find("q=");
      if (at != std::string_view::npos) q = std::atof(std::string(params.substr(at + 2)).c_str());
    }
    range = Trim(range);
    int rank = -1;
    if (range == media_type) {
      rank = 2;
    } else if (range.size() == type.size() + 2 && range.substr(0, type.size()) == type &&
               range.substr(type.size()) == "/*") {
      rank = 1;
    } else if (range == "*/*") {
      rank = 0;
    }
    if (rank > best_rank) {
      best_rank = rank;
      best_q = q;
    }
  }
  return best_rank >= 0 && best_q > 0;
}

std::optional<CallType> ParseCallType(const json::object& call) {
  const json::value* type = call.if_contains("type");
  if (type == nullptr) return std::nullopt;
  const std::string_view name = type->get_string();
  if (name == "SUBSCRIBE") return CallType::kSubscribe;
  if (name == "UPDATE") return CallType::kUpdate;
  if (name == "MESSAGE") return CallType::kMessage;
  if (name == "HEARTBEAT") return CallType::kHeartbeat;
  return CallType::kUnknown;
}

std::string IdOf(const json::object& object, std::string_view key) {
  const json::value* id = object.if_contains(key);
  if (id == nullptr) return {};
  return std::string(id->at("value").get_string());
}

std::string StringOf(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value == nullptr ? std::string() : std::string(value->get_string());
}

// A uuid the agent's id::UUID::fromBytes accepts: 16 bytes with a version
// Boost knows (high nibble of byte 6 in 1..5).
bool IsValidUuid(std::string_view base64) {
  base::Result<std::string> bytes = StoutBase64Decode(base64);
  if (!bytes.ok() || bytes->size() != 16) return false;
  const int version = (static_cast<unsigned char>((*bytes)[6]) >> 4) & 0x0f;
  return version >= 1 && version <= 5;
}

std::optional<std::string> ValidateCheckStatus(const json::object& check) {
  if (!check.contains("type")) return "CheckStatusInfo must specify 'type'";
  const std::string type = StringOf(check, "type");
  if (type == "COMMAND" && !check.contains("command")) {
    return "Expecting 'command' to be set for COMMAND check's status";
  }
  if (type == "HTTP" && !check.contains("http")) {
    return "Expecting 'http' to be set for HTTP check's status";
  }
  if (type == "TCP" && !check.contains("tcp")) {
    return "Expecting 'tcp' to be set for TCP check's status";
  }
  if (type == "UNKNOWN") return "'UNKNOWN' is not a valid check's status type";
  return std::nullopt;
}

// The agent's validateExecutorCall, on an already converted call.
std::optional<std::string> ValidateExecutorCall(const json::object& call, std::optional<CallType> type) {
  if (!type) return "Expecting 'type' to be present";
  const std::string executor_id = IdOf(call, "executor_id");
  const std::string framework_id = IdOf(call, "framework_id");
  switch (*type) {
    case CallType::kSubscribe:
      if (!call.contains("subscribe")) return "Expecting 'subscribe' to be present";
      return std::nullopt;
    case CallType::kUpdate: {
      if (!call.contains("update")) return "Expecting 'update' to be present";
      const json::object& status = call.at("update").at("status").get_object();
      if (!status.contains("uuid")) return "Expecting 'uuid' to be present";
      if (!IsValidUuid(status.at("uuid").get_string())) return "Not a valid UUID";
      if (status.contains("executor_id") && IdOf(status, "executor_id") != executor_id) {
        return "ExecutorID in Call: " + executor_id +
               " does not match ExecutorID in TaskStatus: " + IdOf(status, "executor_id");
      }
      if (StringOf(status, "source") != "SOURCE_EXECUTOR") {
        return "Received Call from executor " + executor_id + " of framework " + framework_id +
               " with invalid source, expecting 'SOURCE_EXECUTOR'";
      }
      if (StringOf(status, "state") == "TASK_STAGING") {
        return "Received TASK_STAGING from executor " + executor_id + " of framework " +
               framework_id + " which is not allowed";
      }
      if (const json::value* check = status.if_contains("check_status")) {
        return ValidateCheckStatus(check->get_object());
      }
      return std::nullopt;
    }
    case CallType::kMessage:
      if (!call.contains("message")) return "Expecting 'message' to be present";
      return std::nullopt;
    case CallType::kHeartbeat:
    case CallType::kUnknown:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

const char* CallTypeName(CallType type) {
  switch (type) {
    case CallType::kUnknown: return "UNKNOWN";
    case CallType::kSubscribe: return "SUBSCRIBE";
    case CallType::kUpdate: return "UPDATE";
    case CallType::kMessage: return "MESSAGE";
    case CallType::kHeartbeat: return "HEARTBEAT";
  }
  return "UNKNOWN";
}

Verdict JudgeCall(const CallRequest& request, const AgentView& agent) {
  if (std::optional<Verdict> refused = Authenticate(request, agent)) return *refused;
  if (agent.recovery == RecoveryPhase::kContainerizer) {
    return Answer(503, "Agent has not finished recovery");
  }
  if (request.method != "POST") {
    Verdict verdict = Answer(405, "405 Method Not Allowed. Expecting one of { 'POST' }, but received '" +
                                      request.method + "'.");
    verdict.headers.emplace_back("Allow", "POST");
    return verdict;
  }
  if (!request.content_type) return Answer(400, "Expecting 'Content-Type' to be present");
  if (*request.content_type == kProtobuf) {
    return Answer(400, "Failed to parse body into Call protobuf: the local agent only reads "
                       "application/json calls");
  }
  if (*request.content_type != kJson) {
    return Answer(415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
  }
  boost::system::error_code ec;
  const json::value document = json::parse(request.body, ec);
  if (ec) return Answer(400, "Failed to parse body into JSON: " + ec.message());
  base::Result<json::object> call = ConvertCallJson(document);
  if (!call.ok()) {
    return Answer(400, "Failed to convert JSON into Call protobuf: " + call.status().message());
  }

  Verdict verdict;
  verdict.type = ParseCallType(*call);
  verdict.call = std::move(call).value();
  auto answer = [&verdict](unsigned status, std::string body = {}) {
    verdict.status = status;
    verdict.body = std::move(body);
    return std::move(verdict);
  };
  if (std::optional<std::string> invalid = ValidateExecutorCall(verdict.call, verdict.type)) {
    return answer(400, "Failed to validate Executor::Call: " + *invalid);
  }
  const CallType type = *verdict.type;
  if (type == CallType::kSubscribe && !Accepts(request.accept, kJson)) {
    return answer(406, Accepts(request.accept, kProtobuf)
                           ? "the local agent streams events only as application/json"
                           : "");
  }
  if (type == CallType::kHeartbeat) return answer(202);
  if (agent.recovery == RecoveryPhase::kReregistering && type != CallType::kSubscribe) {
    return answer(503, "Agent has not finished recovery");
  }
  if (!agent.framework_known || IdOf(verdict.call, "framework_id") != agent.framework_id) {
    return answer(400, "Framework cannot be found");
  }
  if (!agent.executor_known || IdOf(verdict.call, "executor_id") != agent.executor_id) {
    return answer(400, "Executor cannot be found");
  }
  if (!agent.executor_subscribed && type != CallType::kSubscribe) {
    return answer(403, "Executor is not subscribed");
  }
  switch (type) {
    case CallType::kSubscribe: return answer(200);
    case CallType::kUpdate:
    case CallType::kMessage: return answer(202);
    default: return answer(501);
  }
}

}  // namespace local_agent
