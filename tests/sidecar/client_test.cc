// sidecar/client against the fake Sidecar: retries, timeouts, fail-open
// inputs, and the drain call.
#include "sidecar/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/fake_sidecar.h"
#include "tests/support/coroutine_test.h"

namespace sidecar {
namespace {

namespace asio = boost::asio;
using fakes::FakeSidecar;
using fakes::SidecarAnswer;
using ::testing::HasSubstr;
using Outcome = StateLookup::Outcome;
using namespace std::chrono_literals;

constexpr char kHost[] = "worker-1";
constexpr char kId[] = "3f2a9c1b7d4e";

ClientSettings Settings(const FakeSidecar& sidecar, int64_t retries = 0) {
  ClientSettings settings;
  settings.state_url = sidecar.state_url();
  settings.http_timeout = 2s;
  settings.retry_count = retries;
  settings.retry_delay = 10ms;
  return settings;
}

Client Make(ClientSettings settings) {
  base::Result<Client> client = Client::Create(std::move(settings));
  EXPECT_TRUE(client.ok()) << client.status().message();
  return std::move(client).value();
}

SidecarAnswer Answer(SidecarAnswer::Kind kind, unsigned status = 500, std::chrono::milliseconds delay = 0ms) {
  SidecarAnswer answer;
  answer.kind = kind;
  answer.status = status;
  answer.delay = delay;
  return answer;
}

TEST(SidecarClient, PollReadsOurStatus) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 2);
    sidecar.SetService("worker-2", "c7e14d90a6b2", 0);
    Client client = Make(Settings(sidecar));
    StateDocumentReader reader(ServiceKey{kHost, kId});
    const base::Result<StateLookup> lookup = co_await client.Poll(reader);
    CO_ASSERT_OK(lookup);
    EXPECT_EQ(lookup->outcome, Outcome::kFound);
    EXPECT_EQ(lookup->status, 2);
    EXPECT_EQ(sidecar.state_requests(), 1);
    EXPECT_EQ(sidecar.calls().at(0).target, "/state.json");
  });
}

TEST(SidecarClient, PollReadsALargeDocumentAsItStreams) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    for (int host = 0; host < 50; ++host) {
      for (int service = 0; service < 40; ++service) {
        sidecar.SetService("worker-" + std::to_string(host), "svc" + std::to_string(service), host % 3);
      }
    }
    sidecar.SetService("worker-49", kId, 1);
    EXPECT_GT(sidecar.StateDocument().size(), 500'000u);
    Client client = Make(Settings(sidecar));
    StateDocumentReader reader(ServiceKey{"worker-49", kId});
    const base::Result<StateLookup> lookup = co_await client.Poll(reader);
    CO_ASSERT_OK(lookup);
    EXPECT_EQ(lookup->outcome, Outcome::kFound);
    EXPECT_EQ(lookup->status, 1);
  });
}

TEST(SidecarClient, HttpStatusIsIgnoredAsUpstream) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 2);
    sidecar.QueueStateAnswers({Answer(SidecarAnswer::Kind::kError, 500), Answer(SidecarAnswer::Kind::kBrokenJson)});
    Client client = Make(Settings(sidecar, 3));
    StateDocumentReader reader(ServiceKey{kHost, kId});
    // A 500 with Sidecar's error body: read, and it lists no host.
    const base::Result<StateLookup> error = co_await client.Poll(reader);
    CO_ASSERT_OK(error);
    EXPECT_EQ(error->outcome, Outcome::kHostMissing);
    const base::Result<StateLookup> broken = co_await client.Poll(reader);
    CO_ASSERT_OK(broken);
    EXPECT_EQ(broken->outcome, Outcome::kUndecodable);
    EXPECT_EQ(sidecar.state_requests(), 2) << "an answer, whatever it says, is not retried";
  });
}

TEST(SidecarClient, TransportFailuresAreRetried) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 1);
    sidecar.QueueStateAnswers({Answer(SidecarAnswer::Kind::kDrop), Answer(SidecarAnswer::Kind::kDrop)});
    Client client = Make(Settings(sidecar, 2));
    StateDocumentReader reader(ServiceKey{kHost, kId});
    const base::Result<StateLookup> lookup = co_await client.Poll(reader);
    CO_ASSERT_OK(lookup);
    EXPECT_EQ(lookup->outcome, Outcome::kFound);
    EXPECT_EQ(lookup->status, 1);
    EXPECT_EQ(sidecar.state_requests(), 3);
  });
}

