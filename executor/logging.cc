#include "executor/logging.h"

#include <fmt/format.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "base/text_format.h"
#include "executor/redactor.h"

namespace executor {

namespace {

constexpr std::array<std::string_view, 5> kStandardKeys = {"time", "level", "msg", "task_id", "container_id"};

// One executor, one task: the context is process-wide, like the logger.
struct LogContext {
  std::string task_id;
  std::string container_id;
  const LogFields* fields = nullptr;  // set only while LogWithFields logs
};
LogContext& Context() {
  static LogContext context;
  return context;
}

void AppendJsonMember(std::string& out, std::string_view key, std::string_view value) {
  out += ',';
  base::AppendJsonString(out, key, base::JsonEscaping::kMinimal);
  out += ':';
  base::AppendJsonString(out, value, base::JsonEscaping::kMinimal);
}

std::string FieldKey(std::string_view name) {
  const bool clashes = std::find(kStandardKeys.begin(), kStandardKeys.end(), name) != kStandardKeys.end();
  return clashes ? "fields." + std::string(name) : std::string(name);
}

// The message already tells what the fields hold, so a text line leaves
// them out and reads as it always did.
std::string TextLine(const LogRecord& record, const Redactor& redactor) {
  return fmt::format("{} {:<5} {}\n", base::FormatUtcMillis(record.time), spdlog::level::to_string_view(record.level),
                     redactor.Scrub(record.message));
}

std::string JsonLine(const LogRecord& record, const Redactor& redactor) {
  std::string line = "{\"time\":\"" + base::FormatUtcMillis(record.time) + '"';
  const auto level = spdlog::level::to_string_view(record.level);
  AppendJsonMember(line, "level", std::string_view(level.data(), level.size()));
  AppendJsonMember(line, "msg", redactor.Scrub(record.message));
  if (!record.task_id.empty()) AppendJsonMember(line, "task_id", redactor.Scrub(record.task_id));
  if (!record.container_id.empty()) AppendJsonMember(line, "container_id", redactor.Scrub(record.container_id));
  if (record.fields) {
    for (const auto& [name, value] : *record.fields) AppendJsonMember(line, FieldKey(name), redactor.Scrub(value));
  }
  return line + "}\n";
}

// Writes each record to stdout, formatted, with known secret values scrubbed.
class RedactingStdoutSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  explicit RedactingStdoutSink(LogFormat format) : format_(format) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const LogContext& context = Context();
    const LogRecord record{msg.time, msg.level, std::string_view(msg.payload.data(), msg.payload.size()),
                           context.task_id, context.container_id, context.fields};
    const std::string line = FormatLogLine(record, format_, GlobalRedactor());
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
  }
  void flush_() override { std::fflush(stdout); }

 private:
  const LogFormat format_;
};

}  // namespace

void SetUpLogging(bool debug, LogFormat format) {
  auto logger = std::make_shared<spdlog::logger>("executor", std::make_shared<RedactingStdoutSink>(format));
  logger->set_level(debug ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

void SetLogContext(std::string_view task_id, std::string_view container_id) {
  Context().task_id = task_id;
  Context().container_id = container_id;
}

void LogWithFields(spdlog::level::level_enum level, std::string_view message, const LogFields& fields) {
  Context().fields = &fields;
  spdlog::default_logger_raw()->log(level, spdlog::string_view_t(message.data(), message.size()));
  Context().fields = nullptr;
}

std::string FormatLogLine(const LogRecord& record, LogFormat format, const Redactor& redactor) {
  return format == LogFormat::kJson ? JsonLine(record, redactor) : TextLine(record, redactor);
}

}  // namespace executor
