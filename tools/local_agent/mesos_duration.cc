#include "tools/local_agent/mesos_duration.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace local_agent {

namespace {

struct Unit {
  std::string_view name;
  int64_t nanoseconds;
};

constexpr std::array<Unit, 8> kUnits = {{
    {"ns", 1},
    {"us", 1'000},
    {"ms", 1'000'000},
    {"secs", 1'000'000'000},
    {"mins", 60'000'000'000},
    {"hrs", 3'600'000'000'000},
    {"days", 86'400'000'000'000},
    {"weeks", 604'800'000'000'000},
}};

std::string Number(double value) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.15g", value);  // stout prints with digits10 precision
  return text;
}

}  // namespace

std::string FormatMesosDuration(std::chrono::nanoseconds duration) {
  int64_t ns = duration.count();
  std::string sign;
  if (ns < 0) {
    sign = "-";
    ns = -ns;
  }
  if (ns < kUnits[1].nanoseconds) return sign + std::to_string(ns) + "ns";
  // The bucket is the largest unit not above the value; a value that is not
  // a whole number of it but is of the unit below is printed in that one.
  std::size_t bucket = 1;
  while (bucket + 1 < kUnits.size() && ns >= kUnits[bucket + 1].nanoseconds) ++bucket;
  const Unit& unit = kUnits[bucket];
  const Unit& below = kUnits[bucket - 1];
  if (ns % unit.nanoseconds != 0 && ns % below.nanoseconds == 0) {
    return sign + std::to_string(ns / below.nanoseconds) + std::string(below.name);
  }
  return sign + Number(static_cast<double>(ns) / static_cast<double>(unit.nanoseconds)) +
         std::string(unit.name);
}


}  // namespace local_agent
