// The executor's settings (executor/settings.h) from an environment built
// from the input: one NAME=value per line, the first '=' splitting, the
// last of repeated names winning as in a real environment.
// Invariants: a parse without errors honours every setting's bound, and
// its settings render into the startup log block.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <variant>

#include "executor/settings.h"

namespace {

std::map<std::string, std::string, std::less<>> Environment(std::string_view text) {
  std::map<std::string, std::string, std::less<>> environment;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    environment.insert_or_assign(std::string(line.substr(0, equals)), std::string(line.substr(equals + 1)));
  }
  return environment;
}

// -1, 0 or 1 for numbers and durations; nullopt for the other types.
template <typename T>
std::optional<int> Sign(const T& value) {
  if constexpr (std::is_same_v<T, std::chrono::nanoseconds>) {
    return Sign(value.count());
  } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    return value < 0 ? -1 : value > 0 ? 1 : 0;
  } else {
    return std::nullopt;
  }
}

void CheckBounds(const executor::Settings& settings) {
  for (const executor::SettingSpec& spec : executor::SettingTable()) {
    const std::optional<int> sign = std::visit([&](auto member) { return Sign(settings.*member); }, spec.field);
    if (!sign) continue;
    if (spec.bound == executor::SettingBound::kNonNegative && *sign < 0) __builtin_trap();
    if (spec.bound == executor::SettingBound::kPositive && *sign <= 0) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto environment = Environment(std::string_view(reinterpret_cast<const char*>(data), size));
  const executor::EnvLookup lookup = [&](std::string_view name) -> std::optional<std::string> {
    const auto found = environment.find(name);
    if (found == environment.end()) return std::nullopt;
    return found->second;
  };
  const executor::ParsedSettings parsed = executor::ParseSettings(lookup, "fuzz-host");
  for (const executor::SettingError& error : parsed.errors) {
    if (error.Message().empty()) __builtin_trap();
  }
  if (!parsed.errors.empty()) return 0;
  CheckBounds(parsed.settings);
  if (executor::FormatSettingsBlock(parsed.settings).empty()) __builtin_trap();
  return 0;
}
