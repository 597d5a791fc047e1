// A line-by-line port of Go's time.ParseDuration and Duration.String()
// (src/time/format.go), including its float64 fraction arithmetic, so
// results match Go to the nanosecond.
#include "executor/go_duration.h"

#include <cstdint>
#include <string>

namespace executor {
namespace {

constexpr uint64_t kTwoTo63 = uint64_t{1} << 63;

// Go's time.quote: non-ASCII and control bytes as \xNN.
std::string Quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c >= 0x80 || c < ' ') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

base::Status InvalidDuration(std::string_view orig) {
  return base::Status::Invalid("time: invalid duration " + Quote(orig));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Consumes [0-9]*; false on overflow past 1<<63.
bool LeadingInt(std::string_view& s, uint64_t& x) {
  x = 0;
  size_t i = 0;
  for (; i < s.size() && IsDigit(s[i]); ++i) {
    if (x > kTwoTo63 / 10) return false;
    x = x * 10 + static_cast<uint64_t>(s[i] - '0');
    if (x > kTwoTo63) return false;
  }
  s.remove_prefix(i);
  return true;
}

// Consumes [0-9]* after a '.'; stops accumulating precision on overflow.
void LeadingFraction(std::string_view& s, uint64_t& x, double& scale) {
  x = 0;
  scale = 1;
  bool overflow = false;
  size_t i = 0;
  for (; i < s.size() && IsDigit(s[i]); ++i) {
    if (overflow) continue;
    if (x > (kTwoTo63 - 1) / 10) {
      overflow = true;
      continue;
    }
    uint64_t y = x * 10 + static_cast<uint64_t>(s[i] - '0');
    if (y > kTwoTo63) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  s.remove_prefix(i);
}

uint64_t UnitNanoseconds(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return 1'000'000'000;
  if (unit == "m") return 60'000'000'000;
  if (unit == "h") return 3'600'000'000'000;
  return 0;
}

// Writes the fraction of v/10^prec (without trailing zeros, without the dot
// when zero) in front of `out`; returns v/10^prec.
uint64_t PrependFraction(std::string& out, uint64_t v, int prec) {
  bool print = false;
  std::string digits;
  for (int i = 0; i < prec; ++i) {
    uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  if (print) out.insert(0, "." + digits);
  return v;
}

void PrependInt(std::string& out, uint64_t v) { out.insert(0, std::to_string(v)); }

}  // namespace

base::Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text) {
  const std::string_view orig = text;
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return InvalidDuration(orig);

  uint64_t d = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s[0]))) return InvalidDuration(orig);
    const size_t before_int = s.size();
    uint64_t v = 0;
    if (!LeadingInt(s, v)) return InvalidDuration(orig);
    const bool pre = before_int != s.size();

    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      const size_t before_fraction = s.size();
      LeadingFraction(s, f, scale);
      post = before_fraction != s.size();
    }
    if (!pre && !post) return InvalidDuration(orig);

    size_t i = 0;
    while (i < s.size() && !(s[i] == '.' || IsDigit(s[i]))) ++i;
    if (i == 0) return base::Status::Invalid("time: missing unit in duration " + Quote(orig));
    const std::string_view unit_text = s.substr(0, i);
    s.remove_prefix(i);
    const uint64_t unit = UnitNanoseconds(unit_text);
    if (unit == 0) {
      return base::Status::Invalid("time: unknown unit " + Quote(unit_text) + " in duration " +
                                   Quote(orig));
    }
    if (v > kTwoTo63 / unit) return InvalidDuration(orig);
    v *= unit;
    if (f > 0) {
      // float64 keeps fractions of hours nanosecond-accurate, as in Go.
      v += static_cast<uint64_t>(static_cast<double>(f) *
                                 (static_cast<double>(unit) / scale));
      if (v > kTwoTo63) return InvalidDuration(orig);
    }
    d += v;
    if (d > kTwoTo63) return InvalidDuration(orig);
  }
  if (negative) {
    // -(1<<63) is representable; two's complement negation of the magnitude.
    return std::chrono::nanoseconds(static_cast<int64_t>(~d + 1));
  }
  if (d > kTwoTo63 - 1) return InvalidDuration(orig);
  return std::chrono::nanoseconds(static_cast<int64_t>(d));
}

std::string FormatGoDuration(std::chrono::nanoseconds duration) {
  const int64_t count = duration.count();
  const bool negative = count < 0;
  uint64_t u = static_cast<uint64_t>(count);
  if (negative) u = ~u + 1;

  std::string out;
  if (u < 1'000'000'000) {
    // Below one second Go switches to the largest unit that keeps an
    // integer part: 1.2ms, 300µs, 5ns.
    int prec = 0;
    if (u == 0) return "0s";
    if (u < 1'000) {
      out = "ns";
    } else if (u < 1'000'000) {
      prec = 3;
      out = "\u00b5s";
    } else {
      prec = 6;
      out = "ms";
    }
    u = PrependFraction(out, u, prec);
    PrependInt(out, u);
  } else {
    out = "s";
    u = PrependFraction(out, u, 9);
    PrependInt(out, u % 60);
    u /= 60;
    if (u > 0) {
      out.insert(0, "m");
      PrependInt(out, u % 60);
      u /= 60;
      if (u > 0) {  // Go stops at hours: days vary in length.
        out.insert(0, "h");
        PrependInt(out, u);
      }
    }
  }
  if (negative) out.insert(0, "-");
  return out;
}

}  // namespace executor
