// Text the executor writes in several places: UTC timestamps, JSON string
// literals built by hand (log lines, relayed lines), where a JSON library
// would cost a tree per line, and percent-encoded URL parts.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace base {

// "2026-11-26T10:02:11Z".
std::string FormatUtcSeconds(std::chrono::system_clock::time_point time);
// "2026-11-26T10:02:11.123Z".
std::string FormatUtcMillis(std::chrono::system_clock::time_point time);

// Length of the well-formed UTF-8 sequence that starts `text` (non-empty),
// or 0 where there is none (RFC 3629: stray continuation bytes, overlong
// forms, surrogates, code points past U+10FFFF, cut sequences), which is
// also where Go decodes RuneError of width 1.
std::size_t Utf8SequenceLength(std::string_view text);

enum class JsonEscaping {
  kMinimal,  // what JSON requires, with the short forms \b and \f
  kGo,       // as Go's encoding/json: also <, >, &, U+2028 and U+2029 as \u escapes
};

// Appends `text` as a JSON string literal. Container output and Docker's
// words may be any bytes: a byte that is not UTF-8 becomes \ufffd, so the
// result always parses.
void AppendJsonString(std::string& out, std::string_view text, JsonEscaping escaping);

// Percent-encodes every byte but RFC 3986's unreserved characters
// (ALPHA DIGIT - . _ ~) and those in `keep`, for a URL's path or query.
std::string PercentEncode(std::string_view text, std::string_view keep = "");

}  // namespace base