TEST(SidecarClient, AllAttemptsFailingIsUnreachable) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetStateAnswer(Answer(SidecarAnswer::Kind::kDrop));
    Client client = Make(Settings(sidecar, 2));
    StateDocumentReader reader(ServiceKey{kHost, kId});
    const base::Result<StateLookup> lookup = co_await client.Poll(reader);
    CO_ASSERT_TRUE(!lookup.ok());
    EXPECT_THAT(lookup.status().message(), HasSubstr("3 attempts to GET " + sidecar.state_url() + " failed"));
    EXPECT_EQ(sidecar.state_requests(), 3);
  });
}

TEST(SidecarClient, ConnectionRefusedIsUnreachable) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.Stop();
    Client client = Make(Settings(sidecar, 1));
    StateDocumentReader reader(ServiceKey{kHost, kId});
    const base::Result<StateLookup> lookup = co_await client.Poll(reader);
    CO_ASSERT_TRUE(!lookup.ok());
    EXPECT_THAT(lookup.status().message(), HasSubstr("2 attempts"));
  });
}

TEST(SidecarClient, EachAttemptEndsAtTheHttpTimeout) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 2);
    // Slower than the client's timeout; the third attempt is answered at once.
    sidecar.QueueStateAnswers({Answer(SidecarAnswer::Kind::kNormal, 0, 60s), Answer(SidecarAnswer::Kind::kNormal, 0, 60s)});
    ClientSettings settings = Settings(sidecar, 2);
    settings.http_timeout = 100ms;
    Client client = Make(settings);
    StateDocumentReader reader(ServiceKey{kHost, kId});
    const base::Result<StateLookup> lookup = co_await client.Poll(reader);
    CO_ASSERT_OK(lookup);
    EXPECT_EQ(lookup->status, 2);
    EXPECT_EQ(sidecar.state_requests(), 3);
  });
}

// The targets of the polls so far, in order.
std::vector<std::string> PollTargets(const FakeSidecar& sidecar) {
  std::vector<std::string> targets;
  for (const fakes::SidecarCall& call : sidecar.calls()) {
    if (call.method == "GET") targets.push_back(call.target);
  }
  return targets;
}

TEST(SidecarClient, OnceTheStateNamesOurServiceOnlyItsInstancesAreAskedFor) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 0, "web");
    sidecar.SetService("worker-2", "c7e14d90a6b2", 2, "web");
    sidecar.SetService("worker-2", "a81c0e5f2b39", 0, "billing");
    Client client = Make(Settings(sidecar));
    StateDocumentReader reader(ServiceKey{kHost, kId});
    const base::Result<StateLookup> first = co_await client.Poll(reader);
    CO_ASSERT_OK(first);
    EXPECT_EQ(first->outcome, Outcome::kFound);
    EXPECT_EQ(first->name, "web");
    EXPECT_EQ(client.polled_name(), "web");
    sidecar.SetService(kHost, kId, 2, "web");
    const base::Result<StateLookup> second = co_await client.Poll(reader);
    CO_ASSERT_OK(second);
    EXPECT_EQ(second->outcome, Outcome::kFound);
    EXPECT_EQ(second->status, 2) << "our instance's status, not the other host's";
    EXPECT_THAT(PollTargets(sidecar), ::testing::ElementsAre("/state.json", "/api/services/web.json"));
    EXPECT_EQ(sidecar.instances_requests(), 1);
  });
}

TEST(SidecarClient, WhenTheInstancesLackUsTheStateDecidesInTheSameAttempt) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 0, "web");
    Client client = Make(Settings(sidecar));
    StateDocumentReader reader(ServiceKey{kHost, kId});
    const base::Result<StateLookup> first = co_await client.Poll(reader);
    CO_ASSERT_OK(first);
    // Gone from Sidecar: the instances answer is a 404, the state says which part is missing.
    sidecar.RemoveService(kHost, kId);
    sidecar.SetService(kHost, "c7e14d90a6b2", 0, "web");
    const base::Result<StateLookup> gone = co_await client.Poll(reader);
    CO_ASSERT_OK(gone);
    EXPECT_EQ(gone->outcome, Outcome::kServiceMissing);
    EXPECT_EQ(client.polled_name(), "") << "asked for by name again only once the state lists us";
    // Back, under a new name: learnt afresh.
    sidecar.SetService(kHost, kId, 1, "web-v2");
    const base::Result<StateLookup> back = co_await client.Poll(reader);
    CO_ASSERT_OK(back);
    EXPECT_EQ(back->status, 1);
    const base::Result<StateLookup> narrow = co_await client.Poll(reader);
    CO_ASSERT_OK(narrow);
    EXPECT_EQ(narrow->status, 1);
    EXPECT_THAT(PollTargets(sidecar), ::testing::ElementsAre("/state.json", "/api/services/web.json", "/state.json",
                                                             "/state.json", "/api/services/web-v2.json"));
  });
}

