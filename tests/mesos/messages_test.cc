#include "mesos/messages.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "base/base64.h"

namespace mesos {
namespace {

namespace json = boost::json;

Event MustParse(std::string_view text) {
  base::Result<Event> event = ParseEvent(text);
  EXPECT_TRUE(event.ok()) << event.status().message();
  return event.ok() ? *event : Event(Unknown{});
}

TEST(ParseEvent, SubscribedReadsHostnameContainerAndKillingCapability) {
  const Event event = MustParse(R"({ "type": "SUBSCRIBED", "subscribed": {
    "executor_info": { "type": "CUSTOM", "executor_id": { "value": "web-executor-7" },
      "command": { "value": "/opt/acme/bin/acme-executor", "shell": true } },
    "framework_info": { "user": "svc-web", "name": "acme", "id": { "value": "fw" },
      "failover_timeout": 604800.0, "checkpoint": true,
      "capabilities": [ { "type": "MULTI_ROLE" }, { "type": "TASK_KILLING_STATE" } ] },
    "agent_info": { "hostname": "node17.example.net", "port": 5051, "id": { "value": "S3" } },
    "container_id": { "value": "3b9c1d2e" } } })");
  const Subscribed& s = std::get<Subscribed>(event);
  EXPECT_EQ(s.agent_hostname, "node17.example.net");
  EXPECT_EQ(s.container_id, "3b9c1d2e");
  EXPECT_TRUE(s.task_killing_capability);
}

TEST(ParseEvent, SubscribedWithoutCapabilityHasNoKillingState) {
  const Event event = MustParse(R"({"type":"SUBSCRIBED","subscribed":{"framework_info":{"capabilities":[{"type":"MULTI_ROLE"}]}}})");
  EXPECT_FALSE(std::get<Subscribed>(event).task_killing_capability);
}

TEST(ParseEvent, LaunchKeepsTheTaskInfoVerbatim) {
  const std::string task = R"({"name":"web","task_id":{"value":"web-1"},"agent_id":{"value":"S3"},
    "container":{"type":"DOCKER","docker":{"image":"bb:1","network":"HOST","privileged":false}}})";
  const Event event = MustParse(R"({"type":"LAUNCH","launch":{"task":)" + task + "}}");
  const Launch& launch = std::get<Launch>(event);
  EXPECT_EQ(launch.task_id, "web-1");
  EXPECT_EQ(json::value(launch.task), json::parse(task));
}

TEST(ParseEvent, LaunchGroupListsEveryTask) {
  const Event event = MustParse(R"({"type":"LAUNCH_GROUP","launch_group":{"task_group":{"tasks":[
    {"name":"a","task_id":{"value":"a-1"},"agent_id":{"value":"S"}},
    {"name":"b","task_id":{"value":"b-1"},"agent_id":{"value":"S"}}]}}})");
  const LaunchGroup& group = std::get<LaunchGroup>(event);
  ASSERT_EQ(group.tasks.size(), 2u);
  EXPECT_EQ(group.tasks[1].task_id, "b-1");
}

TEST(ParseEvent, KillWithAndWithoutPolicy) {
  const Kill with = std::get<Kill>(MustParse(
      R"({"type":"KILL","kill":{"task_id":{"value":"web-1"},"kill_policy":{"grace_period":{"nanoseconds":5000000000}}}})"));
  EXPECT_EQ(with.task_id, "web-1");
  EXPECT_EQ(with.grace, std::chrono::seconds(5));

  const Kill as_string = std::get<Kill>(MustParse(
      R"({"type":"KILL","kill":{"task_id":{"value":"t"},"kill_policy":{"grace_period":{"nanoseconds":"1500000000"}}}})"));
  EXPECT_EQ(as_string.grace, std::chrono::milliseconds(1500));

  const Kill without = std::get<Kill>(MustParse(R"({"type":"KILL","kill":{"task_id":{"value":"t"}}})"));
  EXPECT_FALSE(without.grace.has_value());
}

TEST(ParseEvent, AcknowledgedDecodesTheUuid) {
  const Acknowledged ack = std::get<Acknowledged>(MustParse(
      R"({"type":"ACKNOWLEDGED","acknowledged":{"task_id":{"value":"web-1"},"uuid":"j1waDjt9TCqeYV1LL3qcEw=="}})"));
  EXPECT_EQ(ack.task_id, "web-1");
  EXPECT_EQ(ack.uuid.size(), 16u);
  EXPECT_EQ(base::Base64Encode(ack.uuid), "j1waDjt9TCqeYV1LL3qcEw==");
}

TEST(ParseEvent, SimpleEvents) {
  EXPECT_TRUE(std::holds_alternative<Shutdown>(MustParse(R"({"type":"SHUTDOWN"})")));
  EXPECT_TRUE(std::holds_alternative<Heartbeat>(MustParse(R"({"type":"HEARTBEAT"})")));
  EXPECT_EQ(std::get<Error>(MustParse(R"({"type":"ERROR","error":{"message":"boom"}})")).message, "boom");
  EXPECT_EQ(std::get<Message>(MustParse(R"({"type":"MESSAGE","message":{"data":"aGVsbG8="}})")).data, "hello");
  EXPECT_EQ(std::get<Unknown>(MustParse(R"({"type":"SOMETHING_NEW"})")).type, "SOMETHING_NEW");
  EXPECT_EQ(std::get<Unknown>(MustParse(R"({"no_type":1})")).type, "");
}

