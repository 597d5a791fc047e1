#include "vault/api_path.h"

#include <vector>

#include "base/text_format.h"

namespace vault {

std::string CleanPath(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(segment);
  }
  std::string clean;
  for (std::string_view segment : segments) {
    if (!clean.empty()) clean += '/';
    clean += segment;
  }
  return clean;
}

std::string EncodePath(std::string_view path) { return base::PercentEncode(path, "!$&'()*+,;=:@/"); }

}  // namespace vault
