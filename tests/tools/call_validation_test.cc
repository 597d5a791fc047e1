#include "tools/local_agent/call_validation.h"

#include <gtest/gtest.h>

#include <functional>

namespace local_agent {
namespace {

constexpr const char* kUuid = "ABEiM0RVRneImaq7zN3u/w==";          // version 4
constexpr const char* kUuidVersion0 = "ABEiM0RVBneImaq7zN3u/w==";  // version nibble 0
// A 37-byte UUID *string*, as in upstream's documentation examples.
constexpr const char* kUuidString = "NWExZTdiOGMtMzNmMC00YzFlLWEzYTUtMWQyZjNlNGM1YjZhMA==";

std::string Ids() { return R"("framework_id":{"value":"fw"},"executor_id":{"value":"ex"})"; }

std::string StatusFields(const std::string& uuid = kUuid) {
  return R"("task_id":{"value":"t1"},"state":"TASK_RUNNING","source":"SOURCE_EXECUTOR","uuid":")" +
         uuid + "\"";
}

std::string Update(const std::string& status_fields) {
  return R"({"type":"UPDATE",)" + Ids() + R"(,"update":{"status":{)" + status_fields + "}}}";
}

std::string Call(const std::string& type, const std::string& rest = "") {
  return R"({"type":")" + type + "\"," + Ids() + rest + "}";
}

const std::string kSubscribe = Call("SUBSCRIBE", R"(,"subscribe":{})");

struct Row {
  std::string name;
  std::function<void(CallRequest&, AgentView&)> setup;
  unsigned status;
  std::string body_prefix;
};

std::function<void(CallRequest&, AgentView&)> Body(std::string body) {
  return [body](CallRequest& r, AgentView&) { r.body = body; };
}

