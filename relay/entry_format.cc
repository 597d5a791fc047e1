#include "relay/entry_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <optional>

#include "base/text_format.h"

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

bool ContainsErrorAnyCase(std::string_view line) {
  // ASCII folding is Go's strings.ToLower here: no other letter lowers to
  // one of "error".
  constexpr std::string_view kWord = "error";
  const auto folded_equal = [](char c, char lower) {
    return (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) == lower;
  };
  return std::search(line.begin(), line.end(), kWord.begin(), kWord.end(), folded_equal) != line.end();
}

void AppendGoJsonString(std::string& out, std::string_view text) {
  base::AppendJsonString(out, text, base::JsonEscaping::kGo);
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
