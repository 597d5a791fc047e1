// The fake agent end to end, against an executor scripted in the test.
#include "tools/local_agent/fake_agent.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "tests/support/coroutine_test.h"
#include "tests/tools/scripted_executor.h"
#include "tools/local_agent/agent_json.h"
#include "tools/local_agent/recordio.h"
#include "tools/local_agent/task_info_builder.h"

namespace local_agent {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using test::ScriptedExecutor;

AgentOptions TestOptions() {
  AgentOptions options;
  options.ack_delay = 1ms;
  options.launch_delay = 1ms;
  return options;
}

json::object Task(const AgentOptions& options, const std::string& id) {
  TaskSpec spec;
  spec.task_id = id;
  spec.image = "busybox:1";
  spec.environment = {{"EXECUTOR_X", "1"}};
  return BuildTaskInfo(spec, options, "/usr/bin/sidecar-executor");
}

std::string TypeOf(const json::object& event) { return std::string(event.at("type").as_string()); }

// A started agent and a scripted executor pointed at it.
struct Fixture {
  Fixture(asio::any_io_executor executor, AgentOptions options)
      : agent(executor, std::move(options)),
        started(agent.Start()),
        exec(agent.endpoint(), agent.options().framework_id, agent.options().executor_id) {}

  // Launches `task_id`, subscribes and consumes SUBSCRIBED and LAUNCH.
  asio::awaitable<base::Status> Begin(const std::string& task_id = "task-1") {
    if (!started.ok()) co_return started;
    if (base::Status s = agent.Launch(Task(agent.options(), task_id)); !s.ok()) co_return s;
    auto head = co_await exec.Subscribe();
    if (!head.ok()) co_return head.status();
    if (head->status != 200) co_return base::Status::Failed("SUBSCRIBE -> " + std::to_string(head->status));
    const std::vector<std::string> expected_types = {"SUBSCRIBED", "LAUNCH"};
    for (const std::string& expected : expected_types) {
      auto event = co_await exec.NextEvent();
      if (!event.ok()) co_return event.status();
      if (TypeOf(*event) != expected) co_return base::Status::Failed("unexpected " + TypeOf(*event));
    }
    co_return base::Status::Ok();
  }

  FakeAgent agent;
  base::Status started;
  ScriptedExecutor exec;
};

TEST(FakeAgent, SubscribeStreamsSubscribedThenQueuedLaunch) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    AgentOptions options = TestOptions();
    options.task_killing_state = true;
    options.checkpoint = true;
    Fixture f(executor, options);
    CO_ASSERT_TRUE(f.started.ok());
    const json::object task = Task(options, "web-1");
    CO_ASSERT_TRUE(f.agent.Launch(task).ok());

    auto head = co_await f.exec.Subscribe();
    CO_ASSERT_OK(head);
    EXPECT_EQ(head->status, 200u);
    EXPECT_EQ(head->fields["Content-Type"], "application/json");
    EXPECT_EQ(head->fields["Transfer-Encoding"], "chunked");

    auto subscribed = co_await f.exec.NextEvent();
    CO_ASSERT_OK(subscribed);
    EXPECT_EQ(TypeOf(*subscribed), "SUBSCRIBED");
    const json::object& body = subscribed->at("subscribed").as_object();
    EXPECT_EQ(body.at("executor_info"), task.at("executor"));
    const json::object& framework = body.at("framework_info").as_object();
    EXPECT_EQ(framework.at("id").at("value").as_string(), options.framework_id);
    EXPECT_EQ(framework.at("checkpoint"), true);
    EXPECT_EQ(framework.at("capabilities"), json::parse(R"([{"type": "TASK_KILLING_STATE"}])"));
    const json::object& agent_info = body.at("agent_info").as_object();
    EXPECT_EQ(agent_info.at("hostname").as_string(), options.hostname);
    EXPECT_EQ(agent_info.at("port").to_number<uint16_t>(), f.agent.port());
    EXPECT_EQ(agent_info.at("id").at("value").as_string(), options.agent_id);
    EXPECT_EQ(body.at("container_id").at("value").as_string(), options.container_id);

    auto launch = co_await f.exec.NextEvent();
    CO_ASSERT_OK(launch);
    EXPECT_EQ(TypeOf(*launch), "LAUNCH");
    EXPECT_EQ(launch->at("launch").at("task"), task);

    // Exactly one RecordIO record per event, rendered the agent's way
    // (doubles with a fraction), and nothing else.
    EXPECT_EQ(f.exec.stream_bytes(),
              RecordIoFrame(RenderJson(*subscribed)) + RecordIoFrame(RenderJson(*launch)));
    EXPECT_NE(f.exec.stream_bytes().find(R"("failover_timeout":0.0)"), std::string::npos);
    EXPECT_TRUE(f.agent.subscribed());
    EXPECT_EQ(f.agent.TaskState("web-1"), "TASK_STAGING");
  });
}

