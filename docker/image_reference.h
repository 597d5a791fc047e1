// An image reference ("busybox", "reg:5000/team/app:2.0@sha256:...") split
// into the parts the Docker API and the credential lookup need, following
// the normalisation of docker-engine-api.md §2.2 (what the 20.10 daemon
// accepts, not the laxer newer CLI parsers).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace docker {

struct ImageReference {
  std::string domain;  // "docker.io" for Docker Hub, else the registry host[:port] as written
  std::string path;    // "library/busybox", "team/app"
  std::string tag;     // as written; empty when none was given
  std::string digest;  // "sha256:<64 hex>"; empty when none was given

  // The pull's fromImage: "docker.io/library/busybox".
  std::string Repository() const;
  // The pull's tag parameter, never empty: a pull without one fetches every
  // tag of the repository. The digest wins over a tag; default "latest".
  std::string PullTag() const;
  // Repository plus ":tag" or "@digest": exactly what a pull fetches.
  std::string PullName() const;
  // Key for config.json auths / credential helpers (§3.2).
  std::string CredentialKey() const;
  // The version a service advertises (SERVICE_VERSION): the explicit tag;
  // none for untagged or digest-pinned references.
  std::optional<std::string> VersionTag() const;
};

inline constexpr std::string_view kDockerHubDomain = "docker.io";
inline constexpr std::string_view kDockerHubCredentialKey = "https://index.docker.io/v1/";

// Invalid with the reason ("repository name must be lowercase", ...) for
// references the daemon would reject with "invalid reference format".
base::Result<ImageReference> ParseImageReference(std::string_view text);

}  // namespace docker
