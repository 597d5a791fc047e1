#include "executor/logging.h"

#include <spdlog/details/null_mutex.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "executor/redactor.h"

namespace executor {

namespace {

// Writes formatted lines to stdout after scrubbing known secret values.
class RedactingStdoutSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    const Redactor& redactor = GlobalRedactor();
    if (redactor.empty()) {
      std::fwrite(formatted.data(), 1, formatted.size(), stdout);
    } else {
      const std::string clean = redactor.Scrub(std::string_view(formatted.data(), formatted.size()));
      std::fwrite(clean.data(), 1, clean.size(), stdout);
    }
    std::fflush(stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

}  // namespace

void SetUpLogging(bool debug) {
  auto logger = std::make_shared<spdlog::logger>("executor", std::make_shared<RedactingStdoutSink>());
  logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      "%Y-%m-%dT%H:%M:%S.%eZ %-5l %v", spdlog::pattern_time_type::utc));
  logger->set_level(debug ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace executor