TEST(FakeAgent, AcknowledgesAcceptedUpdates) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Fixture f(executor, TestOptions());
    CO_ASSERT_TRUE((co_await f.Begin()).ok());
    const json::object status = f.exec.Status("task-1", "TASK_RUNNING");
    auto response = co_await f.exec.Update(status);
    CO_ASSERT_OK(response);
    EXPECT_EQ(response->status, 202u);
    EXPECT_EQ(response->body, "");

    auto ack = co_await f.exec.NextEvent();
    CO_ASSERT_OK(ack);
    EXPECT_EQ(*ack, json::parse(R"({"type": "ACKNOWLEDGED", "acknowledged": {"task_id": {"value": "task-1"},
                                    "uuid": )" + json::serialize(status.at("uuid")) + "}}"));
    EXPECT_EQ(f.agent.TaskState("task-1"), "TASK_RUNNING");
    auto record = co_await f.agent.NextUpdate(base::After(1s));
    CO_ASSERT_OK(record);
    EXPECT_EQ(record->state, "TASK_RUNNING");
    EXPECT_EQ(record->source, "SOURCE_EXECUTOR");
    EXPECT_EQ(record->disposition, UpdateDisposition::kApplied);
    EXPECT_TRUE(record->acknowledged);
    const CallRecord& call = f.agent.calls().back();
    EXPECT_EQ(call.type, "UPDATE");
    EXPECT_EQ(call.status, 202u);
  });
}

TEST(FakeAgent, RejectsInvalidCallsOverHttp) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Fixture f(executor, TestOptions());
    CO_ASSERT_TRUE(f.started.ok());
    // Before SUBSCRIBE: 403.
    auto early = co_await f.exec.Update(f.exec.Status("task-1", "TASK_RUNNING"));
    CO_ASSERT_OK(early);
    EXPECT_EQ(early->status, 403u);
    EXPECT_EQ(early->body, "Executor is not subscribed");
    CO_ASSERT_TRUE((co_await f.Begin()).ok());

    json::object staging = f.exec.Status("task-1", "TASK_STAGING");
    auto rejected = co_await f.exec.Update(staging);
    CO_ASSERT_OK(rejected);
    EXPECT_EQ(rejected->status, 400u);
    EXPECT_EQ(rejected->body.rfind("Failed to validate Executor::Call: Received TASK_STAGING", 0), 0u)
        << rejected->body;
    auto media = co_await f.exec.Post("{}", "text/plain");
    CO_ASSERT_OK(media);
    EXPECT_EQ(media->status, 415u);
    auto unknown = co_await f.exec.Send(f.exec.Call("UNKNOWN"));
    CO_ASSERT_OK(unknown);
    EXPECT_EQ(unknown->status, 501u);
    f.exec.path = "/api/v1/executor";  // the agent's other route
    auto heartbeat = co_await f.exec.Send(f.exec.Call("HEARTBEAT"));
    CO_ASSERT_OK(heartbeat);
    EXPECT_EQ(heartbeat->status, 202u);
    f.exec.path = "/api/v1/scheduler";
    auto elsewhere = co_await f.exec.Send(f.exec.Call("HEARTBEAT"));
    CO_ASSERT_OK(elsewhere);
    EXPECT_EQ(elsewhere->status, 404u);

    EXPECT_TRUE(f.agent.updates().empty());  // rejected updates are not recorded
    EXPECT_EQ(f.agent.TaskState("task-1"), "TASK_STAGING");
  });
}

