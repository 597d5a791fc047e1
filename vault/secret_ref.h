// The vault:// convention of the upstream executor (vault-api.md §3.4):
// a container environment value "vault://<path>[?key=<field>]" stands for
// the field of the secret at <path>, "value" by default.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace vault {

inline constexpr std::string_view kSecretScheme = "vault://";
inline constexpr std::string_view kDefaultField = "value";

struct SecretRef {
  std::string path;   // cleaned and percent-decoded: "secret/billing/db"
  std::string field;  // "value" unless ?key= says otherwise
};

// The exact, case-sensitive prefix upstream looked for.
inline bool IsSecretRef(std::string_view value) { return value.starts_with(kSecretScheme); }

// Parses like upstream (Go's url.Parse): path = host + path, user-info,
// fragment and other query parameters ignored, the first `key` wins.
// Invalid for text that is no URL, an empty path or an empty key.
base::Result<SecretRef> ParseSecretRef(std::string_view value);

}  // namespace vault
