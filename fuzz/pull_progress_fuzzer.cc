// The JSON-lines body of an image pull (docker/pull_progress.h).
// Invariant: the progress reported and the final status do not depend on
// how the body is cut into reads.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "docker/pull_progress.h"
#include "fuzz/split_input.h"

namespace {

struct Pulled {
  std::vector<std::pair<std::string, std::string>> progress;  // id, status
  base::StatusCode code = base::StatusCode::kOk;
  std::string error;

  bool operator==(const Pulled&) const = default;
};

template <typename Pieces>
Pulled Pull(const Pieces& pieces) {
  Pulled out;
  docker::PullProgressParser parser(
      [&](const docker::PullProgress& progress) { out.progress.emplace_back(progress.id, progress.status); });
  for (std::string_view piece : pieces) {
    if (!parser.Feed(piece).ok()) break;
  }
  const base::Status status = parser.Finish();
  out.code = status.code();
  out.error = status.message();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const fuzz::SplitInput input = fuzz::Split(data, size);
  const std::string_view whole[] = {input.body};
  if (Pull(whole) != Pull(input.pieces)) __builtin_trap();
  return 0;
}
