// Docker's error responses become Status values that name our step and keep
// Docker's words (docker-engine-api.md §1.6, §2.3).
#include "docker/api_error.h"

#include <gtest/gtest.h>

namespace docker {
namespace {

TEST(DockerMessage, ReadsJsonAndPlainText) {
  EXPECT_EQ(DockerMessage(R"({"message":"No such image: x:latest"})"), "No such image: x:latest");
  EXPECT_EQ(
      DockerMessage("client version 1.11 is too old. Minimum supported API version is 1.12\n"),
      "client version 1.11 is too old. Minimum supported API version is 1.12");
  EXPECT_EQ(DockerMessage(""), "");
  EXPECT_EQ(DockerMessage(R"({"other":1})"), R"({"other":1})");
}

struct Case {
  unsigned status;
  base::StatusCode code;
};

TEST(ErrorFromResponse, MapsStatusToCodeAndKeepsTheMessage) {
  const Case cases[] = {
      {400, base::StatusCode::kInvalid},     {404, base::StatusCode::kNotFound},
      {409, base::StatusCode::kConflict},    {500, base::StatusCode::kFailed},
      {501, base::StatusCode::kFailed},      {503, base::StatusCode::kUnavailable},
      {502, base::StatusCode::kUnavailable}, {401, base::StatusCode::kFailed},
  };
  for (const Case& c : cases) {
    base::Status status = ErrorFromResponse("step", c.status, R"({"message":"why"})");
    EXPECT_EQ(status.code(), c.code) << c.status;
    EXPECT_EQ(status.message(), "step: " + std::to_string(c.status) + " why");
  }
}

TEST(ErrorFromResponse, NamesTheStep) {
  base::Status status = ErrorFromResponse("create container mesos-1", 404,
                                          R"({"message":"No such image: x:latest"})");
  EXPECT_EQ(status.message(), "create container mesos-1: 404 No such image: x:latest");
  EXPECT_EQ(ErrorFromResponse("start container x", 500, "").message(), "start container x: 500");
}

struct PullCase {
  unsigned status;
  std::string message;
  base::StatusCode code;
};

TEST(PullFailureCode, RetriesOnlyWhatAnotherAttemptMayCure) {
  const PullCase cases[] = {
      {500,
       R"(Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused)",
       base::StatusCode::kUnavailable},
      {500, "received unexpected HTTP status: 503 Service Unavailable",
       base::StatusCode::kUnavailable},
      {0, "filesystem layer verification failed for digest sha256:a8",
       base::StatusCode::kUnavailable},
      {500, R"(Head "http://127.0.0.1:5000/v2/x/manifests/1": no basic auth credentials)",
       base::StatusCode::kFailed},
      {500, "unauthorized: authentication required", base::StatusCode::kFailed},
      {500, "pull access denied for x, repository does not exist or may require 'docker login'",
       base::StatusCode::kNotFound},
      {0, "denied: requested access to the resource is denied", base::StatusCode::kFailed},
      {404, "manifest for 127.0.0.1:5000/x:nope not found: manifest unknown: manifest unknown",
       base::StatusCode::kNotFound},
      {500, "manifest unknown", base::StatusCode::kNotFound},
      {400, "invalid reference format: repository name must be lowercase",
       base::StatusCode::kInvalid},
      {403, "forbidden", base::StatusCode::kFailed},
  };
  for (const PullCase& c : cases) {
    EXPECT_EQ(PullFailureCode(c.status, c.message), c.code) << c.status << " " << c.message;
  }
}

struct FailureCase {
  unsigned status;
  std::string message;
  base::StatusCode code;
  std::string expected;
};

TEST(PullFailure, SaysWhichRegistryRefusedTheCredentials) {
  const FailureCase cases[] = {
      {500, "unauthorized: authentication required", base::StatusCode::kFailed,
       "authentication failed for registry 127.0.0.1:5000: unauthorized: authentication required"},
      {500, R"(Head "http://127.0.0.1:5000/v2/x/manifests/1": no basic auth credentials)", base::StatusCode::kFailed,
       R"(authentication failed for registry 127.0.0.1:5000: Head "http://127.0.0.1:5000/v2/x/manifests/1": )"
       R"(no basic auth credentials)"},
      {0, "Unauthorized: authentication required", base::StatusCode::kFailed,
       "authentication failed for registry 127.0.0.1:5000: Unauthorized: authentication required"},
      {404, "manifest for 127.0.0.1:5000/x:nope not found: manifest unknown", base::StatusCode::kNotFound,
       "404 manifest for 127.0.0.1:5000/x:nope not found: manifest unknown"},
      {500, "denied: requested access to the resource is denied", base::StatusCode::kFailed,
       "500 denied: requested access to the resource is denied"},
      {0, "filesystem layer verification failed", base::StatusCode::kUnavailable,
       "filesystem layer verification failed"},
  };
  for (const FailureCase& c : cases) {
    const base::Status status = PullFailure("127.0.0.1:5000", c.status, c.message);
    EXPECT_EQ(status.code(), c.code) << c.message;
    EXPECT_EQ(status.message(), c.expected);
    EXPECT_EQ(IsAuthenticationFailure(c.message), c.expected.starts_with("authentication failed")) << c.message;
  }
}

}  // namespace
}  // namespace docker
