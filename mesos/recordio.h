// RecordIO decoding of the agent's event stream: "<decimal length>\n<payload>"
// repeated, with no relation between HTTP chunks and record boundaries.
//
// The decoder is a two-state machine fed with whatever bytes arrived; it is
// correct under any split of the input. A malformed length header is a fatal
// stream error (the agent connection is then treated as lost, as the Mesos
// C++ library does).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace mesos {

class RecordIoDecoder {
 public:
  // Records larger than this are refused: Mesos itself sets no bound, so we do.
  static constexpr uint64_t kDefaultMaxRecord = 64ull * 1024 * 1024;

  explicit RecordIoDecoder(uint64_t max_record = kDefaultMaxRecord) : max_record_(max_record) {}

  // Consumes `bytes` and appends every completed record to `records`.
  // After an error the decoder stays failed and consumes nothing more.
  base::Status Feed(std::string_view bytes, std::vector<std::string>& records);

  // True between records (nothing partial buffered).
  bool at_record_boundary() const { return !reading_payload_ && header_.empty(); }

 private:
  base::Status ParseHeader();

  const uint64_t max_record_;
  bool reading_payload_ = false;
  std::string header_;
  std::string payload_;
  uint64_t expected_ = 0;
  base::Status error_;
};

}  // namespace mesos
