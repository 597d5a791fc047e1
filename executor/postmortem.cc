#include "executor/postmortem.h"

#include <boost/json/serialize.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "base/text_format.h"
#include "executor/timeline.h"

namespace executor {

namespace json = boost::json;

namespace {

void AddSignal(json::object& object, std::string_view key, int signal) {
  object[key] = signal;
  object[std::string(key) + "_name"] = SignalName(signal);
}

json::value ContainerSection(const std::optional<ContainerFinalState>& container) {
  if (!container) return nullptr;
  json::object section{{"id", container->id},
                       {"name", container->name},
                       {"image", container->image},
                       {"exit_code", nullptr},
                       {"oom_killed", container->oom_killed},
                       {"error", container->error},
                       {"finished_at", container->finished_at},
                       {"lost", container->lost}};
  if (container->exit_code) {
    section["exit_code"] = *container->exit_code;
    // Docker reports a death by signal N as 128 + N.
    if (*container->exit_code > 128 && *container->exit_code < 128 + NSIG) {
      AddSignal(section, "signal", *container->exit_code - 128);
    }
  }
  return section;
}

json::value StoppedBySection(const std::optional<StopAttribution>& stopped_by) {
  if (!stopped_by) return nullptr;
  json::object section{{"who", StoppedByName(stopped_by->by)}, {"evidence", stopped_by->evidence}};
  if (stopped_by->signal) AddSignal(section, "signal", *stopped_by->signal);
  return section;
}

json::array DockerEventsSection(const std::vector<ObservedDockerEvent>& events) {
  json::array section;
  for (const ObservedDockerEvent& event : events) {
    const auto time = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(event.time_nano)));
    json::object entry{{"time", base::FormatUtcMillis(time)}, {"action", event.action}};
    if (event.signal) AddSignal(entry, "signal", *event.signal);
    if (event.exit_code) entry["exit_code"] = *event.exit_code;
    entry["after_our_stop"] = event.after_our_stop;
    section.push_back(std::move(entry));
  }
  return section;
}

// A timeline record without what only makes sense in the timeline, in its order.
json::object WithoutTimelineFields(const json::object& record) {
  json::object copy;
  for (const auto& field : record) {
    if (field.key() != "mono_ms" && field.key() != "event") copy[field.key()] = field.value();
  }
  return copy;
}

bool IsEvent(const json::object& record, std::string_view event) {
  const json::value* name = record.if_contains("event");
  return name && name->is_string() && name->get_string() == event;
}

}  // namespace

json::object BuildPostmortem(const PostmortemFacts& facts, const Redactor& redactor) {
  json::value kill = nullptr;
  json::array health;
  json::value drain = nullptr;
  for (const json::object& record : facts.timeline_records) {
    if (IsEvent(record, timeline_event::kKillRequested) && kill.is_null()) {
      // The first request is the one that started the stop; later ones
      // could only shorten its grace (the timeline has them).
      kill = WithoutTimelineFields(record);
    } else if (IsEvent(record, timeline_event::kHealthObservation)) {
      health.push_back(WithoutTimelineFields(record));
    } else if (IsEvent(record, timeline_event::kDrainOutcome)) {
      drain = WithoutTimelineFields(record);
    } else if (IsEvent(record, timeline_event::kDrainRequested) && drain.is_null()) {
      // Requested but never answered: the container exited meanwhile.
      json::object unfinished = WithoutTimelineFields(record);
      unfinished["outcome"] = "unfinished";
      drain = std::move(unfinished);
    }
  }
  const mesos::TaskStatus& terminal = facts.terminal;
  json::value document = json::object{
      {"task_id", terminal.task_id},
      {"state", mesos::TaskStateName(terminal.state)},
      {"reason", terminal.reason == mesos::Reason::kNone ? json::value(nullptr)
                                                         : json::value(mesos::ReasonName(terminal.reason))},
      {"cause", terminal.message},
      {"written_at", base::FormatUtcMillis(facts.time)},
      {"kill", std::move(kill)},
      {"container", ContainerSection(facts.container)},
      {"stopped_by", StoppedBySection(facts.stopped_by)},
      {"docker_events", DockerEventsSection(facts.docker_events)},
      {"health", std::move(health)},
      {"drain", std::move(drain)},
      {"output", json::object{{"window", facts.output_window},
                              {"lines", json::array(facts.output.begin(), facts.output.end())}}}};
  if (terminal.healthy) document.as_object()["healthy"] = *terminal.healthy;
  ScrubStrings(document, redactor);
  return std::move(document.as_object());
}

namespace {

void AppendIndented(std::string& out, const json::value& value, int depth) {
  const std::string indent(2 * (depth + 1), ' ');
  const std::string closing(2 * depth, ' ');
  if (value.is_object() && !value.get_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& field : value.get_object()) {
      out += first ? "" : ",\n";
      first = false;
      out += indent + json::serialize(json::value(field.key())) + ": ";
      AppendIndented(out, field.value(), depth + 1);
    }
    out += "\n" + closing + "}";
  } else if (value.is_array() && !value.get_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const json::value& element : value.get_array()) {
      out += first ? "" : ",\n";
      first = false;
      out += indent;
      AppendIndented(out, element, depth + 1);
    }
    out += "\n" + closing + "]";
  } else {
    out += json::serialize(value);
  }
}

}  // namespace

std::string FormatIndentedJson(const json::value& value) {
  std::string out;
  AppendIndented(out, value, 0);
  out += '\n';
  return out;
}

base::Status WriteFileAtomically(const std::string& path, std::string_view content) {
  const std::string temporary = path + ".tmp";
  auto failed = [&](std::string_view step) {
    const std::string message = std::string(step) + " " + temporary + ": " + std::strerror(errno);
    return base::Status::Failed(message);
  };
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failed("create");
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t written = ::write(fd, content.data() + done, content.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      if (written == 0) errno = ENOSPC;
      base::Status status = failed("write");
      ::close(fd);
      ::unlink(temporary.c_str());
      return status;
    }
    done += static_cast<std::size_t>(written);
  }
  // The rename must not publish a file whose content is still only in the page cache.
  const bool synced = ::fsync(fd) == 0;
  base::Status status = synced ? base::Status::Ok() : failed("flush");
  ::close(fd);
  if (!synced) {
    ::unlink(temporary.c_str());
    return status;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    status = failed("rename");
    ::unlink(temporary.c_str());
    return status;
  }
  return base::Status::Ok();
}

void OutputTail::Add(std::string_view stream, std::string_view line) {
  ++seen_;
  if (max_lines_ == 0) return;
  if (lines_.size() == max_lines_) lines_.pop_front();
  std::string entry(stream);
  entry += ": ";
  entry += line;
  lines_.push_back(std::move(entry));
}

}  // namespace executor