TEST(FakeAgent, DuplicateLateAndUnknownUpdates) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Fixture f(executor, TestOptions());
    CO_ASSERT_TRUE((co_await f.Begin()).ok());
    const json::object finished = f.exec.Status("task-1", "TASK_FINISHED");
    json::object foreign = f.exec.Status("task-1", "TASK_RUNNING");
    foreign["agent_id"] = json::object{{"value", "some-other-agent"}};
    const std::vector<json::object> statuses = {
        f.exec.Status("ghost", "TASK_RUNNING"),  // unknown task: no ACK
        foreign,                                 // foreign agent: no ACK
        finished,                                // applied: ACK
        finished,                                // duplicate uuid: ACK again
        f.exec.Status("task-1", "TASK_FAILED"),  // after terminal: dropped, ACK
    };
    for (const json::object& status : statuses) {
      auto response = co_await f.exec.Update(status);
      CO_ASSERT_OK(response);
      EXPECT_EQ(response->status, 202u);
    }
    const std::vector<const json::object*> acknowledged = {&finished, &finished, &statuses[4]};
    for (const json::object* acked : acknowledged) {
      auto ack = co_await f.exec.NextEvent();
      CO_ASSERT_OK(ack);
      EXPECT_EQ(ack->at("acknowledged").at("uuid"), acked->at("uuid"));
    }
    const auto& updates = f.agent.updates();
    CO_ASSERT_TRUE(updates.size() == 5);
    EXPECT_EQ(updates[0].disposition, UpdateDisposition::kUnknownTask);
    EXPECT_EQ(updates[1].disposition, UpdateDisposition::kForeignAgent);
    EXPECT_EQ(updates[2].disposition, UpdateDisposition::kApplied);
    EXPECT_EQ(updates[3].disposition, UpdateDisposition::kDuplicate);
    EXPECT_EQ(updates[4].disposition, UpdateDisposition::kAfterTerminal);
    EXPECT_FALSE(updates[0].acknowledged);
    EXPECT_FALSE(updates[1].acknowledged);
    EXPECT_EQ(f.agent.TaskState("task-1"), "TASK_FINISHED");
  });
}

TEST(FakeAgent, ResubscribeReprocessesUnacknowledgedUpdates) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Fixture f(executor, TestOptions());
    CO_ASSERT_TRUE((co_await f.Begin()).ok());
    f.agent.SetAcknowledge(false);
    const json::object running = f.exec.Status("task-1", "TASK_RUNNING");
    CO_ASSERT_OK(co_await f.exec.Update(running));

    // The connection breaks; the executor resends what was not acknowledged.
    f.agent.DropStream();
    EXPECT_TRUE(f.agent.subscribed());  // the agent does not notice
    auto broken = co_await f.exec.NextEvent();
    EXPECT_FALSE(broken.ok());
    f.agent.SetAcknowledge(true);
    const json::object launched = Task(f.agent.options(), "task-1");
    json::object subscribe{{"unacknowledged_tasks", json::array{launched}},
                           {"unacknowledged_updates", json::array{json::object{{"status", running}}}}};
    auto head = co_await f.exec.Subscribe(subscribe);
    CO_ASSERT_OK(head);
    EXPECT_EQ(head->status, 200u);
    auto subscribed = co_await f.exec.NextEvent();
    CO_ASSERT_OK(subscribed);
    EXPECT_EQ(TypeOf(*subscribed), "SUBSCRIBED");
    auto ack = co_await f.exec.NextEvent();
    CO_ASSERT_OK(ack);
    EXPECT_EQ(TypeOf(*ack), "ACKNOWLEDGED");
    EXPECT_EQ(ack->at("acknowledged").at("uuid"), running.at("uuid"));

    CO_ASSERT_TRUE(f.agent.subscribes().size() == 2);
    const SubscribeRecord& again = f.agent.subscribes()[1];
    CO_ASSERT_TRUE(again.unacknowledged_tasks.size() == 1);
    EXPECT_EQ(again.unacknowledged_tasks[0].at("task_id").at("value"), "task-1");
    EXPECT_EQ(again.unacknowledged_updates, std::vector<std::string>{std::string(running.at("uuid").as_string())});
    const StatusUpdateRecord& resent = f.agent.updates().back();
    EXPECT_TRUE(resent.from_subscribe);
    EXPECT_EQ(resent.disposition, UpdateDisposition::kDuplicate);
    EXPECT_EQ(f.agent.TaskState("task-1"), "TASK_RUNNING");
  });
}

TEST(FakeAgent, UnlistedStagingTaskIsLostOnResubscribe) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Fixture f(executor, TestOptions());
    CO_ASSERT_TRUE((co_await f.Begin()).ok());
    // The executor re-subscribes without listing the task it was given.
    auto head = co_await f.exec.Subscribe();
    CO_ASSERT_OK(head);
    auto lost = co_await f.agent.WaitForState("task-1", "TASK_LOST", base::After(5s));
    CO_ASSERT_OK(lost);
    EXPECT_EQ(lost->reason, "REASON_AGENT_RESTARTED");
    EXPECT_EQ(lost->source, "SOURCE_AGENT");
    EXPECT_EQ(lost->disposition, UpdateDisposition::kSynthesized);
    CO_ASSERT_OK(co_await f.agent.WaitSubscribed(base::After(1s), 2));
  });
}

