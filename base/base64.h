// Base64 (RFC 4648): the standard alphabet for Mesos `bytes` fields, the
// URL-safe alphabet (with padding) for Docker's X-Registry-Auth header.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace base {

enum class Base64Alphabet { kStandard, kUrlSafe };

// Always padded with '='.
std::string Base64Encode(std::string_view bytes, Base64Alphabet alphabet = Base64Alphabet::kStandard);

// Accepts padded or unpadded input of the given alphabet; nullopt on any
// character outside it.
std::optional<std::string> Base64Decode(std::string_view text,
                                        Base64Alphabet alphabet = Base64Alphabet::kStandard);

}  // namespace base
