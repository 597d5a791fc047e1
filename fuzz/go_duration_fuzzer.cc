// Go's value syntax (executor/go_duration.h, executor/go_values.h): the
// input is parsed as a duration, an int, a uint and a bool, and its first
// 8 bytes, as an int64, are printed as a duration.
// Invariants: printing a duration and parsing the text gives the same
// duration back; a parsed int or uint printed in decimal parses back to it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "executor/go_duration.h"
#include "executor/go_values.h"

namespace {

void CheckDurationRoundTrip(std::chrono::nanoseconds duration) {
  const base::Result<std::chrono::nanoseconds> again = executor::ParseGoDuration(executor::FormatGoDuration(duration));
  if (!again.ok() || *again != duration) __builtin_trap();
}

template <typename T, typename Parse>
void CheckIntegerRoundTrip(std::string_view text, Parse parse) {
  const base::Result<T> value = parse(text);
  if (!value.ok()) return;
  const base::Result<T> again = parse(std::to_string(*value));
  if (!again.ok() || *again != *value) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const base::Result<std::chrono::nanoseconds> duration = executor::ParseGoDuration(text);
  if (duration.ok()) CheckDurationRoundTrip(*duration);
  if (size >= sizeof(int64_t)) {
    int64_t count = 0;
    std::memcpy(&count, data, sizeof count);
    CheckDurationRoundTrip(std::chrono::nanoseconds(count));
  }
  CheckIntegerRoundTrip<int64_t>(text, executor::ParseGoInt);
  CheckIntegerRoundTrip<uint64_t>(text, executor::ParseGoUint);
  (void)executor::ParseGoBool(text);
  return 0;
}