TEST(SidecarClient, ABrokenInstancesAnswerFallsBackToTheState) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 2, "web");
    Client client = Make(Settings(sidecar));
    StateDocumentReader reader(ServiceKey{kHost, kId});
    const base::Result<StateLookup> first = co_await client.Poll(reader);
    CO_ASSERT_OK(first);
    sidecar.QueueStateAnswers({Answer(SidecarAnswer::Kind::kBrokenJson), Answer(SidecarAnswer::Kind::kBrokenJson)});
    const base::Result<StateLookup> broken = co_await client.Poll(reader);
    CO_ASSERT_OK(broken);
    EXPECT_EQ(broken->outcome, Outcome::kUndecodable) << "the state document decides, as upstream's would";
    EXPECT_THAT(PollTargets(sidecar),
                ::testing::ElementsAre("/state.json", "/api/services/web.json", "/state.json"));
  });
}

TEST(SidecarClient, ANameSidecarCannotLookUpIsNotAskedForAgain) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    // An image string as the name (no ServiceName label): Sidecar's router takes no '/'.
    sidecar.SetService(kHost, kId, 0, "registry.example.com/team/web:1");
    Client client = Make(Settings(sidecar));
    StateDocumentReader reader(ServiceKey{kHost, kId});
    for (int poll = 0; poll < 3; ++poll) {
      const base::Result<StateLookup> lookup = co_await client.Poll(reader);
      CO_ASSERT_OK(lookup);
      EXPECT_EQ(lookup->outcome, Outcome::kFound);
    }
    EXPECT_THAT(PollTargets(sidecar),
                ::testing::ElementsAre("/state.json", "/api/services/registry.example.com%2Fteam%2Fweb%3A1.json",
                                       "/state.json", "/state.json"));
  });
}

TEST(SidecarClient, AnUnreachableInstancesAnswerIsAFailedAttempt) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 0, "web");
    Client client = Make(Settings(sidecar, 1));
    StateDocumentReader reader(ServiceKey{kHost, kId});
    const base::Result<StateLookup> first = co_await client.Poll(reader);
    CO_ASSERT_OK(first);
    sidecar.QueueStateAnswers({Answer(SidecarAnswer::Kind::kDrop)});
    const base::Result<StateLookup> retried = co_await client.Poll(reader);
    CO_ASSERT_OK(retried);
    EXPECT_EQ(retried->outcome, Outcome::kFound);
    EXPECT_THAT(PollTargets(sidecar), ::testing::ElementsAre("/state.json", "/api/services/web.json",
                                                             "/api/services/web.json"));
  });
}

TEST(SidecarClient, AnOperatorsOwnUrlIsPolledAsItIs) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 0, "web");
    ClientSettings settings = Settings(sidecar);
    settings.state_url += "?cluster=east";
    Client client = Make(settings);
    StateDocumentReader reader(ServiceKey{kHost, kId});
    for (int poll = 0; poll < 2; ++poll) {
      const base::Result<StateLookup> lookup = co_await client.Poll(reader);
      CO_ASSERT_OK(lookup);
      EXPECT_EQ(lookup->outcome, Outcome::kFound);
    }
    EXPECT_EQ(client.polled_name(), "");
    EXPECT_EQ(sidecar.instances_requests(), 0);
  });
}

