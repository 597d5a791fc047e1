// Go's strconv spellings for booleans and integers.
//
// Upstream parsed settings with strconv (ParseBool, and ParseInt/ParseUint
// with base 0), and docker run parses its numeric flags the same way, so
// "0x10", "0o17", "017", "0b101" and "1_000" mean what they meant there.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace executor {

// 1 t T TRUE true True / 0 f F FALSE false False; anything else is Invalid.
base::Result<bool> ParseGoBool(std::string_view text);

// strconv.ParseInt(text, 0, 64): optional sign, base prefixes 0x 0o 0b or a
// leading 0 for octal, underscores between digits (base-0 rule). Invalid with
// Go's "invalid syntax" or "value out of range" text.
base::Result<int64_t> ParseGoInt(std::string_view text);

// strconv.ParseUint(text, 0, 64): as ParseGoInt, but no sign at all.
base::Result<uint64_t> ParseGoUint(std::string_view text);

}  // namespace executor
