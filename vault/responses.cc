#include "vault/responses.h"

#include <boost/beast/http/status.hpp>
#include <boost/json/parse.hpp>

#include <cctype>

#include "base/int64_range.h"

namespace vault {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxDescription = 300;

std::string Collapse(std::string_view text) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || !std::isprint(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > kMaxDescription) out = out.substr(0, kMaxDescription) + "...";
  return out;
}

std::string JoinStrings(const json::value* list) {
  std::string joined;
  if (!list || !list->is_array()) return joined;
  for (const json::value& item : list->as_array()) {
    if (!item.is_string()) continue;
    const std::string text = Collapse(item.as_string());
    if (text.empty()) continue;
    if (!joined.empty()) joined += "; ";
    joined += text;
  }
  return joined;
}

std::string Reason(unsigned status) {
  std::string reason(boost::beast::http::obsolete_reason(boost::beast::http::int_to_status(status)));
  for (char& c : reason) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return reason;
}

const json::object* ObjectAt(const json::object& parent, std::string_view key) {
  const json::value* value = parent.if_contains(key);
  return value && value->is_object() ? &value->as_object() : nullptr;
}

std::optional<int64_t> Integer(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (!value) return std::nullopt;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64()) return static_cast<int64_t>(value->as_uint64());
  // Range first: converting a double beyond int64 is undefined (caught by
  // fuzz/vault_responses_fuzzer).
  if (value->is_double() && base::InInt64Range(value->as_double()) &&
      value->as_double() == static_cast<double>(static_cast<int64_t>(value->as_double()))) {
    return static_cast<int64_t>(value->as_double());
  }
  return std::nullopt;
}

std::string StringAt(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

bool BoolAt(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_bool() && value->as_bool();
}

}  // namespace

std::string DescribeError(unsigned status, std::string_view body) {
  std::string text = std::to_string(status) + " ";
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (!ec && parsed.is_object()) {
    std::string detail = JoinStrings(parsed.as_object().if_contains("errors"));
    if (detail.empty()) detail = JoinStrings(parsed.as_object().if_contains("warnings"));
    if (!detail.empty()) return text + detail;
    return text + Reason(status);
  }
  const std::string raw = Collapse(body);
  return text + Reason(status) + (raw.empty() ? "" : ": " + raw);
}

base::Result<json::object> ParseEnvelope(std::string_view body) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec) return base::Status::Failed("Vault's answer is not JSON (" + ec.message() + ")");
  if (!parsed.is_object()) return base::Status::Failed("Vault's answer is not a JSON object");
  return std::move(parsed.as_object());
}

base::Result<TokenGrant> ParseTokenGrant(const json::object& envelope) {
  TokenGrant grant;
  if (const json::object* auth = ObjectAt(envelope, "auth")) {
    grant.token = StringAt(*auth, "client_token");
    grant.ttl = std::chrono::seconds(Integer(*auth, "lease_duration").value_or(0));
    grant.renewable = BoolAt(*auth, "renewable");
  }
  if (grant.token.empty()) {
    if (const json::object* data = ObjectAt(envelope, "data")) grant.token = StringAt(*data, "id");
  }
  if (grant.token.empty()) return base::Status::Failed("Vault's answer carries no token (auth.client_token)");
  return grant;
}

base::Result<std::chrono::seconds> ParseLookupTtl(const json::object& envelope) {
  const json::object* data = ObjectAt(envelope, "data");
  std::optional<int64_t> ttl = data ? Integer(*data, "ttl") : std::nullopt;
  if (!ttl) return base::Status::Failed("Vault's token lookup has no numeric data.ttl");
  return std::chrono::seconds(*ttl);
}

base::Result<Lease> ParseLease(const json::object& envelope) {
  Lease lease;
  lease.id = StringAt(envelope, "lease_id");
  std::optional<int64_t> duration = Integer(envelope, "lease_duration");
  if (!duration || *duration < 0) return base::Status::Failed("Vault's answer has no integer lease_duration");
  lease.duration = std::chrono::seconds(*duration);
  lease.renewable = BoolAt(envelope, "renewable");
  return lease;
}

base::Result<AwsCredentials> ParseAwsCredentials(const json::object& envelope) {
  base::Result<Lease> lease = ParseLease(envelope);
  if (!lease.ok()) return lease.status();
  if (lease->id.empty()) return base::Status::Failed("Vault's AWS credentials carry no lease_id");
  const json::object* data = ObjectAt(envelope, "data");
  if (!data) return base::Status::Failed("Vault's AWS credentials have no data");
  AwsCredentials credentials;
  credentials.access_key = StringAt(*data, "access_key");
  credentials.secret_key = StringAt(*data, "secret_key");
  if (credentials.access_key.empty() || credentials.secret_key.empty()) {
    return base::Status::Failed("Vault's AWS credentials lack data.access_key or data.secret_key");
  }
  if (std::string token = StringAt(*data, "security_token"); !token.empty()) {
    credentials.session_token = std::move(token);
  }
  credentials.lease = std::move(lease).value();
  return credentials;
}

}  // namespace vault