std::vector<Row> Rows() {
  return {
      {"valid update", Body(Update(StatusFields())), 202, ""},
      // 401 comes before everything, even recovery.
      {"token required, none sent",
       [](CallRequest&, AgentView& a) {
         a.auth_token = "secret";
         a.recovery = RecoveryPhase::kContainerizer;
       },
       401, ""},
      {"right token", [](CallRequest& r, AgentView& a) {
         a.auth_token = "secret";
         r.authorization = "Bearer secret";
       }, 202, ""},
      // Containerizer recovery: 503 for everything, before method checks.
      {"recovering, GET", [](CallRequest& r, AgentView& a) {
         a.recovery = RecoveryPhase::kContainerizer;
         r.method = "GET";
       }, 503, "Agent has not finished recovery"},
      {"recovering, SUBSCRIBE", [](CallRequest& r, AgentView& a) {
         a.recovery = RecoveryPhase::kContainerizer;
         r.body = kSubscribe;
       }, 503, "Agent has not finished recovery"},
      {"GET", [](CallRequest& r, AgentView&) { r.method = "GET"; }, 405,
       "405 Method Not Allowed. Expecting one of { 'POST' }"},
      {"GET without Content-Type", [](CallRequest& r, AgentView&) {
         r.method = "GET";
         r.content_type.reset();
       }, 405, "405 Method Not Allowed"},
      {"no Content-Type", [](CallRequest& r, AgentView&) { r.content_type.reset(); }, 400,
       "Expecting 'Content-Type' to be present"},
      {"protobuf body", [](CallRequest& r, AgentView&) { r.content_type = "application/x-protobuf"; },
       400, "Failed to parse body into Call protobuf"},
      {"text/plain", [](CallRequest& r, AgentView&) { r.content_type = "text/plain"; }, 415,
       "Expecting 'Content-Type' of application/json or application/x-protobuf"},
      {"json with charset", [](CallRequest& r, AgentView&) {
         r.content_type = "application/json; charset=utf-8";
       }, 415, "Expecting 'Content-Type'"},
      {"JSON syntax error", Body("{\"type\":"), 400, "Failed to parse body into JSON: "},
      {"top level array", Body("[]"), 400, "Failed to convert JSON into Call protobuf: "},
      {"missing executor_id", Body(R"({"type":"HEARTBEAT","framework_id":{"value":"fw"}})"), 400,
       "Failed to convert JSON into Call protobuf: Missing required fields: executor_id"},
      {"missing status.task_id",
       Body(Update(R"("state":"TASK_RUNNING","source":"SOURCE_EXECUTOR","uuid":")" + std::string(kUuid) + "\"")),
       400, "Failed to convert JSON into Call protobuf: Missing required fields: update.status.task_id"},
      {"missing id value", Body(R"({"type":"HEARTBEAT","framework_id":{},"executor_id":{"value":"ex"}})"),
       400, "Failed to convert JSON into Call protobuf: Missing required fields: framework_id.value"},
      {"numeric enum", Body(Update(R"("task_id":{"value":"t1"},"state":1,"source":"SOURCE_EXECUTOR","uuid":")" + std::string(kUuid) + "\"")),
       400, "Failed to convert JSON into Call protobuf: "},
      {"unknown name in required enum",
       Body(Update(R"("task_id":{"value":"t1"},"state":"TASK_SLEEPING","source":"SOURCE_EXECUTOR","uuid":")" + std::string(kUuid) + "\"")),
       400, "Failed to convert JSON into Call protobuf: "},
      {"string where an object belongs", Body(R"({"type":"HEARTBEAT","framework_id":"fw","executor_id":{"value":"ex"}})"),
       400, "Failed to convert JSON into Call protobuf: "},
      {"array for a single field", Body(R"({"type":"HEARTBEAT","framework_id":[{"value":"fw"}],"executor_id":{"value":"ex"}})"),
       400, "Failed to convert JSON into Call protobuf: "},
      {"bad base64", Body(Update(StatusFields("@@@@"))), 400, "Failed to convert JSON into Call protobuf: "},
      {"URL-safe base64", Body(Update(StatusFields("ABEiM0RVRneImaq7zN3u_w=="))), 400,
       "Failed to convert JSON into Call protobuf: "},
      {"number for a boolean", Body(Update(StatusFields() + R"(,"healthy":1)")), 400,
       "Failed to convert JSON into Call protobuf: "},
      // Unknown names in optional enums are dropped: the type is then absent.
      {"unknown call type", Body(Call("PING")), 400,
       "Failed to validate Executor::Call: Expecting 'type' to be present"},
      {"no call type", Body("{" + Ids() + "}"), 400,
       "Failed to validate Executor::Call: Expecting 'type' to be present"},
      {"SUBSCRIBE without subscribe", Body(Call("SUBSCRIBE")), 400,
       "Failed to validate Executor::Call: Expecting 'subscribe' to be present"},
      {"UPDATE without update", Body(Call("UPDATE")), 400,
       "Failed to validate Executor::Call: Expecting 'update' to be present"},
      {"MESSAGE without message", Body(Call("MESSAGE")), 400,
       "Failed to validate Executor::Call: Expecting 'message' to be present"},
      {"no uuid", Body(Update(R"("task_id":{"value":"t1"},"state":"TASK_RUNNING","source":"SOURCE_EXECUTOR")")),
       400, "Failed to validate Executor::Call: Expecting 'uuid' to be present"},
      {"uuid of 37 bytes", Body(Update(StatusFields(kUuidString))), 400,
       "Failed to validate Executor::Call: Not a valid UUID"},
      {"uuid with version 0", Body(Update(StatusFields(kUuidVersion0))), 400,
       "Failed to validate Executor::Call: Not a valid UUID"},
      {"foreign executor_id in status", Body(Update(StatusFields() + R"(,"executor_id":{"value":"other"})")),
       400, "Failed to validate Executor::Call: ExecutorID in Call: ex does not match ExecutorID in TaskStatus: other"},
      {"no source", Body(Update(R"("task_id":{"value":"t1"},"state":"TASK_RUNNING","uuid":")" + std::string(kUuid) + "\"")),
       400, "Failed to validate Executor::Call: Received Call from executor ex of framework fw with invalid source, expecting 'SOURCE_EXECUTOR'"},
      {"agent source", Body(Update(R"("task_id":{"value":"t1"},"state":"TASK_RUNNING","source":"SOURCE_AGENT","uuid":")" + std::string(kUuid) + "\"")),
       400, "Failed to validate Executor::Call: Received Call from executor ex of framework fw with invalid source"},
      {"TASK_STAGING", Body(Update(R"("task_id":{"value":"t1"},"state":"TASK_STAGING","source":"SOURCE_EXECUTOR","uuid":")" + std::string(kUuid) + "\"")),
       400, "Failed to validate Executor::Call: Received TASK_STAGING from executor ex of framework fw which is not allowed"},
      {"check_status without type", Body(Update(StatusFields() + R"(,"check_status":{})")), 400,
       "Failed to validate Executor::Call: CheckStatusInfo must specify 'type'"},
      {"COMMAND check_status without command", Body(Update(StatusFields() + R"(,"check_status":{"type":"COMMAND"})")),
       400, "Failed to validate Executor::Call: Expecting 'command' to be set"},
      {"typed empty check_status", Body(Update(StatusFields() + R"(,"check_status":{"type":"TCP","tcp":{}})")),
       202, ""},
      // What stout tolerates.
      {"unknown keys and nulls", Body(Update(StatusFields() + R"(,"colour":"red","message":null)")), 202, ""},
      {"boolean and number as strings", Body(Update(StatusFields() + R"(,"healthy":"true","timestamp":"1.5")")),
       202, ""},
      {"unpadded base64 uuid", Body(Update(StatusFields("ABEiM0RVRneImaq7zN3u/w"))), 202, ""},
      {"unknown optional enum dropped", Body(Update(StatusFields() + R"(,"reason":"REASON_BOREDOM")")), 202, ""},
      {"lone object for a repeated field",
       Body(Call("SUBSCRIBE", R"(,"subscribe":{"unacknowledged_updates":{"status":{)" + StatusFields() + "}}}")),
       200, ""},
      {"TaskInfo without agent_id",
       Body(Call("SUBSCRIBE", R"(,"subscribe":{"unacknowledged_tasks":[{"name":"n","task_id":{"value":"t1"}}]})")),
       400, "Failed to convert JSON into Call protobuf: Missing required fields: subscribe.unacknowledged_tasks[0].agent_id"},
      // Accept is consulted only for SUBSCRIBE, after validation.
      {"SUBSCRIBE, protobuf only", [](CallRequest& r, AgentView&) {
         r.body = kSubscribe;
         r.accept = "application/x-protobuf";
       }, 406, ""},
      {"SUBSCRIBE, text/html", [](CallRequest& r, AgentView&) {
         r.body = kSubscribe;
         r.accept = "text/html";
       }, 406, ""},
      {"SUBSCRIBE, JSON refused by q=0", [](CallRequest& r, AgentView&) {
         r.body = kSubscribe;
         r.accept = "application/json;q=0, */*";
       }, 406, ""},
      {"SUBSCRIBE, application/*", [](CallRequest& r, AgentView&) {
         r.body = kSubscribe;
         r.accept = "application/*";
       }, 200, ""},
      {"SUBSCRIBE, both types", [](CallRequest& r, AgentView&) {
         r.body = kSubscribe;
         r.accept = "application/x-protobuf, application/json";
       }, 200, ""},
      {"SUBSCRIBE without subscribe and bad Accept", [](CallRequest& r, AgentView&) {
         r.body = Call("SUBSCRIBE");
         r.accept = "text/html";
       }, 400, "Failed to validate Executor::Call"},
      {"UPDATE ignores Accept", [](CallRequest& r, AgentView&) { r.accept = "text/html"; }, 202, ""},
      {"406 before framework lookup", [](CallRequest& r, AgentView& a) {
         r.body = kSubscribe;
         r.accept = "text/html";
         a.framework_known = false;
       }, 406, ""},
      // HEARTBEAT: 202 before any lookup.
      {"HEARTBEAT with dummy ids", [](CallRequest& r, AgentView& a) {
         r.body = R"({"type":"HEARTBEAT","framework_id":{"value":"unused"},"executor_id":{"value":"unused"}})";
         a.executor_subscribed = false;
         a.recovery = RecoveryPhase::kReregistering;
       }, 202, ""},
      {"UPDATE while re-registering", [](CallRequest&, AgentView& a) {
         a.recovery = RecoveryPhase::kReregistering;
       }, 503, "Agent has not finished recovery"},
      {"SUBSCRIBE while re-registering", [](CallRequest& r, AgentView& a) {
         r.body = kSubscribe;
         a.recovery = RecoveryPhase::kReregistering;
         a.executor_subscribed = false;
       }, 200, ""},
      {"unknown framework", [](CallRequest&, AgentView& a) { a.framework_id = "other"; }, 400,
       "Framework cannot be found"},
      {"forgotten framework", [](CallRequest& r, AgentView& a) {
         r.body = kSubscribe;
         a.framework_known = false;
       }, 400, "Framework cannot be found"},
      {"unknown executor", [](CallRequest&, AgentView& a) { a.executor_id = "other"; }, 400,
       "Executor cannot be found"},
      {"unknown framework before not subscribed", [](CallRequest&, AgentView& a) {
         a.framework_id = "other";
         a.executor_subscribed = false;
       }, 400, "Framework cannot be found"},
      {"UPDATE before SUBSCRIBE", [](CallRequest&, AgentView& a) { a.executor_subscribed = false; },
       403, "Executor is not subscribed"},
      {"SUBSCRIBE", [](CallRequest& r, AgentView& a) {
         r.body = kSubscribe;
         a.executor_subscribed = false;
       }, 200, ""},
      {"MESSAGE", Body(Call("MESSAGE", R"(,"message":{"data":"aGVsbG8="})")), 202, ""},
      {"explicit UNKNOWN", Body(Call("UNKNOWN")), 501, ""},
      {"UNKNOWN before SUBSCRIBE", [](CallRequest& r, AgentView& a) {
         r.body = Call("UNKNOWN");
         a.executor_subscribed = false;
       }, 403, "Executor is not subscribed"},
  };
}

