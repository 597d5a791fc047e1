#include "docker/api_error.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace docker {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

bool ContainsIgnoringCase(std::string_view text, std::string_view needle) {
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         }) != text.end();
}

}  // namespace

std::string DockerMessage(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec);
  if (!ec && parsed.is_object()) {
    if (const boost::json::value* message = parsed.as_object().if_contains("message");
        message && message->is_string()) {
      return std::string(message->as_string());
    }
  }
  return std::string(Trim(body));
}

base::Status ErrorFromResponse(std::string_view step, unsigned http_status, std::string_view body) {
  std::string message = std::string(step) + ": " + std::to_string(http_status);
  if (std::string text = DockerMessage(body); !text.empty()) message += " " + text;
  switch (http_status) {
    case 400: return base::Status::Invalid(std::move(message));
    case 404: return base::Status::NotFound(std::move(message));
    case 409: return base::Status::Error(base::StatusCode::kConflict, std::move(message));
    case 502:
    case 503:
    case 504: return base::Status::Unavailable(std::move(message));
    default: return base::Status::Failed(std::move(message));
  }
}

base::StatusCode PullFailureCode(unsigned http_status, std::string_view message) {
  if (http_status == 404) return base::StatusCode::kNotFound;
  if (http_status == 400) return base::StatusCode::kInvalid;
  if (http_status >= 400 && http_status < 500) return base::StatusCode::kFailed;
  // Lower-case needles; matched case-insensitively.
  static constexpr std::array<std::string_view, 3> kMissing = {"not found", "manifest unknown",
                                                               "does not exist"};
  static constexpr std::array<std::string_view, 2> kRefused = {"denied", "invalid reference format"};
  for (std::string_view needle : kMissing) {
    if (ContainsIgnoringCase(message, needle)) return base::StatusCode::kNotFound;
  }
  if (IsAuthenticationFailure(message)) return base::StatusCode::kFailed;
  for (std::string_view needle : kRefused) {
    if (ContainsIgnoringCase(message, needle)) return base::StatusCode::kFailed;
  }
  return base::StatusCode::kUnavailable;
}

bool IsAuthenticationFailure(std::string_view message) {
  // Lower-case needles; matched case-insensitively.
  static constexpr std::array<std::string_view, 3> kUnauthenticated = {
      "unauthorized", "authentication required", "no basic auth credentials"};
  return std::any_of(kUnauthenticated.begin(), kUnauthenticated.end(),
                     [&](std::string_view needle) { return ContainsIgnoringCase(message, needle); });
}

base::Status PullFailure(std::string_view registry, unsigned http_status, std::string_view message) {
  const base::StatusCode code = PullFailureCode(http_status, message);
  if (code == base::StatusCode::kFailed && IsAuthenticationFailure(message)) {
    return base::Status::Error(code, "authentication failed for registry " + std::string(registry) + ": " +
                                         std::string(message));
  }
  return base::Status::Error(code, (http_status ? std::to_string(http_status) + " " : "") + std::string(message));
}

}  // namespace docker
