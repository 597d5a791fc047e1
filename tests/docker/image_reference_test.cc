// Image references split and normalised as the reference client does
// (docker-engine-api.md §2.2, §3.2).
#include "docker/image_reference.h"

#include <gtest/gtest.h>

namespace docker {
namespace {

const std::string kDigest =
    "sha256:038fbf658eaa5da528d800474c2db1876f6f7ff28c991e0f5290a6df9e15334a";
const std::string kHub = "https://index.docker.io/v1/";

struct Case {
  std::string input;
  std::string from_image;
  std::string tag;
  std::string credential_key;
  std::optional<std::string> version;
};

TEST(ParseImageReference, MatchesTheReferenceClient) {
  const Case cases[] = {
      {"busybox", "docker.io/library/busybox", "latest", kHub, std::nullopt},
      {"library/busybox", "docker.io/library/busybox", "latest", kHub, std::nullopt},
      {"docker.io/library/busybox", "docker.io/library/busybox", "latest", kHub, std::nullopt},
      {"index.docker.io/library/busybox", "docker.io/library/busybox", "latest", kHub,
       std::nullopt},
      {"docker.io/busybox:1", "docker.io/library/busybox", "1", kHub, "1"},
      {"registry-1.docker.io/library/busybox", "registry-1.docker.io/library/busybox", "latest",
       "registry-1.docker.io", std::nullopt},
      {"foo/bar", "docker.io/foo/bar", "latest", kHub, std::nullopt},
      {"a/b/c:v1", "docker.io/a/b/c", "v1", kHub, "v1"},
      {"foo:5000", "docker.io/library/foo", "5000", kHub, "5000"},
      {"localhost/x", "localhost/x", "latest", "localhost", std::nullopt},
      {"localhost:5000/x", "localhost:5000/x", "latest", "localhost:5000", std::nullopt},
      {"foo.bar/x", "foo.bar/x", "latest", "foo.bar", std::nullopt},
      {"x:5000/y", "x:5000/y", "latest", "x:5000", std::nullopt},
      {"127.0.0.1:5000/factsheet-bb:1", "127.0.0.1:5000/factsheet-bb", "1", "127.0.0.1:5000", "1"},
      {"Foo.Example/team/app:2.0", "Foo.Example/team/app", "2.0", "Foo.Example", "2.0"},
      {"myreg.example:443/team/app:2.0@" + kDigest, "myreg.example:443/team/app", kDigest,
       "myreg.example:443", std::nullopt},
      {"app@" + kDigest, "docker.io/library/app", kDigest, kHub, std::nullopt},
      {"sidecar-executor-test/busybox:1", "docker.io/sidecar-executor-test/busybox", "1", kHub,
       "1"},
      {"x/a_b__c.d-e---f:TAG_x.1-2", "docker.io/x/a_b__c.d-e---f", "TAG_x.1-2", kHub, "TAG_x.1-2"},
  };
  for (const Case& c : cases) {
    base::Result<ImageReference> ref = ParseImageReference(c.input);
    ASSERT_TRUE(ref.ok()) << c.input << ": " << ref.status().message();
    EXPECT_EQ(ref->Repository(), c.from_image) << c.input;
    EXPECT_EQ(ref->PullTag(), c.tag) << c.input;
    EXPECT_EQ(ref->CredentialKey(), c.credential_key) << c.input;
    EXPECT_EQ(ref->VersionTag(), c.version) << c.input;
  }
}

TEST(ParseImageReference, KeepsTheParts) {
  base::Result<ImageReference> ref =
      ParseImageReference("reg.example:5000/team/app:2.0@" + kDigest);
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->domain, "reg.example:5000");
  EXPECT_EQ(ref->path, "team/app");
  EXPECT_EQ(ref->tag, "2.0");
  EXPECT_EQ(ref->digest, kDigest);
  EXPECT_EQ(ref->PullName(), "reg.example:5000/team/app@" + kDigest);
}

TEST(ParseImageReference, PullNameCarriesTheTag) {
  EXPECT_EQ(ParseImageReference("busybox")->PullName(), "docker.io/library/busybox:latest");
  EXPECT_EQ(ParseImageReference("127.0.0.1:1/x:1")->PullName(), "127.0.0.1:1/x:1");
}

TEST(ParseImageReference, RejectsWhatTheDaemonRejects) {
  const std::string bad[] = {
      "",
      "BB:1",
      "UPPER/x",
      "bb:",
      "bb:1:2",
      "a___b/c:1",
      "-a/b:1",
      "a-/b",
      "a//b",
      "/a",
      "a/",
      "localhost/",
      "bb:" + std::string(129, 't'),
      "bb:-tag",
      "bb@sha256:abc",
      "bb@md5:038fbf658eaa5da528d800474c2db1876f6f7ff28c991e0f5290a6df9e15334a",
      "bb@" + kDigest.substr(0, 20) + "G" + kDigest.substr(21),
      "[::1]:5000/x:1",
      "reg-.example/x",
      "with space/x",
      std::string(256, 'a'),
  };
  for (const std::string& input : bad) {
    base::Result<ImageReference> ref = ParseImageReference(input);
    ASSERT_FALSE(ref.ok()) << input;
    EXPECT_EQ(ref.status().code(), base::StatusCode::kInvalid) << input;
  }
}

TEST(ParseImageReference, SaysWhenTheNameIsNotLowercase) {
  base::Result<ImageReference> ref = ParseImageReference("BB:1");
  ASSERT_FALSE(ref.ok());
  EXPECT_NE(ref.status().message().find("must be lowercase"), std::string::npos);
}

TEST(ParseImageReference, TagOfExactly128CharactersIsValid) {
  EXPECT_TRUE(ParseImageReference("bb:" + std::string(128, 't')).ok());
}

}  // namespace
}  // namespace docker
