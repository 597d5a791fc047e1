#include "executor/docker_size.h"

#include <charconv>
#include <cmath>
#include <string>

namespace executor {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Length of the leading \d+(\.\d+)? of `s`; 0 when it does not start so.
size_t NumberLength(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == 0) return 0;
  if (i + 1 < s.size() && s[i] == '.' && IsDigit(s[i + 1])) {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  return i;
}

double Multiplier(char unit) {
  switch (unit | 0x20) {  // lower case
    case 'k': return 1024.0;
    case 'm': return 1024.0 * 1024;
    case 'g': return 1024.0 * 1024 * 1024;
    case 't': return 1024.0 * 1024 * 1024 * 1024;
    case 'p': return 1024.0 * 1024 * 1024 * 1024 * 1024;
    default: return 0;
  }
}

}  // namespace

base::Result<int64_t> ParseDockerSize(std::string_view text) {
  const auto invalid = [&] {
    return base::Status::Invalid("invalid size: '" + std::string(text) + "'");
  };
  const size_t number_length = NumberLength(text);
  if (number_length == 0) return invalid();
  double size = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + number_length, size);
  if (ec != std::errc() || end != text.data() + number_length) return invalid();

  // The rest must match " ?([kKmMgGtTpP])?[iI]?[bB]?".
  std::string_view rest = text.substr(number_length);
  if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  if (!rest.empty() && Multiplier(rest[0]) != 0) {
    size *= Multiplier(rest[0]);
    rest.remove_prefix(1);
  }
  if (!rest.empty() && (rest[0] | 0x20) == 'i') rest.remove_prefix(1);
  if (!rest.empty() && (rest[0] | 0x20) == 'b') rest.remove_prefix(1);
  if (!rest.empty()) return invalid();
  if (!(size < 9223372036854775808.0)) {
    return base::Status::Invalid("size out of range: '" + std::string(text) + "'");
  }
  return static_cast<int64_t>(size);
}

}  // namespace executor
