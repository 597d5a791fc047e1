// Go's strings.Split: upstream split labels, lists and commands this way,
// and compatibility means splitting exactly like it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace executor {

// Every piece between separators, empty ones kept; "" gives [""].
std::vector<std::string> SplitLikeGo(std::string_view text, char separator);

}  // namespace executor
