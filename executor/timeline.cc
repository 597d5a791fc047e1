#include "executor/timeline.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>

#include "base/text_format.h"

namespace executor {

namespace json = boost::json;

Timeline::~Timeline() { Close(); }

void Timeline::Open(std::string path) {
  Close();
  path_ = std::move(path);
  start_ = base::Clock::now();
  failed_ = false;
}

void Timeline::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  path_.clear();
}

bool Timeline::EnsureOpen() {
  if (fd_ >= 0) return true;
  // CLOEXEC: credential helpers inherit none of our descriptors.
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) Fail("open", errno);
  return fd_ >= 0;
}

void Timeline::Fail(std::string_view what, int error) {
  spdlog::warn("Cannot {} the timeline {} ({}); no further steps are recorded there", what, path_,
               std::strerror(error));
  failed_ = true;
}

void Timeline::Record(std::string_view event, json::object fields) {
  if (path_.empty() || failed_ || !EnsureOpen()) return;
  json::value record = json::object{
      {"mono_ms", std::chrono::duration_cast<std::chrono::milliseconds>(base::Clock::now() - start_).count()},
      {"time", base::FormatUtcMillis(std::chrono::system_clock::now())},
      {"event", event}};
  json::object& object = record.as_object();
  for (auto& field : fields) object[field.key()] = std::move(field.value());
  ScrubStrings(record, GlobalRedactor());
  std::string line = json::serialize(record);
  line += '\n';
  ssize_t written = -1;
  do {
    written = ::write(fd_, line.data(), line.size());
  } while (written < 0 && errno == EINTR);
  // A short write to a regular file means the disk is full: what follows
  // would be torn lines.
  if (written != static_cast<ssize_t>(line.size())) Fail("write", written < 0 ? errno : ENOSPC);
}

Timeline& GlobalTimeline() {
  static Timeline timeline;
  return timeline;
}

void ScrubStrings(json::value& value, const Redactor& redactor) {
  if (redactor.empty()) return;
  if (value.is_string()) {
    const std::string clean = redactor.Scrub(value.get_string());
    if (clean != value.get_string()) value = clean;
  } else if (value.is_array()) {
    for (json::value& element : value.get_array()) ScrubStrings(element, redactor);
  } else if (value.is_object()) {
    for (auto& field : value.get_object()) ScrubStrings(field.value(), redactor);
  }
}

std::vector<json::object> ReadTimelineRecords(const std::string& path, std::initializer_list<std::string_view> events,
                                              std::size_t keep) {
  std::deque<json::object> kept;
  std::ifstream in(path);
  std::string line;
  while (keep > 0 && std::getline(in, line)) {
    boost::system::error_code ec;
    json::value parsed = json::parse(line, ec);
    if (ec || !parsed.is_object()) continue;
    const json::value* event = parsed.as_object().if_contains("event");
    if (!event || !event->is_string()) continue;
    if (std::find(events.begin(), events.end(), std::string_view(event->get_string())) == events.end()) continue;
    kept.push_back(std::move(parsed.as_object()));
    if (kept.size() > keep) kept.pop_front();
  }
  return {std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end())};
}

}  // namespace executor
