// The agent's reading of base64 `bytes` fields. stout's rules differ from
// base/base64.h (whitespace is skipped, decoding stops at the first '=',
// URL-safe '-_' is an error), and the fake must accept and reject exactly
// what a real agent does. Encoding is plain: base::Base64Encode.
#pragma once

#include <string>
#include <string_view>

#include "base/base64.h"
#include "base/status.h"

namespace local_agent {

base::Result<std::string> StoutBase64Decode(std::string_view text);

}  // namespace local_agent
