#include "docker/api_version.h"

#include <algorithm>
#include <charconv>

namespace docker {
namespace {

bool ParseNumber(std::string_view text, int& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty() && out >= 0;
}

}  // namespace

std::string ApiVersion::ToString() const {
  return std::to_string(major) + "." + std::to_string(minor);
}

base::Result<ApiVersion> ParseApiVersion(std::string_view text) {
  auto bad = [&] {
    return base::Status::Invalid("malformed API version '" + std::string(text) + "'");
  };
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return bad();
  std::string_view minor_text = text.substr(dot + 1);
  if (const std::size_t patch = minor_text.find('.'); patch != std::string_view::npos) {
    int ignored = 0;
    if (!ParseNumber(minor_text.substr(patch + 1), ignored)) return bad();
    minor_text = minor_text.substr(0, patch);
  }
  ApiVersion version;
  if (!ParseNumber(text.substr(0, dot), version.major) || !ParseNumber(minor_text, version.minor)) {
    return bad();
  }
  return version;
}

base::Result<ApiVersion> ChooseApiVersion(std::optional<std::string_view> announced) {
  ApiVersion chosen = kUnannouncedApiVersion;
  if (announced) {
    base::Result<ApiVersion> parsed = ParseApiVersion(*announced);
    if (!parsed.ok()) return base::Status::Failed("Docker daemon: " + parsed.status().message());
    chosen = std::min(*parsed, kMaxApiVersion);
  }
  if (chosen < kMinApiVersion) {
    return base::Status::Failed("Docker daemon speaks API " + chosen.ToString() +
                                (announced ? "" : " (no Api-Version header)") + ", at least " +
                                kMinApiVersion.ToString() +
                                " is needed (wait?condition=next-exit); upgrade Docker");
  }
  return chosen;
}

}  // namespace docker
