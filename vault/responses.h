// Vault's JSON answers (vault-api.md §1.1, §2, §4, §5), parsed into plain
// data. Pure; the client feeds these with response bodies.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace vault {

// For messages: "403 permission denied", "503 Vault is sealed",
// "404 not found" (Vault's `errors`, else its `warnings`, else the HTTP
// reason; whitespace collapsed, length bounded).
std::string DescribeError(unsigned status, std::string_view body);

// A 200 body: the response envelope, which must be a JSON object.
base::Result<boost::json::object> ParseEnvelope(std::string_view body);

// A login or token renewal: auth.client_token (upstream's fallback:
// data.id) and auth.lease_duration.
struct TokenGrant {
  std::string token;
  std::chrono::seconds ttl{0};
  bool renewable = false;
};
base::Result<TokenGrant> ParseTokenGrant(const boost::json::object& envelope);

// data.ttl of a token lookup; upstream required it to be a number.
base::Result<std::chrono::seconds> ParseLookupTtl(const boost::json::object& envelope);

struct Lease {
  std::string id;
  std::chrono::seconds duration{0};
  bool renewable = false;
};
// lease_id, lease_duration (an integer, as upstream required), renewable.
base::Result<Lease> ParseLease(const boost::json::object& envelope);

struct AwsCredentials {
  std::string access_key;
  std::string secret_key;
  std::optional<std::string> session_token;  // STS role types only
  Lease lease;
};
base::Result<AwsCredentials> ParseAwsCredentials(const boost::json::object& envelope);

}  // namespace vault
