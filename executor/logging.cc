#include "executor/logging.h"

#include <fmt/format.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

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

// Length of the well-formed UTF-8 sequence at text[at], or 0 when it is not
// one (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t Utf8SequenceLength(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  if (byte(at + 1) < low || byte(at + 1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return 0;
  }
  return length;
}

// `text` as a JSON string. Docker's and the container's words may be any
// bytes; a byte that is not UTF-8 becomes U+FFFD so the line still parses.
void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
          break;
        }
        if (const std::size_t length = Utf8SequenceLength(text, i); length > 0) {
          out.append(text.substr(i, length));
          i += length;
          continue;
        }
        out += "\\ufffd";
    }
    ++i;
  }
  out += '"';
}

void AppendJsonMember(std::string& out, std::string_view key, std::string_view value) {
  out += ',';
  AppendJsonString(out, key);
  out += ':';
  AppendJsonString(out, value);
}

std::string FieldKey(std::string_view name) {
  const bool clashes = std::find(kStandardKeys.begin(), kStandardKeys.end(), name) != kStandardKeys.end();
  return clashes ? "fields." + std::string(name) : std::string(name);
}

std::string Rfc3339Millis(std::chrono::system_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

// The message already tells what the fields hold, so a text line leaves
// them out and reads as it always did.
std::string TextLine(const LogRecord& record, const Redactor& redactor) {
  return fmt::format("{} {:<5} {}\n", Rfc3339Millis(record.time), spdlog::level::to_string_view(record.level),
                     redactor.Scrub(record.message));
}

std::string JsonLine(const LogRecord& record, const Redactor& redactor) {
  std::string line = "{\"time\":\"" + Rfc3339Millis(record.time) + '"';
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
