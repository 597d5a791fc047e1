// Go duration text: time.ParseDuration and time.Duration.String().
//
// Upstream's settings were Go durations, and operators' existing
// EXECUTOR_* values and log greps depend on exactly that syntax and
// rendering ("1m30s", ".5s", "744h0m0s"), so both directions are
// reproduced here rather than approximated.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/status.h"

namespace executor {

// Accepts what Go accepts: an optional sign, then "0" alone or one or more
// decimal numbers (optional fraction) each followed by a unit ns, us, µs
// (U+00B5 or U+03BC), ms, s, m or h. Unitless numbers and values outside
// int64 nanoseconds fail with Invalid and Go's error text.
base::Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text);

// Renders like Go's Duration.String(): "0s", "300ms", "1.5s", "1m0s",
// "2h45m0s", "744h0m0s", "1.1µs".
std::string FormatGoDuration(std::chrono::nanoseconds duration);

}  // namespace executor
