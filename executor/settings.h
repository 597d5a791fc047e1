// Executor settings: the 27 upstream EXECUTOR_* variables plus our own.
//
// The table returned by SettingTable() is the single source of truth: the
// parser, the startup log block and the README's settings table all come
// from it, so a setting cannot exist in one place and be missing in another.
// Parsing is pure (the environment arrives as a lookup function) and never
// falls back to a default on a bad value: it reports SettingErrors, which
// the executor puts in the TASK_FAILED message.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace executor {

// The executor's own log lines: human-readable text, as upstream, or one
// JSON object per line for log pipelines.
enum class LogFormat { kText, kJson };

// Zero-initialised members are placeholders, not the defaults: those live in
// SettingTable() and come from DefaultSettings() or ParseSettings().
struct Settings {
  // Upstream settings, in the order of upstream's startup log block.
  uint64_t kill_task_timeout_seconds = 0;  // integer seconds, NOT a Go duration
  std::chrono::nanoseconds http_timeout{};
  int64_t sidecar_retry_count = 0;
  std::chrono::nanoseconds sidecar_retry_delay{};
  std::string sidecar_url;
  std::chrono::nanoseconds sidecar_backoff{};
  std::chrono::nanoseconds sidecar_poll_interval{};
  int64_t sidecar_max_fails = 0;
  std::chrono::nanoseconds sidecar_draining_duration{};
  bool seed_sidecar = false;
  std::string docker_repository;
  std::chrono::nanoseconds logs_since{};
  bool force_cpu_limit = false;
  bool force_memory_limit = false;
  bool use_cpu_shares = false;
  std::string mesos_master_port;
  bool relay_syslog = false;
  bool relay_syslog_startup_only = false;
  std::chrono::nanoseconds relay_syslog_startup_time{};
  std::string syslog_addr;
  bool container_logs_stdout = false;
  std::vector<std::string> send_docker_labels;
  std::string log_hostname;
  std::string aws_role;
  std::chrono::nanoseconds aws_role_ttl{};
  std::chrono::nanoseconds aws_role_max_ttl{};
  bool debug = false;

  // Added by this executor (no unprefixed fallback).
  bool remove_container = false;
  std::chrono::nanoseconds docker_timeout{};
  std::chrono::nanoseconds pull_stall_timeout{};
  LogFormat log_format = LogFormat::kText;
};

// Where a parsed value lands; the alternative also fixes the syntax:
// Go duration, whole seconds (uint), Go int, Go bool, string, comma list,
// `text` or `json`.
using SettingField = std::variant<std::chrono::nanoseconds Settings::*, uint64_t Settings::*,
                                  int64_t Settings::*, bool Settings::*, std::string Settings::*,
                                  std::vector<std::string> Settings::*, LogFormat Settings::*>;

// Values the Go program accepted but crashed on or misbehaved with (D37).
enum class SettingBound { kAny, kNonNegative, kPositive };

struct SettingSpec {
  std::string_view name;           // "HttpTimeout", as printed in the startup log
  std::string_view variable;       // "EXECUTOR_HTTP_TIMEOUT"
  std::string_view default_value;  // parsed like an environment value
  std::string_view meaning;        // one line, for the README
  SettingField field;
  SettingBound bound = SettingBound::kAny;
  bool upstream = true;  // one of the 27: the unprefixed name is consulted too
};

// LogHostname's default_value: replaced by the OS hostname given to the parser.
inline constexpr std::string_view kOsHostnameDefault = "OS hostname";

// All settings, in startup-log order (the upstream 27, then ours).
std::span<const SettingSpec> SettingTable();

// "duration", "uint seconds", "int", "bool", "string", "list" or "text or json".
std::string_view SettingTypeName(const SettingSpec& spec);

struct SettingError {
  std::string variable;  // the variable actually read, e.g. HTTP_TIMEOUT when it was the fallback
  std::string value;
  std::string problem;   // "is not a valid Go duration"
  std::string expected;  // "e.g. 300ms, 2s, 1m30s"

  // "EXECUTOR_HTTP_TIMEOUT='2 seconds' is not a valid Go duration (expected e.g. 300ms, 2s, 1m30s)"
  std::string Message() const;
};

struct ParsedSettings {
  Settings settings;                  // meaningless unless errors is empty
  std::vector<SettingError> errors;   // each must fail the task
  std::vector<std::string> warnings;  // e.g. an unprefixed fallback variable was used
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads EXECUTOR_<NAME>; when it is absent (not merely empty) and the setting
// is an upstream one, <NAME> alone, with a warning. Present-but-empty values
// are parsed, so an empty duration, integer or boolean is an error as it was
// upstream; an empty list is [""].
ParsedSettings ParseSettings(const EnvLookup& lookup, std::string_view os_hostname);

// The defaults, as ParseSettings yields them from an empty environment.
Settings DefaultSettings(std::string_view os_hostname);

// Upstream's "Executor Config ---..." block, one string per log line: name
// and value columns aligned as upstream printed them, durations in Go form,
// booleans true/false, the label list as [a b]. Our settings follow the 27.
std::vector<std::string> FormatSettingsBlock(const Settings& settings);

// The README's settings table (Markdown), generated from SettingTable() so
// that the documentation cannot drift from the code; a test compares them.
std::string SettingsMarkdownTable();

}  // namespace executor