TEST(ParseEvent, MalformedEventsAreErrorsNotCrashes) {
  const char* bad[] = {
      "",
      "not json",
      "[1,2]",
      R"({"type":"LAUNCH"})",
      R"({"type":"LAUNCH","launch":{"task":{"name":"x"}}})",
      R"({"type":"LAUNCH","launch":{"task":[]}})",
      R"({"type":"KILL","kill":{}})",
      R"({"type":"KILL","kill":{"task_id":{"value":"t"},"kill_policy":{"grace_period":{"nanoseconds":"soon"}}}})",
      R"({"type":"KILL","kill":{"task_id":{"value":"t"},"kill_policy":{"grace_period":{"nanoseconds":-1}}}})",
      // Beyond int64: no conversion (fuzz/mesos_event_fuzzer).
      R"({"type":"KILL","kill":{"task_id":{"value":"t"},"kill_policy":{"grace_period":{"nanoseconds":1e300}}}})",
      R"({"type":"KILL","kill":{"task_id":{"value":"t"},"kill_policy":{"grace_period":{"nanoseconds":-1e300}}}})",
      // Beyond a double: it could not be echoed in SUBSCRIBE (fuzz/mesos_event_fuzzer).
      R"({"type":"LAUNCH","launch":{"task":{"task_id":{"value":"t"},"resources":[{"scalar":{"value":1e400}}]}}})",
      R"({"type":"HEARTBEAT","x":[-77770e3077]})",
      R"({"type":"ACKNOWLEDGED","acknowledged":{"task_id":{"value":"t"},"uuid":"***"}})",
      R"({"type":"SUBSCRIBED"})",
      R"({"type":"LAUNCH_GROUP","launch_group":{}})",
  };
  for (const char* text : bad) {
    EXPECT_FALSE(ParseEvent(text).ok()) << text;
  }
}

TEST(MakeUpdate, CarriesTheEnvelopeTheAgentValidates) {
  const std::string uuid = *base::Base64Decode("j1waDjt9TCqeYV1LL3qcEw==");
  TaskStatus status{"web-1", TaskState::kFailed, Reason::kContainerLaunchFailed, "pull failed", false};
  const json::object update = MakeUpdate({"fw", "ex"}, status, uuid, 1718035200.125);
  const json::object& s = update.at("status").as_object();
  EXPECT_EQ(s.at("task_id").at("value"), "web-1");
  EXPECT_EQ(s.at("executor_id").at("value"), "ex");
  EXPECT_EQ(s.at("state"), "TASK_FAILED");
  EXPECT_EQ(s.at("source"), "SOURCE_EXECUTOR");
  EXPECT_EQ(s.at("reason"), "REASON_CONTAINER_LAUNCH_FAILED");
  EXPECT_EQ(s.at("message"), "pull failed");
  EXPECT_EQ(s.at("healthy"), false);
  EXPECT_EQ(s.at("uuid"), "j1waDjt9TCqeYV1LL3qcEw==");
  EXPECT_DOUBLE_EQ(s.at("timestamp").as_double(), 1718035200.125);
}

TEST(MakeUpdate, OmitsUnsetOptionalFields) {
  const json::object update = MakeUpdate({"fw", "ex"}, TaskStatus{"t", TaskState::kRunning}, std::string(16, 'x'), 1.0);
  const json::object& s = update.at("status").as_object();
  EXPECT_FALSE(s.contains("reason"));
  EXPECT_FALSE(s.contains("message"));
  EXPECT_FALSE(s.contains("healthy"));
  EXPECT_FALSE(s.contains("agent_id")) << "a foreign agent_id makes the agent drop the update";
}

TEST(SubscribeCall, EmptySubscribeObjectIsPresent) {
  const json::value call = json::parse(SubscribeCall({"fw", "ex"}, {}, {}));
  EXPECT_EQ(call.at("type"), "SUBSCRIBE");
  EXPECT_EQ(call.at("framework_id").at("value"), "fw");
  EXPECT_EQ(call.at("executor_id").at("value"), "ex");
  EXPECT_TRUE(call.at("subscribe").as_object().empty());
}

TEST(SubscribeCall, ResendsTasksAndUpdatesVerbatim) {
  const json::object task = json::parse(R"({"name":"web","task_id":{"value":"web-1"},"agent_id":{"value":"S3"}})").as_object();
  const json::object update = MakeUpdate({"fw", "ex"}, TaskStatus{"web-1", TaskState::kStarting}, std::string(16, 'u'), 2.5);
  const json::value call = json::parse(SubscribeCall({"fw", "ex"}, {&task}, {&update}));
  EXPECT_EQ(call.at("subscribe").at("unacknowledged_tasks").at(0), task);
  EXPECT_EQ(call.at("subscribe").at("unacknowledged_updates").at(0), update);
}

TEST(UpdateCall, WrapsTheUpdate) {
  const json::object update = MakeUpdate({"fw", "ex"}, TaskStatus{"t", TaskState::kRunning}, std::string(16, 'u'), 3.0);
  const json::value call = json::parse(UpdateCall({"fw", "ex"}, update));
  EXPECT_EQ(call.at("type"), "UPDATE");
  EXPECT_EQ(call.at("update"), update);
}

}  // namespace
}  // namespace mesos
