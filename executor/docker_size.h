// docker run's memory size syntax ("512m", "1g", "1.5GiB", "2048").
//
// Tasks carry --memory, --shm-size etc. as Docker parameters, and schedulers
// write them the way the docker CLI accepts them, so we parse them the same
// way (go-units RAMInBytes): binary multiples, case-insensitive unit letter,
// optional "i" and "b", one optional space, fractions truncated to bytes.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace executor {

base::Result<int64_t> ParseDockerSize(std::string_view text);

}  // namespace executor