TEST(FakeAgent, TaskLaunchedWhileSubscribedIsDeliveredAtOnce) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Fixture f(executor, TestOptions());
    CO_ASSERT_TRUE((co_await f.Begin()).ok());
    const json::object second = Task(f.agent.options(), "task-2");
    CO_ASSERT_TRUE(f.agent.Launch(second).ok());
    auto launch = co_await f.exec.NextEvent();
    CO_ASSERT_OK(launch);
    EXPECT_EQ(launch->at("launch").at("task"), second);
    // A LAUNCH into a broken stream is lost, as with a real agent.
    f.agent.DropStream();
    CO_ASSERT_TRUE(f.agent.Launch(Task(f.agent.options(), "task-3")).ok());
    auto head = co_await f.exec.Subscribe();
    CO_ASSERT_OK(head);
    auto lost = co_await f.agent.WaitForState("task-3", "TASK_LOST", base::After(5s));
    CO_ASSERT_OK(lost);
  });
}

TEST(FakeAgent, HeartbeatsWhenConfigured) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    AgentOptions options = TestOptions();
    options.heartbeat_interval = 1ms;
    Fixture f(executor, options);
    CO_ASSERT_TRUE(f.started.ok());
    auto head = co_await f.exec.Subscribe();
    CO_ASSERT_OK(head);
    const std::vector<std::string> expected = {"SUBSCRIBED", "HEARTBEAT", "HEARTBEAT"};
    for (const std::string& type : expected) {
      auto event = co_await f.exec.NextEvent();
      CO_ASSERT_OK(event);
      EXPECT_EQ(TypeOf(*event), type);
    }
  });
}

TEST(FakeAgent, KillAndFrameworkMessageReachTheExecutor) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Fixture f(executor, TestOptions());
    CO_ASSERT_TRUE((co_await f.Begin()).ok());
    CO_ASSERT_TRUE(f.agent.Kill("task-1", 3s).ok());
    CO_ASSERT_TRUE(f.agent.SendFrameworkMessage("hello").ok());
    auto kill = co_await f.exec.NextEvent();
    CO_ASSERT_OK(kill);
    EXPECT_EQ(*kill, json::parse(R"({"type": "KILL", "kill": {"task_id": {"value": "task-1"},
                                     "kill_policy": {"grace_period": {"nanoseconds": 3000000000}}}})"));
    auto message = co_await f.exec.NextEvent();
    CO_ASSERT_OK(message);
    EXPECT_EQ(*message, json::parse(R"({"type": "MESSAGE", "message": {"data": "aGVsbG8="}})"));
    EXPECT_EQ(f.agent.Kill("nope").code(), base::StatusCode::kNotFound);
  });
}

TEST(FakeAgent, KillBeforeDeliveryEndsTheTaskAndShutsTheExecutorDown) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    AgentOptions options = TestOptions();
    options.shutdown_grace = 10s;
    Fixture f(executor, options);
    CO_ASSERT_TRUE(f.started.ok());
    CO_ASSERT_TRUE(f.agent.Launch(Task(options, "task-1")).ok());
    CO_ASSERT_TRUE(f.agent.Kill("task-1").ok());
    auto killed = co_await f.agent.WaitForState("task-1", "TASK_KILLED", base::After(1s));
    CO_ASSERT_OK(killed);
    EXPECT_EQ(killed->reason, "REASON_TASK_KILLED_DURING_LAUNCH");
    // A terminating executor's stream is one SHUTDOWN, then the end.
    auto head = co_await f.exec.Subscribe();
    CO_ASSERT_OK(head);
    EXPECT_EQ(head->status, 200u);
    auto shutdown = co_await f.exec.NextEvent();
    CO_ASSERT_OK(shutdown);
    EXPECT_EQ(*shutdown, json::parse(R"({"type": "SHUTDOWN"})"));
    auto end = co_await f.exec.NextEvent();
    EXPECT_EQ(end.status().code(), base::StatusCode::kUnavailable) << end.status().message();
  });
}

TEST(FakeAgent, ShutdownGraceEndsWhatTheExecutorLeftRunning) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    AgentOptions options = TestOptions();
    options.shutdown_grace = 20ms;
    Fixture f(executor, options);
    CO_ASSERT_TRUE((co_await f.Begin()).ok());
    CO_ASSERT_OK(co_await f.exec.Update(f.exec.Status("task-1", "TASK_RUNNING")));
    auto ack = co_await f.exec.NextEvent();
    CO_ASSERT_OK(ack);
    EXPECT_EQ(TypeOf(*ack), "ACKNOWLEDGED");
    f.agent.Shutdown();
    auto shutdown = co_await f.exec.NextEvent();
    CO_ASSERT_OK(shutdown);
    EXPECT_EQ(TypeOf(*shutdown), "SHUTDOWN");
    auto failed = co_await f.agent.WaitForState("task-1", "TASK_FAILED", base::After(5s));
    CO_ASSERT_OK(failed);
    EXPECT_EQ(failed->reason, "REASON_EXECUTOR_TERMINATED");
    EXPECT_EQ(failed->source, "SOURCE_AGENT");
    EXPECT_FALSE(f.agent.stream_open());
    auto gone = co_await f.exec.Update(f.exec.Status("task-1", "TASK_KILLED"));
    CO_ASSERT_OK(gone);
    EXPECT_EQ(gone->status, 400u);
    EXPECT_EQ(gone->body, "Executor cannot be found");
  });
}