TEST(SidecarClient, DrainSucceedsOn202) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 0);
    ClientSettings settings = Settings(sidecar, 5);
    // A path prefix in the URL is not part of the drain URL (upstream).
    settings.state_url = "http://127.0.0.1:" + std::to_string(sidecar.port()) + "/some/prefix/state.json?x=1";
    Client client = Make(settings);
    EXPECT_EQ(client.DrainUrl(kId), "http://127.0.0.1:" + std::to_string(sidecar.port()) + "/api/services/" +
                                        std::string(kId) + "/drain");
    const base::Status drained = co_await client.Drain(kId, base::After(10s));
    CO_ASSERT_OK(drained);
    CO_ASSERT_TRUE(sidecar.drains().size() == 1u);
    EXPECT_EQ(sidecar.drains()[0].target, "/api/services/3f2a9c1b7d4e/drain");
    EXPECT_EQ(sidecar.drains()[0].status, 202u);
    EXPECT_EQ(sidecar.StatusOf(kHost, kId), 4);
  });
}

TEST(SidecarClient, DrainOfAnUnknownServiceIsNotRetried) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService("another-host", kId, 0);  // Sidecar drains only its own host's services
    Client client = Make(Settings(sidecar, 5));
    const base::Status drained = co_await client.Drain(kId, base::After(10s));
    EXPECT_EQ(drained.code(), base::StatusCode::kNotFound);
    EXPECT_THAT(drained.message(), HasSubstr("404"));
    EXPECT_EQ(sidecar.drains().size(), 1u);
  });
}

TEST(SidecarClient, DrainRetriesOtherFailures) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 0);
    sidecar.QueueDrainAnswers({Answer(SidecarAnswer::Kind::kError, 500), Answer(SidecarAnswer::Kind::kDrop)});
    Client client = Make(Settings(sidecar, 5));
    const base::Status drained = co_await client.Drain(kId, base::After(10s));
    CO_ASSERT_OK(drained);
    EXPECT_EQ(sidecar.drains().size(), 3u);
  });
}

TEST(SidecarClient, DrainGivesUpAfterRetryCountPlusOne) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 0);
    sidecar.SetDrainAnswer(Answer(SidecarAnswer::Kind::kError, 500));
    Client client = Make(Settings(sidecar, 2));
    const base::Status drained = co_await client.Drain(kId, base::After(10s));
    EXPECT_FALSE(drained.ok());
    EXPECT_THAT(drained.message(), HasSubstr("3 attempts to POST"));
    EXPECT_EQ(sidecar.drains().size(), 3u);
  });
}

TEST(SidecarClient, DrainRetriesOnlyWithinTheBudget) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 0);
    sidecar.SetDrainAnswer(Answer(SidecarAnswer::Kind::kError, 503));
    ClientSettings settings = Settings(sidecar, 5);
    settings.retry_delay = 1h;  // no second attempt can start before the budget ends
    Client client = Make(settings);
    const base::Status drained = co_await client.Drain(kId, base::After(5s));
    EXPECT_FALSE(drained.ok());
    EXPECT_THAT(drained.message(), HasSubstr("1 attempt to POST"));
    EXPECT_EQ(sidecar.drains().size(), 1u);
  });
}

TEST(SidecarClient, DrainAttemptEndsAtTheBudget) {
  test::RunCoroutine([](asio::any_io_executor executor) -> asio::awaitable<void> {
    FakeSidecar sidecar(executor, kHost);
    CO_ASSERT_OK(sidecar.Start());
    sidecar.SetService(kHost, kId, 0);
    sidecar.SetDrainAnswer(Answer(SidecarAnswer::Kind::kNormal, 0, 60s));
    ClientSettings settings = Settings(sidecar, 0);
    settings.http_timeout = 0s;  // "no timeout" upstream: bounded here, and by the budget
    Client client = Make(settings);
    const base::Status drained = co_await client.Drain(kId, base::After(200ms));
    EXPECT_EQ(drained.code(), base::StatusCode::kTimeout) << drained.message();
  });
}

TEST(SidecarClient, BadUrlIsRefusedUpFront) {
  ClientSettings settings;
  settings.state_url = "localhost:7777/state.json";
  const base::Result<Client> client = Client::Create(settings);
  ASSERT_FALSE(client.ok());
  EXPECT_THAT(client.status().message(), HasSubstr("EXECUTOR_SIDECAR_URL"));
}

TEST(SidecarClient, UnsetHttpTimeoutIsBounded) {
  EXPECT_EQ(EffectiveHttpTimeout(0s), kUnsetHttpTimeout);
  EXPECT_EQ(EffectiveHttpTimeout(-1s), kUnsetHttpTimeout);
  EXPECT_EQ(EffectiveHttpTimeout(2s), 2s);
}

}  // namespace
}  // namespace sidecar
