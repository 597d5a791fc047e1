// net/openssl_api: OpenSSL found at run time, and a clear failure without it.
#include "net/openssl_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace net {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(OpenSslApi, LoadsEveryFunctionFromLibssl3) {
  const base::Result<const OpenSslApi*> api = OpenSsl();
  ASSERT_TRUE(api.ok()) << api.status().message();
  EXPECT_NE((*api)->SSL_new, nullptr);
  EXPECT_NE((*api)->X509_verify_cert_error_string, nullptr);  // from libcrypto, through libssl
  EXPECT_EQ(OpenSsl().value(), *api);                         // loaded once
}

TEST(OpenSslApi, NamesAMissingLibrary) {
  const base::Result<OpenSslApi> api = LoadOpenSsl("libsidecar-missing.so.3");
  ASSERT_FALSE(api.ok());
  EXPECT_THAT(api.status().message(), StartsWith("libsidecar-missing.so.3 cannot be loaded: "));
  EXPECT_THAT(api.status().message(), HasSubstr("cannot open shared object file"));
}

TEST(OpenSslApi, NamesAMissingFunction) {
  const base::Result<OpenSslApi> api = LoadOpenSsl("libc.so.6");  // loads, but is not OpenSSL
  ASSERT_FALSE(api.ok());
  EXPECT_THAT(api.status().message(), StartsWith("libc.so.6 cannot be loaded: "));
  EXPECT_THAT(api.status().message(), HasSubstr("undefined symbol: TLS_client_method"));
}

}  // namespace
}  // namespace net
