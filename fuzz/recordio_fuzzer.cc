// RecordIO framing of the agent's event stream (mesos/recordio.h).
// Invariant: the records, the status and the boundary state do not depend
// on how the stream is cut into reads.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/split_input.h"
#include "mesos/recordio.h"

namespace {

struct Decoded {
  std::vector<std::string> records;
  bool ok = true;
  std::string error;
  bool at_boundary = true;  // only meaningful while ok: a failed decoder is dead

  bool operator==(const Decoded&) const = default;
};

template <typename Pieces>
Decoded Decode(const Pieces& pieces) {
  mesos::RecordIoDecoder decoder;
  Decoded out;
  for (std::string_view piece : pieces) {
    const base::Status status = decoder.Feed(piece, out.records);
    if (!status.ok()) {
      out.ok = false;
      out.error = status.message();
      return out;
    }
  }
  out.at_boundary = decoder.at_record_boundary();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const fuzz::SplitInput input = fuzz::Split(data, size);
  const std::string_view whole[] = {input.body};
  if (Decode(whole) != Decode(input.pieces)) __builtin_trap();
  return 0;
}
