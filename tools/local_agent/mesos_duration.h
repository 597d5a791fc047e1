// Durations in Mesos' text form (stout's Duration, spec §1.1): "5secs",
// "15mins", "1500ms". Agents print the largest unit that holds the value
// exactly, else the next smaller one, so executors see the same strings
// from the fake as from a real agent.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/status.h"

namespace local_agent {

std::string FormatMesosDuration(std::chrono::nanoseconds duration);


}  // namespace local_agent