TEST(FakeAgent, TokenIsRequiredWhenConfigured) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    AgentOptions options = TestOptions();
    options.auth_token = "s3cret";
    Fixture f(executor, options);
    CO_ASSERT_TRUE(f.started.ok());
    auto missing = co_await f.exec.Subscribe();
    CO_ASSERT_OK(missing);
    EXPECT_EQ(missing->status, 401u);
    EXPECT_EQ(missing->fields["WWW-Authenticate"], "Bearer realm=\"mesos-agent-executor\"");
    f.exec.token = "wrong";
    auto wrong = co_await f.exec.Send(f.exec.Call("HEARTBEAT"));
    CO_ASSERT_OK(wrong);
    EXPECT_EQ(wrong->status, 401u);
    f.exec.token = "s3cret";
    CO_ASSERT_TRUE((co_await f.Begin()).ok());
  });
}

TEST(FakeAgent, RestartWithCheckpointingNeedsResubscription) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    AgentOptions options = TestOptions();
    options.checkpoint = true;
    Fixture f(executor, options);
    CO_ASSERT_TRUE((co_await f.Begin()).ok());
    CO_ASSERT_OK(co_await f.exec.Update(f.exec.Status("task-1", "TASK_RUNNING")));
    CO_ASSERT_OK(co_await f.exec.NextEvent());  // its ACK

    f.agent.StopListening();
    EXPECT_FALSE(f.agent.listening());
    auto ended = co_await f.exec.NextEvent();
    EXPECT_FALSE(ended.ok());
    auto refused = co_await f.exec.Send(f.exec.Call("HEARTBEAT"));
    EXPECT_FALSE(refused.ok());

    f.agent.SetRecovery(RecoveryPhase::kContainerizer);
    CO_ASSERT_TRUE(f.agent.StartListening().ok());
    auto early = co_await f.exec.Subscribe();
    CO_ASSERT_OK(early);
    EXPECT_EQ(early->status, 503u);
    f.agent.SetRecovery(RecoveryPhase::kReregistering);
    auto update = co_await f.exec.Update(f.exec.Status("task-1", "TASK_RUNNING"));
    CO_ASSERT_OK(update);
    EXPECT_EQ(update->status, 503u);
    const json::object nothing_pending{{"unacknowledged_tasks", json::array{}},
                                       {"unacknowledged_updates", json::array{}}};
    auto head = co_await f.exec.Subscribe(nothing_pending);
    CO_ASSERT_OK(head);
    EXPECT_EQ(head->status, 200u);
    f.agent.SetRecovery(RecoveryPhase::kNone);
    auto after = co_await f.exec.Update(f.exec.Status("task-1", "TASK_FINISHED"));
    CO_ASSERT_OK(after);
    EXPECT_EQ(after->status, 202u);
    CO_ASSERT_OK(co_await f.agent.WaitForState("task-1", "TASK_FINISHED", base::After(1s)));
  });
}

TEST(FakeAgent, TimedRestartWithoutCheckpointingForgetsTheFramework) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    Fixture f(executor, TestOptions());
    CO_ASSERT_TRUE((co_await f.Begin()).ok());
    RestartOptions restart;
    restart.downtime = 10ms;
    restart.recovery = 10ms;
    restart.reregistration = 10ms;
    f.agent.Restart(restart);
    const bool back = co_await f.agent.WaitUntil(
        [&] { return f.agent.listening() && f.agent.recovery() == RecoveryPhase::kNone; },
        base::After(5s));
    CO_ASSERT_TRUE(back);
    auto head = co_await f.exec.Subscribe();
    CO_ASSERT_OK(head);
    EXPECT_EQ(head->status, 400u);
    auto body = co_await f.exec.NextEvent();  // the 400's body, not an event stream
    EXPECT_FALSE(body.ok());
    EXPECT_EQ(f.agent.calls().back().response_body, "Framework cannot be found");
  });
}

}  // namespace
}  // namespace local_agent
