// Which Engine API version to speak (docker-engine-api.md §1.5).
//
// Versions are data: the path prefix /v<version> follows what the daemon
// announces in its Api-Version header, capped at the newest version this
// client knows. Below 1.30 the wait endpoint ignores condition=next-exit,
// which the race-free "wait, then start" sequence depends on.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace docker {

struct ApiVersion {
  int major = 0;
  int minor = 0;

  std::string ToString() const;  // "1.41"
  friend auto operator<=>(const ApiVersion&, const ApiVersion&) = default;
};

inline constexpr ApiVersion kMaxApiVersion{1, 44};
inline constexpr ApiVersion kMinApiVersion{1, 30};
// What a daemon that sends no Api-Version header speaks.
inline constexpr ApiVersion kUnannouncedApiVersion{1, 24};

// "1.41" (a trailing ".0" component is tolerated) -> {1, 41}, numerically.
base::Result<ApiVersion> ParseApiVersion(std::string_view text);

// min(kMaxApiVersion, announced); 1.24 when nothing was announced; Failed
// when the result is below kMinApiVersion or the header is malformed.
base::Result<ApiVersion> ChooseApiVersion(std::optional<std::string_view> announced);

}  // namespace docker
