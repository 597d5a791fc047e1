#include "executor/redactor.h"

#include <gtest/gtest.h>

namespace executor {
namespace {

TEST(Redactor, SecretNamesInAnyCase) {
  for (const char* name : {"AWS_SECRET_ACCESS_KEY", "DB_PASSWORD", "vault_token", "API_KEY", "MyCredentials",
                           "MESOS_EXECUTOR_AUTHENTICATION_TOKEN", "AWS_ACCESS_KEY_ID"}) {
    EXPECT_TRUE(Redactor::IsSecretName(name)) << name;
  }
  for (const char* name : {"PATH", "SERVICE_NAME", "MESOS_SANDBOX", "TASK_HOST"}) {
    EXPECT_FALSE(Redactor::IsSecretName(name)) << name;
  }
}

TEST(Redactor, MasksSecretEntriesWhole) {
  Redactor redactor;
  EXPECT_EQ(redactor.MaskEntry("AWS_SECRET_ACCESS_KEY=1234567890abbacafe12345"), "AWS_SECRET_ACCESS_KEY=[REDACTED]");
  EXPECT_EQ(redactor.MaskEntry("DB_PASSWORD=x"), "DB_PASSWORD=[REDACTED]");
  EXPECT_EQ(redactor.MaskEntry("SERVICE_NAME=web"), "SERVICE_NAME=web");
  EXPECT_EQ(redactor.MaskEntry("EMPTY_TOKEN="), "EMPTY_TOKEN=");
}

TEST(Redactor, ScrubsKnownValuesWherever_TheyAppear) {
  Redactor redactor;
  redactor.AddSecretsFromEnvironment({"DB_PASSWORD=hunter22", "PATH=/bin", "X_TOKEN=abcdefgh"});
  EXPECT_EQ(redactor.Scrub("login with hunter22 and abcdefgh; PATH=/bin"),
            "login with [REDACTED] and [REDACTED]; PATH=/bin");
  EXPECT_EQ(redactor.Scrub("hunter22hunter22"), "[REDACTED][REDACTED]");
  // A non-secret entry that contains the value is scrubbed too.
  EXPECT_EQ(redactor.MaskEntry("URL=postgres://u:hunter22@db"), "URL=postgres://u:[REDACTED]@db");
}

TEST(Redactor, VaultReferencesAreShownNotRemembered) {
  Redactor redactor;
  redactor.AddSecretsFromEnvironment({"DB_PASSWORD=vault://secret/db?key=password"});
  EXPECT_TRUE(redactor.empty());
  EXPECT_EQ(redactor.MaskEntry("DB_PASSWORD=vault://secret/db?key=password"),
            "DB_PASSWORD=vault://secret/db?key=password");
}

TEST(Redactor, LongerSecretsWinOverTheirPrefixes) {
  Redactor redactor;
  redactor.AddSecret("abcd");
  redactor.AddSecret("abcdefgh");
  EXPECT_EQ(redactor.Scrub("abcdefgh"), "[REDACTED]");
}

TEST(Redactor, IgnoresTinyValues) {
  Redactor redactor;
  redactor.AddSecret("a");
  redactor.AddSecret("");
  EXPECT_TRUE(redactor.empty());
  EXPECT_EQ(redactor.Scrub("a banana"), "a banana");
}

}  // namespace
}  // namespace executor
