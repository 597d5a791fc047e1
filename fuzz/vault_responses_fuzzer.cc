// Vault's answers (vault/responses.h, vault/kv.h): error bodies, and every
// parser that reads a 200 envelope (logins, token lookups, leases, AWS
// credentials, KV mount preflight, KV v1/v2 secrets).
// Invariant: a KV v2 read path is the secret's path under <mount>data/; a
// v1 read path is the secret's path itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vault/kv.h"
#include "vault/responses.h"

namespace {

// The paths a vault:// reference of the seed documents would read.
constexpr std::string_view kSecretPaths[] = {"secret/billing/db", "kv/app", "secret"};

void ReadSecret(const boost::json::object& envelope) {
  const base::Result<vault::MountInfo> mount = vault::ParseMountInfo(envelope);
  if (mount.ok()) {
    for (std::string_view path : kSecretPaths) {
      const std::string read_path = vault::KvReadPath(*mount, path);
      const bool versioned = mount->kv_version == 2 && mount->Contains(path);
      if (versioned ? !read_path.starts_with(mount->path + "data/") : read_path != path) __builtin_trap();
    }
  }
  for (const int kv_version : {1, 2}) (void)vault::SecretField(envelope, kv_version, "value");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (const unsigned status : {400u, 403u, 503u, 599u}) {
    if (vault::DescribeError(status, body).empty()) __builtin_trap();
  }
  const base::Result<boost::json::object> envelope = vault::ParseEnvelope(body);
  if (!envelope.ok()) return 0;
  (void)vault::ParseTokenGrant(*envelope);
  (void)vault::ParseLookupTtl(*envelope);
  (void)vault::ParseLease(*envelope);
  (void)vault::ParseAwsCredentials(*envelope);
  ReadSecret(*envelope);
  return 0;
}
