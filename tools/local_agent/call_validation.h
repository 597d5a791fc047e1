// What the agent's executor endpoint answers to one request, decided in the
// agent's own order (spec §2.4, §13.2): authentication, recovery, method,
// Content-Type, parsing and conversion, validateExecutorCall, Accept,
// HEARTBEAT, framework and executor lookup, subscription state, call type.
//
// Pure: the FakeAgent passes in the request and its state and carries out
// the verdict. Only JSON is spoken; protobuf calls and protobuf-only Accept
// headers are refused with a message saying so.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "net/http_server.h"

namespace local_agent {

// The parts of an HTTP request the agent looks at.
struct CallRequest {
  std::string method;
  std::optional<std::string> content_type;
  std::optional<std::string> accept;
  std::optional<std::string> authorization;
  std::string body;
};

enum class RecoveryPhase {
  kNone,
  kContainerizer,   // every call, SUBSCRIBE included: 503
  kReregistering,   // SUBSCRIBE accepted, every other call: 503
};

// The agent's state as far as the endpoint cares.
struct AgentView {
  RecoveryPhase recovery = RecoveryPhase::kNone;
  std::optional<std::string> auth_token;
  std::string framework_id;
  std::string executor_id;
  bool framework_known = true;
  bool executor_known = true;
  bool executor_subscribed = false;
};

enum class CallType { kUnknown, kSubscribe, kUpdate, kMessage, kHeartbeat };

struct Verdict {
  unsigned status = 0;  // 200 only for an accepted SUBSCRIBE
  std::string body;
  net::HeaderList headers;
  std::optional<CallType> type;  // once the body converted and had a type
  boost::json::object call;      // the converted Call, once it converted
};

Verdict JudgeCall(const CallRequest& request, const AgentView& agent);

const char* CallTypeName(CallType type);

}  // namespace local_agent
