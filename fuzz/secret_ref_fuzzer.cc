// vault:// references in a container's environment (vault/secret_ref.h)
// and the path cleaning they go through (vault/api_path.h).
// Invariants: an accepted reference has a non-empty path and field; a
// cleaned path is clean (cleaning is idempotent) and never starts or ends
// with '/'.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vault/api_path.h"
#include "vault/secret_ref.h"

namespace {

void CheckClean(std::string_view path) {
  const std::string clean = vault::CleanPath(path);
  if (clean.starts_with('/') || clean.ends_with('/')) __builtin_trap();
  if (vault::CleanPath(clean) != clean) __builtin_trap();
  (void)vault::EncodePath(clean);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckClean(text);
  if (!vault::IsSecretRef(text)) return 0;
  const base::Result<vault::SecretRef> ref = vault::ParseSecretRef(text);
  if (!ref.ok()) return 0;
  if (ref->path.empty() || ref->field.empty()) __builtin_trap();
  if (vault::CleanPath(ref->path) != ref->path) __builtin_trap();
  return 0;
}