class CallValidationTest : public testing::TestWithParam<Row> {};

TEST_P(CallValidationTest, AnswersAsTheAgentDoes) {
  const Row& row = GetParam();
  CallRequest request{"POST", "application/json", std::nullopt, std::nullopt, ""};
  AgentView agent;
  agent.framework_id = "fw";
  agent.executor_id = "ex";
  agent.executor_subscribed = true;
  request.body = Update(StatusFields());
  row.setup(request, agent);

  const Verdict verdict = JudgeCall(request, agent);
  EXPECT_EQ(verdict.status, row.status) << verdict.body;
  EXPECT_EQ(verdict.body.substr(0, row.body_prefix.size()), row.body_prefix);
}

INSTANTIATE_TEST_SUITE_P(Rows, CallValidationTest, testing::ValuesIn(Rows()),
                         [](const testing::TestParamInfo<Row>& info) {
                           std::string name;
                           for (char c : info.param.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

net::HeaderList Challenge(const std::optional<std::string>& authorization) {
  CallRequest request{"POST", "application/json", std::nullopt, authorization,
                      Update(StatusFields())};
  AgentView agent;
  agent.auth_token = "secret";
  return JudgeCall(request, agent).headers;
}

TEST(CallValidation, UnauthenticatedCallsGetABearerChallenge) {
  const std::pair<std::string, std::string> bare{"WWW-Authenticate",
                                                 "Bearer realm=\"mesos-agent-executor\""};
  EXPECT_EQ(Challenge(std::nullopt), net::HeaderList{bare});
  EXPECT_EQ(Challenge("Bearer wrong"),
            (net::HeaderList{{bare.first, bare.second + ", error=\"invalid_token\""}}));
  EXPECT_EQ(Challenge("Basic c2VjcmV0"),
            (net::HeaderList{{bare.first, bare.second + ", error=\"invalid_request\""}}));
}

TEST(CallValidation, MethodNotAllowedNamesPost) {
  CallRequest request{"PUT", "application/json", std::nullopt, std::nullopt, ""};
  const Verdict verdict = JudgeCall(request, AgentView{});
  EXPECT_EQ(verdict.headers, (net::HeaderList{{"Allow", "POST"}}));
  EXPECT_EQ(verdict.body, "405 Method Not Allowed. Expecting one of { 'POST' }, but received 'PUT'.");
}

TEST(CallValidation, AcceptedUpdateCarriesTheConvertedCall) {
  CallRequest request{"POST", "application/json", std::nullopt, std::nullopt,
                      Update(StatusFields("ABEiM0RVRneImaq7zN3u/w") +
                             R"(,"timestamp":"1.5","reason":"REASON_BOREDOM","colour":1)")};
  AgentView agent{RecoveryPhase::kNone, std::nullopt, "fw", "ex", true, true, true};
  const Verdict verdict = JudgeCall(request, agent);
  ASSERT_EQ(verdict.status, 202u);
  ASSERT_EQ(verdict.type, CallType::kUpdate);
  const boost::json::object& status = verdict.call.at("update").at("status").as_object();
  EXPECT_EQ(status.at("uuid"), "ABEiM0RVRneImaq7zN3u/w==");  // canonical, padded
  EXPECT_EQ(status.at("timestamp"), 1.5);
  EXPECT_FALSE(status.contains("reason"));  // unknown optional enum: unset
  EXPECT_FALSE(status.contains("colour"));
}

}  // namespace
}  // namespace local_agent
