// The pull stream is reduced to per-layer status changes, and an error line
// inside a 200 body fails the pull (docker-engine-api.md §2.3).
#include "docker/pull_progress.h"

#include <gtest/gtest.h>

#include <vector>

namespace docker {
namespace {

// The verified stream of a pull with one new layer.
const std::string kSuccess =
    R"({"status":"Pulling from factsheet-big","id":"1"})"
    "\n"
    R"({"status":"Already exists","progressDetail":{},"id":"82996f92e947"})"
    "\n"
    R"({"status":"Pulling fs layer","progressDetail":{},"id":"a83666f09234"})"
    "\n"
    R"({"status":"Downloading","progressDetail":{"current":36445,"total":3001129},"progress":"[\u003e  ]  36.45kB/3.001MB","id":"a83666f09234"})"
    "\n"
    R"({"status":"Downloading","progressDetail":{"current":1036445,"total":3001129},"progress":"[=\u003e ]  1.036MB/3.001MB","id":"a83666f09234"})"
    "\n"
    R"({"status":"Downloading","progressDetail":{"current":2036445,"total":3001129},"progress":"[==\u003e]  2.036MB/3.001MB","id":"a83666f09234"})"
    "\n"
    R"({"status":"Download complete","progressDetail":{},"id":"a83666f09234"})"
    "\n"
    R"({"status":"Extracting","progressDetail":{"current":32768,"total":3001129},"id":"a83666f09234"})"
    "\n"
    R"({"status":"Extracting","progressDetail":{"current":65536,"total":3001129},"id":"a83666f09234"})"
    "\n"
    R"({"status":"Pull complete","progressDetail":{},"id":"a83666f09234"})"
    "\n"
    R"({"status":"Digest: sha256:038fbf658eaa5da528d800474c2db1876f6f7ff28c991e0f5290a6df9e15334a"})"
    "\n"
    R"({"status":"Status: Downloaded newer image for 127.0.0.1:5000/factsheet-big:1"})"
    "\n";

const std::vector<std::string> kSuccessEvents = {
    "1 Pulling from factsheet-big",
    "82996f92e947 Already exists",
    "a83666f09234 Pulling fs layer",
    "a83666f09234 Downloading",
    "a83666f09234 Download complete",
    "a83666f09234 Extracting",
    "a83666f09234 Pull complete",
    " Digest: sha256:038fbf658eaa5da528d800474c2db1876f6f7ff28c991e0f5290a6df9e15334a",
    " Status: Downloaded newer image for 127.0.0.1:5000/factsheet-big:1",
};

// The verified stream of a pull whose layer was corrupt: HTTP 200 throughout.
const std::string kCorrupt =
    R"({"status":"Pulling fs layer","progressDetail":{},"id":"a83666f09234"})"
    "\n"
    R"({"status":"Verifying Checksum","progressDetail":{},"id":"a83666f09234"})"
    "\n"
    R"({"errorDetail":{"message":"filesystem layer verification failed for digest sha256:a83666f0"},"error":"filesystem layer verification failed for digest sha256:a83666f0"})"
    "\n";

struct Outcome {
  std::vector<std::string> events;
  base::Status status;
};

Outcome Parse(std::string_view body, std::size_t cut) {
  Outcome out;
  PullProgressParser parser(
      [&](const PullProgress& p) { out.events.push_back(p.id + " " + p.status); });
  out.status = parser.Feed(body.substr(0, cut));
  if (out.status.ok()) out.status = parser.Feed(body.substr(cut));
  if (out.status.ok()) out.status = parser.Finish();
  return out;
}

TEST(PullProgressParser, ReportsEachLayerStatusChangeOnceUnderEverySplit) {
  for (std::size_t cut = 0; cut <= kSuccess.size(); ++cut) {
    Outcome out = Parse(kSuccess, cut);
    ASSERT_TRUE(out.status.ok()) << "cut " << cut << ": " << out.status.message();
    EXPECT_EQ(out.events, kSuccessEvents) << "cut " << cut;
  }
}

TEST(PullProgressParser, AnErrorLineInsideA200StreamFailsWithDockersMessage) {
  for (std::size_t cut = 0; cut <= kCorrupt.size(); ++cut) {
    Outcome out = Parse(kCorrupt, cut);
    EXPECT_EQ(out.status.code(), base::StatusCode::kUnavailable) << "cut " << cut;
    EXPECT_EQ(out.status.message(),
              "filesystem layer verification failed for digest sha256:a83666f0");
    EXPECT_EQ(out.events, (std::vector<std::string>{"a83666f09234 Pulling fs layer",
                                                    "a83666f09234 Verifying Checksum"}));
  }
}

TEST(PullProgressParser, ErrorDetailAloneIsAFailure) {
  Outcome out = Parse(R"({"errorDetail":{"message":"unauthorized: authentication required"}})"
                      "\n",
                      0);
  EXPECT_EQ(out.status.code(), base::StatusCode::kFailed);
  EXPECT_EQ(out.status.message(), "unauthorized: authentication required");
}

TEST(PullProgressParser, ErrorOnAnUnterminatedLastLineIsSeenAtFinish) {
  PullProgressParser parser(nullptr);
  EXPECT_TRUE(parser.Feed(R"({"error":"manifest unknown"})").ok());
  base::Status finished = parser.Finish();
  EXPECT_EQ(finished.code(), base::StatusCode::kNotFound);
  EXPECT_EQ(finished.message(), "manifest unknown");
}

TEST(PullProgressParser, FailureIsSticky) {
  PullProgressParser parser(nullptr);
  EXPECT_FALSE(parser
                   .Feed(R"({"error":"boom"})"
                         "\n")
                   .ok());
  base::Status again = parser.Feed(R"({"status":"Pull complete","id":"x"})"
                                   "\n");
  EXPECT_EQ(again.message(), "boom");
  EXPECT_EQ(parser.Finish().message(), "boom");
}

TEST(PullProgressParser, UnreadableLineIsAStreamFailure) {
  PullProgressParser parser(nullptr);
  base::Status fed = parser.Feed("<html>proxy error</html>\n");
  EXPECT_EQ(fed.code(), base::StatusCode::kUnavailable);
  EXPECT_NE(fed.message().find("proxy error"), std::string::npos);
}

TEST(PullProgressParser, BlankLinesAndCarriageReturnsAreTolerated) {
  Outcome out = Parse(
      "\n\r\n"
      R"({"status":"Pulling fs layer","id":"a"})"
      "\r\n",
      2);
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_EQ(out.events, std::vector<std::string>{"a Pulling fs layer"});
}

TEST(PullProgressParser, RepeatedSummaryLinesAreEachReported) {
  Outcome out = Parse(R"({"status":"Status: Image is up to date for x:1"})"
                      "\n"
                      R"({"status":"Status: Image is up to date for x:1"})"
                      "\n",
                      0);
  EXPECT_EQ(out.events.size(), 2u);
}

}  // namespace
}  // namespace docker
