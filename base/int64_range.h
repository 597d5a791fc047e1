// Converting a double to int64 is undefined when the value is out of range
// (or NaN): every parser of outside numbers checks this first (the fuzzers
// in fuzz/ found the places that did not).
#pragma once

namespace base {

inline bool InInt64Range(double value) { return value >= -0x1p63 && value < 0x1p63; }

}  // namespace base
