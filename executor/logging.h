// The executor's own log: one line per action, on stdout (as upstream, once
// settings are read), every line passed through the Redactor.
//
// Two formats (EXECUTOR_LOG_FORMAT). text: `<time> <level> <msg>`, as
// before. json: one object per line for log pipelines, with stable keys
// `time` (RFC 3339, UTC, milliseconds), `level`, `msg`, then `task_id` and
// `container_id` once known, then the fields of the action, if it has any.
#pragma once

#include <spdlog/common.h>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "executor/settings.h"

namespace executor {

class Redactor;

// Facts of an action, in order, each its own key in json. The message must
// state them too: a text line is only the message.
using LogFields = std::vector<std::pair<std::string_view, std::string>>;

// Installs the default logger. Safe to call again to change level or format.
void SetUpLogging(bool debug, LogFormat format);

// Every line from now on names the task and its container (json only: a text
// line stays as upstream printed it). Empty means not known yet.
void SetLogContext(std::string_view task_id, std::string_view container_id);

// spdlog::log with the action's facts as fields.
void LogWithFields(spdlog::level::level_enum level, std::string_view message, const LogFields& fields);

struct LogRecord {
  std::chrono::system_clock::time_point time;
  spdlog::level::level_enum level = spdlog::level::info;
  std::string_view message;
  std::string_view task_id;
  std::string_view container_id;
  const LogFields* fields = nullptr;
};

// The line the sink writes for `record`, newline included, with every value
// scrubbed before it is quoted (so a secret is found however JSON escapes it).
// A field named like a standard key becomes `fields.<name>`, as logrus does.
std::string FormatLogLine(const LogRecord& record, LogFormat format, const Redactor& redactor);

}  // namespace executor
