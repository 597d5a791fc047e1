#include "docker/image_reference.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace docker {
namespace {

constexpr std::size_t kMaxNameLength = 255;

bool Matches(std::string_view text, const std::regex& pattern) {
  return std::regex_match(text.begin(), text.end(), pattern);
}

bool IsDomain(std::string_view first_component) {
  return first_component.find_first_of(".:") != std::string_view::npos ||
         first_component == "localhost";
}

base::Status Bad(std::string_view text, std::string_view why) {
  return base::Status::Invalid("invalid image reference '" + std::string(text) +
                               "': " + std::string(why));
}

base::Status CheckPath(std::string_view text, std::string_view path) {
  static const std::regex component("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    const std::string_view part = path.substr(start, slash - start);
    if (!Matches(part, component)) {
      std::string lower(part);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (Matches(lower, component)) return Bad(text, "repository name must be lowercase");
      return Bad(text, "invalid repository name component '" + std::string(part) + "'");
    }
    if (slash == std::string_view::npos) return base::Status::Ok();
    start = slash + 1;
  }
}

}  // namespace

std::string ImageReference::Repository() const { return domain + "/" + path; }

std::string ImageReference::PullTag() const {
  if (!digest.empty()) return digest;
  return tag.empty() ? "latest" : tag;
}

std::string ImageReference::PullName() const {
  return Repository() + (digest.empty() ? ":" : "@") + PullTag();
}

std::string ImageReference::CredentialKey() const {
  return domain == kDockerHubDomain ? std::string(kDockerHubCredentialKey) : domain;
}

std::optional<std::string> ImageReference::VersionTag() const {
  if (!digest.empty() || tag.empty()) return std::nullopt;
  return tag;
}

base::Result<ImageReference> ParseImageReference(std::string_view text) {
  static const std::regex digest_pattern("sha256:[a-f0-9]{64}");
  static const std::regex tag_pattern("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  static const std::regex domain_pattern(
      "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
      "(?::[0-9]+)?");

  if (text.empty()) return Bad(text, "empty");
  ImageReference ref;
  std::string_view name = text;

  if (const std::size_t at = name.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(name.substr(at + 1));
    name = name.substr(0, at);
    if (!Matches(ref.digest, digest_pattern)) {
      return Bad(text, "digest must be sha256: followed by 64 lowercase hex digits");
    }
  }
  const std::size_t last_slash = name.rfind('/');
  const std::size_t colon = name.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(name.substr(colon + 1));
    name = name.substr(0, colon);
    if (!Matches(ref.tag, tag_pattern)) {
      return Bad(text, "tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    }
  }
  if (name.empty()) return Bad(text, "no repository name");
  if (name.size() > kMaxNameLength) return Bad(text, "repository name longer than 255 characters");

  const std::size_t first_slash = name.find('/');
  if (first_slash != std::string_view::npos && IsDomain(name.substr(0, first_slash))) {
    ref.domain = std::string(name.substr(0, first_slash));
    ref.path = std::string(name.substr(first_slash + 1));
    if (!Matches(ref.domain, domain_pattern)) return Bad(text, "invalid registry host");
    if (ref.domain == "index.docker.io") ref.domain = kDockerHubDomain;
  } else {
    ref.domain = kDockerHubDomain;
    ref.path = std::string(name);
  }
  if (base::Status checked = CheckPath(text, ref.path); !checked.ok()) return checked;
  if (ref.domain == kDockerHubDomain && ref.path.find('/') == std::string::npos) {
    ref.path = "library/" + ref.path;
  }
  return ref;
}

}  // namespace docker
