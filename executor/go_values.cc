// Ports of strconv.ParseBool, ParseUint, ParseInt and underscoreOK
// (src/strconv/atoi.go), specialised to base 0 and 64 bits.
#include "executor/go_values.h"

#include <limits>
#include <string>

namespace executor {
namespace {

enum class NumError { kNone, kSyntax, kRange };

char Lower(char c) { return static_cast<char>(c | ('x' - 'X')); }

base::Status NumStatus(std::string_view function, std::string_view text, NumError error) {
  std::string message = "strconv.";
  message += function;
  message += ": parsing \"";
  message += text;
  message += "\": ";
  message += error == NumError::kRange ? "value out of range" : "invalid syntax";
  return base::Status::Invalid(std::move(message));
}

// Underscores may only sit between digits, or between a base prefix and a digit.
bool UnderscoreOk(std::string_view s) {
  char saw = '^';  // ^ start, 0 digit or prefix, _ underscore, ! other
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// strconv.ParseUint(s, 0, 64) without the error wrapping.
NumError ParseUnsigned(std::string_view s0, uint64_t& n) {
  n = 0;
  if (s0.empty()) return NumError::kSyntax;
  std::string_view s = s0;
  uint64_t base = 10;
  if (s[0] == '0') {
    if (s.size() >= 3 && Lower(s[1]) == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else if (s.size() >= 3 && Lower(s[1]) == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else if (s.size() >= 3 && Lower(s[1]) == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  const uint64_t cutoff = kMax / base + 1;
  bool underscores = false;
  for (char c : s) {
    uint64_t d = 0;
    if (c == '_') {
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') {
      d = static_cast<uint64_t>(c - '0');
    } else if (Lower(c) >= 'a' && Lower(c) <= 'z') {
      d = static_cast<uint64_t>(Lower(c) - 'a' + 10);
    } else {
      return NumError::kSyntax;
    }
    if (d >= base) return NumError::kSyntax;
    if (n >= cutoff) {
      n = kMax;
      return NumError::kRange;
    }
    n *= base;
    const uint64_t n1 = n + d;
    if (n1 < n) {
      n = kMax;
      return NumError::kRange;
    }
    n = n1;
  }
  if (underscores && !UnderscoreOk(s0)) return NumError::kSyntax;
  return NumError::kNone;
}

}  // namespace

base::Result<bool> ParseGoBool(std::string_view text) {
  if (text == "1" || text == "t" || text == "T" || text == "TRUE" || text == "true" ||
      text == "True") {
    return true;
  }
  if (text == "0" || text == "f" || text == "F" || text == "FALSE" || text == "false" ||
      text == "False") {
    return false;
  }
  return base::Status::Invalid("strconv.ParseBool: parsing \"" + std::string(text) +
                               "\": invalid syntax");
}

base::Result<uint64_t> ParseGoUint(std::string_view text) {
  uint64_t n = 0;
  const NumError error = ParseUnsigned(text, n);
  if (error != NumError::kNone) return NumStatus("ParseUint", text, error);
  return n;
}

base::Result<int64_t> ParseGoInt(std::string_view text) {
  if (text.empty()) return NumStatus("ParseInt", text, NumError::kSyntax);
  std::string_view s = text;
  bool negative = false;
  if (s[0] == '+') {
    s.remove_prefix(1);
  } else if (s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  uint64_t un = 0;
  const NumError error = ParseUnsigned(s, un);
  if (error == NumError::kSyntax) return NumStatus("ParseInt", text, error);
  constexpr uint64_t kCutoff = uint64_t{1} << 63;
  if (error == NumError::kRange || (!negative && un >= kCutoff) || (negative && un > kCutoff)) {
    return NumStatus("ParseInt", text, NumError::kRange);
  }
  return negative ? static_cast<int64_t>(~un + 1) : static_cast<int64_t>(un);
}

}  // namespace executor
