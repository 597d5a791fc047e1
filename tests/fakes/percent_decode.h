#pragma once

#include <string>
#include <string_view>

namespace fakes {

// A request path as Go's servers (Sidecar, Vault) route it: each %XX decoded.
// A '%' not followed by two hex digits is kept as it is; Go would answer 400,
// but no client under test sends one.
std::string PercentDecode(std::string_view text);

}  // namespace fakes
