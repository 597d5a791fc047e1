#include "relay/entry_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <optional>

namespace relay {

namespace {

// logrus' FieldMap in upstream's log_relay.go.
constexpr std::string_view kTimestampKey = "Timestamp";
constexpr std::string_view kLevelKey = "Level";
constexpr std::string_view kPayloadKey = "Payload";
constexpr std::string_view kHostnameKey = "Hostname";
// logrus' own key for fields it could not encode; a label of that name is
// renamed like the mapped keys.
constexpr std::string_view kLogrusErrorKey = "logrus_error";
constexpr std::string_view kHex = "0123456789abcdef";

bool ContainsErrorAnyCase(std::string_view line) {
  // ASCII folding is Go's strings.ToLower here: no other letter lowers to
  // one of "error".
  constexpr std::string_view kWord = "error";
  const auto folded_equal = [](char c, char lower) {
    return (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) == lower;
  };
  return std::search(line.begin(), line.end(), kWord.begin(), kWord.end(), folded_equal) != line.end();
}

// Length of the valid UTF-8 sequence starting `text` (non-empty), or 0 where
// Go's utf8.DecodeRuneInString reports RuneError of width 1: stray
// continuation bytes, overlong forms, surrogates, code points past
// U+10FFFF, cut sequences.
std::size_t Utf8SequenceLength(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
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

void AppendGoJsonString(std::string& out, std::string_view text) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
        case '\\':
          out += '\\';
          out += static_cast<char>(c);
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
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
    if (sequence == "\xE2\x80\xA8" || sequence == "\xE2\x80\xA9") {
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

std::string_view LevelName(Level level) { return level == Level::kError ? "error" : "info"; }

}  // namespace

Level LevelFor(docker::LogStream stream, std::string_view line) {
  if (stream == docker::LogStream::kStderr && ContainsErrorAnyCase(line)) return Level::kError;
  return Level::kInfo;
}

std::string GoJsonString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  AppendGoJsonString(out, text);
  return out;
}

std::string GoRfc3339Local(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::floor<std::chrono::seconds>(at));
  std::tm local{};
  localtime_r(&seconds, &local);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", local.tm_year + 1900, local.tm_mon + 1,
                                local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec);
  // Go prints the offset in whole minutes, dropping seconds of odd zones.
  long minutes = local.tm_gmtoff / 60;
  if (minutes == 0) return out + "Z";
  out += minutes < 0 ? '-' : '+';
  if (minutes < 0) minutes = -minutes;
  return out + fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

EntryFormatter::EntryFormatter(const std::map<std::string, std::string>& task_labels,
                               const std::vector<std::string>& send_labels, std::string_view hostname) {
  // logrus' order of events: the entry's fields (labels, then Hostname),
  // clashing names moved to fields.<name>, then the entry's own keys.
  // nullopt marks a key whose value each line brings.
  std::map<std::string, std::optional<std::string>, std::less<>> fields;
  for (const std::string& name : send_labels) {
    if (auto label = task_labels.find(name); label != task_labels.end()) fields[name] = label->second;
  }
  fields[std::string(kHostnameKey)] = std::string(hostname);
  for (std::string_view reserved : {kTimestampKey, kPayloadKey, kLevelKey, kLogrusErrorKey}) {
    if (auto clash = fields.find(reserved); clash != fields.end()) {
      fields["fields." + std::string(reserved)] = std::move(clash->second);
      fields.erase(clash);
    }
  }
  for (std::string_view key : {kTimestampKey, kPayloadKey, kLevelKey}) fields[std::string(key)] = std::nullopt;

  std::string text = "{";
  for (const auto& [key, value] : fields) {
    if (text.size() > 1 || !segments_.empty()) text += ',';
    AppendGoJsonString(text, key);
    text += ':';
    if (value) {
      AppendGoJsonString(text, *value);
      continue;
    }
    const Slot slot = key == kTimestampKey ? Slot::kTimestamp : key == kLevelKey ? Slot::kLevel : Slot::kPayload;
    fixed_size_ += text.size();
    segments_.push_back(Segment{std::move(text), slot});
    text.clear();
  }
  text += "}\n";
  fixed_size_ += text.size();
  segments_.push_back(Segment{std::move(text), Slot::kNone});
}

std::string EntryFormatter::Format(std::string_view payload, Level level, std::string_view timestamp) const {
  std::string out;
  out.reserve(fixed_size_ + payload.size() + timestamp.size() + 16);
  for (const Segment& segment : segments_) {
    out += segment.text;
    switch (segment.slot) {
      case Slot::kNone:
        break;
      case Slot::kTimestamp:
        AppendGoJsonString(out, timestamp);
        break;
      case Slot::kLevel:
        AppendGoJsonString(out, LevelName(level));
        break;
      case Slot::kPayload:
        AppendGoJsonString(out, payload);
        break;
    }
  }
  return out;
}

}  // namespace relay
