// relay/syslog_address: EXECUTOR_SYSLOG_ADDR split as Go's net.SplitHostPort.
#include "relay/syslog_address.h"

#include <gtest/gtest.h>

namespace relay {
namespace {

TEST(ParseSyslogAddress, SplitsLikeGo) {
  struct Case {
    const char* text;
    const char* host;
    const char* port;
  };
  const Case cases[] = {
      {"127.0.0.1:514", "127.0.0.1", "514"},
      {"syslog.example.com:5140", "syslog.example.com", "5140"},
      {"localhost:syslog", "localhost", "syslog"},
      {"[::1]:514", "::1", "514"},
      {"[fe80::1%eth0]:514", "fe80::1%eth0", "514"},
      {"[localhost]:514", "localhost", "514"},
      {":514", "", "514"},
  };
  for (const Case& c : cases) {
    const base::Result<SyslogAddress> address = ParseSyslogAddress(c.text);
    ASSERT_TRUE(address.ok()) << c.text << ": " << address.status().message();
    EXPECT_EQ(address->host, c.host) << c.text;
    EXPECT_EQ(address->port, c.port) << c.text;
  }
}

TEST(ParseSyslogAddress, RefusesWhatGoRefuses) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"", "address : missing port in address"},
      {"localhost", "address localhost: missing port in address"},
      {"::1:514", "address ::1:514: too many colons in address"},
      {"[::1]", "address [::1]: missing port in address"},
      {"[::1]514:1", "address [::1]514:1: missing port in address"},
      {"[::1]:514:", "address [::1]:514:: too many colons in address"},
      {"[::1:514", "address [::1:514: missing ']' in address"},
      {"a[b:514", "address a[b:514: unexpected '[' in address"},
      {"a]b:514", "address a]b:514: unexpected ']' in address"},
      {"[a]]:514", "address [a]]:514: missing port in address"},
      {"host:", "address host:: missing port number"},
  };
  for (const Case& c : cases) {
    const base::Result<SyslogAddress> address = ParseSyslogAddress(c.text);
    ASSERT_FALSE(address.ok()) << c.text;
    EXPECT_EQ(address.status().code(), base::StatusCode::kInvalid) << c.text;
    EXPECT_EQ(address.status().message(), c.message) << c.text;
  }
}

TEST(SyslogAddress, PrintsAsItWasWritten) {
  EXPECT_EQ((SyslogAddress{"127.0.0.1", "514"}.ToString()), "127.0.0.1:514");
  EXPECT_EQ((SyslogAddress{"::1", "514"}.ToString()), "[::1]:514");
  EXPECT_EQ((SyslogAddress{"", "syslog"}.ToString()), ":syslog");
}

}  // namespace
}  // namespace relay
