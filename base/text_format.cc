#include "base/text_format.h"

#include <cstdio>
#include <ctime>

namespace base {
namespace {

constexpr std::string_view kHex = "0123456789abcdef";

std::string FormatUtc(std::chrono::system_clock::time_point time, bool millis) {
  const auto since_epoch = std::chrono::floor<std::chrono::milliseconds>(time).time_since_epoch();
  const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  if (millis) {
    const auto fraction = static_cast<int>(since_epoch.count() % 1000);
    length += std::snprintf(text + length, sizeof text - length, ".%03d", fraction);
  }
  return std::string(text, length) + "Z";
}

// The two-character escape of `c`, or empty when it has none in `escaping`.
std::string_view ShortEscape(unsigned char c, JsonEscaping escaping) {
  switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    case '\b': return escaping == JsonEscaping::kMinimal ? "\\b" : "";
    case '\f': return escaping == JsonEscaping::kMinimal ? "\\f" : "";
    default: return "";
  }
}

bool NeedsUnicodeEscape(unsigned char c, JsonEscaping escaping) {
  return c < 0x20 || (escaping == JsonEscaping::kGo && (c == '<' || c == '>' || c == '&'));
}

}  // namespace

std::string FormatUtcSeconds(std::chrono::system_clock::time_point time) { return FormatUtc(time, false); }
std::string FormatUtcMillis(std::chrono::system_clock::time_point time) { return FormatUtc(time, true); }

std::size_t Utf8SequenceLength(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;  // the allowed range of the second byte
  unsigned char high = 0xBF;
  if (lead < 0xC2) {
    return 0;
  } else if (lead < 0xE0) {
    length = 2;
  } else if (lead < 0xF0) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead < 0xF5) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

void AppendJsonString(std::string& out, std::string_view text, JsonEscaping escaping) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (const std::string_view escape = ShortEscape(c, escaping); !escape.empty()) {
        out += escape;
      } else if (NeedsUnicodeEscape(c, escaping)) {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    const std::size_t length = Utf8SequenceLength(text.substr(i));
    if (length == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    const std::string_view sequence = text.substr(i, length);
    if (escaping == JsonEscaping::kGo && (sequence == "\xE2\x80\xA8" || sequence == "\xE2\x80\xA9")) {
      // Valid JSON, but line terminators to JavaScript.
      out += "\\u202";
      out += kHex[static_cast<unsigned char>(sequence[2]) & 0xF];
    } else {
      out += sequence;
    }
    i += length;
  }
  out += '"';
}

std::string PercentEncode(std::string_view text, std::string_view keep) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved || keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

}  // namespace base
