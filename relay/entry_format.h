// The relayed log line, byte for byte as upstream sent it: the JSON object
// logrus' JSONFormatter (v1.4.2) made of each container line
// (upstream-behavior.md §8.3), so that the collectors and dashboards fed by
// upstream keep parsing what we send:
//
//   {"Environment":"prod","Hostname":"worker-3","Level":"info","Payload":"listening on :8080","ServiceName":"beowulf","Timestamp":"2021-07-26T11:14:07Z"}
//
// Keys sorted bytewise, compact, strings escaped as Go's encoding/json
// escapes them, then the newline json.Encoder appends.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "docker/log_demux.h"

namespace relay {

enum class Level { kInfo, kError };

// Upstream's heuristic: stdout is info; stderr is error when the line
// contains "error" in any case, else info.
Level LevelFor(docker::LogStream stream, std::string_view line);

// `text` as a JSON string, quotes included, as Go's encoding/json writes it:
// `<`, `>`, `&` as \u003c \u003e \u0026, U+2028 and U+2029 escaped, control
// characters as \n \r \t or \u00XX, each byte of invalid UTF-8 as \ufffd.
std::string GoJsonString(std::string_view text);

// Go's time.Format(time.RFC3339) in the executor's local zone:
// 2021-07-26T13:14:07+02:00, or 2021-07-26T11:14:07Z at offset zero.
std::string GoRfc3339Local(std::chrono::system_clock::time_point at);

// The fields one task's lines share are rendered once; Format() only
// splices the line's Timestamp, Level and Payload in between.
class EntryFormatter {
 public:
  // `send_labels` (EXECUTOR_SEND_DOCKER_LABELS) name the task labels to copy
  // (missing ones are left out); `hostname` is the Hostname field and wins
  // over a label of that name. Labels named Timestamp, Level, Payload or
  // logrus_error appear as fields.<name>, as logrus renames clashing fields.
  EntryFormatter(const std::map<std::string, std::string>& task_labels,
                 const std::vector<std::string>& send_labels, std::string_view hostname);

  // One datagram, newline included. `timestamp` as GoRfc3339Local gives it.
  std::string Format(std::string_view payload, Level level, std::string_view timestamp) const;

 private:
  enum class Slot { kNone, kTimestamp, kLevel, kPayload };
  // Fixed JSON text, then the value of `slot`.
  struct Segment {
    std::string text;
    Slot slot = Slot::kNone;
  };

  std::vector<Segment> segments_;
  std::size_t fixed_size_ = 0;  // bytes of fixed text, to reserve once per line
};

}  // namespace relay
