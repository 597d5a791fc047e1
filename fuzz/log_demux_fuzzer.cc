// Docker's log body (docker/log_demux.h), multiplexed frames or raw TTY
// output. Invariant: the lines delivered, per stream and in order, and the
// statuses do not depend on how the body is cut into reads.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "docker/log_demux.h"
#include "fuzz/split_input.h"

namespace {

struct Demuxed {
  std::vector<std::pair<docker::LogStream, std::string>> lines;
  std::string feed_error;
  std::string finish_error;

  bool operator==(const Demuxed&) const = default;
};

template <typename Pieces>
Demuxed Demux(docker::LogDemuxer::Framing framing, std::size_t max_line, const Pieces& pieces) {
  Demuxed out;
  docker::LogDemuxer demuxer(
      framing, [&](docker::LogStream stream, std::string_view line) { out.lines.emplace_back(stream, line); },
      max_line);
  for (std::string_view piece : pieces) {
    const base::Status status = demuxer.Feed(piece);
    if (!status.ok()) {
      out.feed_error = status.message();
      break;
    }
  }
  out.finish_error = demuxer.Finish().message();
  return out;
}

}  // namespace

// Options: bit 0 raw (TTY) framing; bits 1-3 a small line cap (1-7 bytes)
// so that long-line pieces are cut too, 0 for the real 64 KiB cap.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const fuzz::SplitInput input = fuzz::Split(data, size);
  const auto framing = (input.options & 1) ? docker::LogDemuxer::Framing::kRaw
                                           : docker::LogDemuxer::Framing::kMultiplexed;
  const std::size_t small_cap = input.options >> 1;
  const std::size_t max_line = small_cap == 0 ? docker::kDefaultMaxLogLine : small_cap;
  const std::string_view whole[] = {input.body};
  if (Demux(framing, max_line, whole) != Demux(framing, max_line, input.pieces)) __builtin_trap();
  return 0;
}
