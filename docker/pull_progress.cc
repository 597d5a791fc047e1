#include "docker/pull_progress.h"

#include <boost/json/parse.hpp>

#include <optional>

#include "docker/api_error.h"

namespace docker {
namespace {

std::string StringField(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

// Docker sends both "error" and "errorDetail": {"message"}; either alone counts.
std::optional<std::string> ErrorOf(const boost::json::object& line) {
  if (!line.contains("error") && !line.contains("errorDetail")) return std::nullopt;
  std::string message = StringField(line, "error");
  if (message.empty()) {
    if (const boost::json::value* detail = line.if_contains("errorDetail");
        detail && detail->is_object()) {
      message = StringField(detail->as_object(), "message");
    }
  }
  return message.empty() ? "pull failed without a message" : message;
}

}  // namespace

PullProgressParser::PullProgressParser(Handler handler) : handler_(std::move(handler)) {}

base::Status PullProgressParser::Feed(std::string_view bytes) {
  while (failure_.ok() && !bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    if (newline == std::string_view::npos) {
      partial_.append(bytes);
      break;
    }
    partial_.append(bytes.substr(0, newline));
    bytes.remove_prefix(newline + 1);
    failure_ = ParseLine(partial_);
    partial_.clear();
  }
  return failure_;
}

base::Status PullProgressParser::Finish() {
  if (failure_.ok() && !partial_.empty()) failure_ = ParseLine(partial_);
  partial_.clear();
  return failure_;
}

base::Status PullProgressParser::ParseLine(std::string_view line) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return base::Status::Ok();
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(line, ec);
  if (ec || !parsed.is_object()) {
    return base::Status::Unavailable("unreadable pull progress line: " +
                                     std::string(line.substr(0, 200)));
  }
  const boost::json::object& object = parsed.as_object();
  if (std::optional<std::string> error = ErrorOf(object)) {
    return base::Status::Error(PullFailureCode(0, *error), *error);
  }
  PullProgress progress{StringField(object, "id"), StringField(object, "status")};
  if (progress.status.empty()) return base::Status::Ok();
  std::string& last = last_status_[progress.id];
  // Lines without an id are summaries ("Digest: ...", "Status: ..."): each is news.
  if (!progress.id.empty() && last == progress.status) return base::Status::Ok();
  last = progress.status;
  if (handler_) handler_(progress);
  return base::Status::Ok();
}

}  // namespace docker
