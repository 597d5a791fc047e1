// Turns the body of GET /containers/{id}/logs into lines per stream.
//
// Without a TTY the body is a sequence of frames (8-byte header: stream
// byte, three zero bytes, big-endian payload length); with a TTY it is the
// raw terminal output, all of it stdout. Frame boundaries are independent of
// read boundaries and of line boundaries (Docker splits records at 16 KiB),
// so both the framing and the lines are reassembled across Feed() calls
// (docker-engine-api.md §5.1, §5.2).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace docker {

enum class LogStream { kStdin = 0, kStdout = 1, kStderr = 2 };

// One stream's bytes -> lines without the '\n'. A line longer than
// `max_line` is delivered in max_line-sized pieces so memory stays bounded.
class LineAssembler {
 public:
  using Emit = std::function<void(std::string_view line)>;

  // strip_cr: drop the '\r' of a "\r\n" ending (TTY output).
  LineAssembler(std::size_t max_line, bool strip_cr);

  void Add(std::string_view bytes, const Emit& emit);
  // Delivers a final piece that had no '\n'.
  void Flush(const Emit& emit);

 private:
  std::size_t max_line_;
  bool strip_cr_;
  std::string pending_;
};

inline constexpr std::size_t kDefaultMaxLogLine = 64 * 1024;

class LogDemuxer {
 public:
  enum class Framing { kMultiplexed, kRaw };
  // `line` is valid only during the call.
  using LineHandler = std::function<void(LogStream stream, std::string_view line)>;

  LogDemuxer(Framing framing, LineHandler handler, std::size_t max_line = kDefaultMaxLogLine);

  // Invalid on a frame header that names no known stream; the demuxer is
  // then unusable (the rest of the body cannot be framed).
  base::Status Feed(std::string_view bytes);
  // At the end of the body: flushes unterminated lines. Invalid if the body
  // stopped inside a frame (the partial payload is still delivered).
  base::Status Finish();

 private:
  void Deliver(LogStream stream, std::string_view bytes);

  Framing framing_;
  LineHandler handler_;
  std::array<LineAssembler, 3> lines_;  // indexed by LogStream
  std::array<uint8_t, 8> header_{};
  std::size_t header_size_ = 0;
  uint32_t payload_left_ = 0;
  LogStream current_ = LogStream::kStdout;
  base::Status failure_;
};

}  // namespace docker
