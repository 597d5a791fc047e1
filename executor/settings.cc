#include "executor/settings.h"

#include <array>
#include <string>
#include <utility>

#include "executor/go_duration.h"
#include "executor/go_strings.h"
#include "executor/go_values.h"

namespace executor {
namespace {

using std::chrono::nanoseconds;
using B = SettingBound;

// Upstream's order (main.go, logConfig) is the order of this table.
constexpr std::array kTable = {
    SettingSpec{"KillTaskTimeout", "EXECUTOR_KILL_TASK_TIMEOUT", "5",
                "Docker stop grace in whole seconds: stop signal, then SIGKILL after N s",
                &Settings::kill_task_timeout_seconds},
    SettingSpec{"HttpTimeout", "EXECUTOR_HTTP_TIMEOUT", "2s",
                "whole-request timeout for Sidecar (state, drain) and seed discovery calls",
                &Settings::http_timeout, B::kNonNegative},
    SettingSpec{"SidecarRetryCount", "EXECUTOR_SIDECAR_RETRY_COUNT", "5",
                "extra attempts for Sidecar state fetch and drain (total = N + 1)",
                &Settings::sidecar_retry_count, B::kNonNegative},
    SettingSpec{"SidecarRetryDelay", "EXECUTOR_SIDECAR_RETRY_DELAY", "3s",
                "pause after each failed Sidecar attempt", &Settings::sidecar_retry_delay,
                B::kNonNegative},
    SettingSpec{"SidecarUrl", "EXECUTOR_SIDECAR_URL", "http://localhost:7777/state.json",
                "Sidecar state URL; its scheme and host[:port] are reused for draining",
                &Settings::sidecar_url},
    SettingSpec{"SidecarBackoff", "EXECUTOR_SIDECAR_BACKOFF", "1m",
                "delay before Sidecar health checks start (only when they are enabled)",
                &Settings::sidecar_backoff, B::kNonNegative},
    SettingSpec{"SidecarPollInterval", "EXECUTOR_SIDECAR_POLL_INTERVAL", "30s",
                "period of the Sidecar health check", &Settings::sidecar_poll_interval,
                B::kPositive},
    SettingSpec{"SidecarMaxFails", "EXECUTOR_SIDECAR_MAX_FAILS", "3",
                "tolerated consecutive unhealthy observations; the next one kills the task",
                &Settings::sidecar_max_fails, B::kNonNegative},
    SettingSpec{"SidecarDrainingDuration", "EXECUTOR_SIDECAR_DRAINING_DURATION", "10s",
                "wait after draining in Sidecar before any stop, within half the kill's grace; 0 disables draining",
                &Settings::sidecar_draining_duration, B::kNonNegative},
    SettingSpec{"SeedSidecar", "EXECUTOR_SEED_SIDECAR", "false",
                "inject SIDECAR_SEEDS (the cluster's agent hostnames) into the container",
                &Settings::seed_sidecar},
    SettingSpec{"DockerRepository", "EXECUTOR_DOCKER_REPOSITORY", "https://index.docker.io/v1/",
                "key selecting registry credentials in the Docker client config",
                &Settings::docker_repository},
    SettingSpec{"LogsSince", "EXECUTOR_LOGS_SINCE", "3m",
                "window of container logs copied to the executor log on a non-zero exit",
                &Settings::logs_since, B::kNonNegative},
    SettingSpec{"ForceCpuLimit", "EXECUTOR_FORCE_CPU_LIMIT", "false",
                "limit the container's CPU from the task's cpus resource",
                &Settings::force_cpu_limit},
    SettingSpec{"ForceMemoryLimit", "EXECUTOR_FORCE_MEMORY_LIMIT", "false",
                "limit the container's memory from the task's mem resource",
                &Settings::force_memory_limit},
    SettingSpec{"UseCpuShares", "EXECUTOR_USE_CPU_SHARES", "false",
                "with ForceCpuLimit: CPU shares instead of a CFS quota", &Settings::use_cpu_shares},
    SettingSpec{"MesosMasterPort", "EXECUTOR_MESOS_MASTER_PORT", "5050",
                "master port for seed discovery (/slaves); empty = no port",
                &Settings::mesos_master_port},
    SettingSpec{"RelaySyslog", "EXECUTOR_RELAY_SYSLOG", "false",
                "relay container logs as JSON over UDP", &Settings::relay_syslog},
    SettingSpec{"RelaySyslogStartupOnly", "EXECUTOR_RELAY_SYSLOG_STARTUP_ONLY", "false",
                "relay container logs only during RelaySyslogStartupTime (works alone)",
                &Settings::relay_syslog_startup_only},
    SettingSpec{"RelaySyslogStartupTime", "EXECUTOR_RELAY_SYSLOG_STARTUP_TIME", "1m",
                "length of the startup-only relay window", &Settings::relay_syslog_startup_time,
                B::kNonNegative},
    SettingSpec{"SyslogAddr", "EXECUTOR_SYSLOG_ADDR", "127.0.0.1:514",
                "UDP host:port the log relay sends to", &Settings::syslog_addr},
    SettingSpec{"ContainerLogsStdout", "EXECUTOR_CONTAINER_LOGS_STDOUT", "false",
                "also write relayed JSON lines to the executor's stdout (relay must be on)",
                &Settings::container_logs_stdout},
    SettingSpec{"SendDockerLabels", "EXECUTOR_SEND_DOCKER_LABELS", "",
                "comma-separated Docker label names copied into relayed log lines",
                &Settings::send_docker_labels},
    SettingSpec{"LogHostname", "EXECUTOR_LOG_HOSTNAME", kOsHostnameDefault,
                "Hostname field of relayed log lines", &Settings::log_hostname},
    SettingSpec{"AWSRole", "EXECUTOR_AWS_ROLE", "",
                "Vault AWS role; when set, AWS credentials are injected into the container",
                &Settings::aws_role},
    SettingSpec{"AWSRoleTTL", "EXECUTOR_AWS_ROLE_TTL", "0",
                "requested AWS credential lifetime (0 = the role's default)",
                &Settings::aws_role_ttl, B::kNonNegative},
    SettingSpec{"AWSRoleMaxTTL", "EXECUTOR_AWS_ROLE_MAX_TTL", "744h",
                "upper bound for AWSRoleTTL", &Settings::aws_role_max_ttl, B::kNonNegative},
    SettingSpec{"Debug", "EXECUTOR_DEBUG", "false", "debug log level", &Settings::debug},
    SettingSpec{"RemoveContainer", "EXECUTOR_REMOVE_CONTAINER", "true",
                "remove the exited container after its logs were copied",
                &Settings::remove_container, B::kAny, false},
    SettingSpec{"DockerTimeout", "EXECUTOR_DOCKER_TIMEOUT", "30s",
                "deadline for each ordinary Docker API call", &Settings::docker_timeout,
                B::kPositive, false},
    SettingSpec{"PullStallTimeout", "EXECUTOR_PULL_STALL_TIMEOUT", "1m",
                "an image pull without progress for this long fails",
                &Settings::pull_stall_timeout, B::kPositive, false},
    SettingSpec{"LogFormat", "EXECUTOR_LOG_FORMAT", "text",
                "the executor's own log lines: text, one readable line each, or json, one object per line",
                &Settings::log_format, B::kAny, false},
};

// Upstream aligned the values one column after its longest name.
constexpr size_t kNameColumn = 25;

constexpr std::string_view kBoolForms =
    "true or false; also 1, t, T, TRUE, True, 0, f, F, FALSE, False";

constexpr std::array<std::pair<std::string_view, LogFormat>, 2> kLogFormats = {{
    {"text", LogFormat::kText},
    {"json", LogFormat::kJson},
}};

std::string Example(const SettingSpec& spec) { return "e.g. " + std::string(spec.default_value); }

// Parses `text` into settings.*field; on failure returns the error with
// problem and expected form filled in (variable and value left to the caller).
std::optional<SettingError> Assign(const SettingSpec& spec, std::string_view text,
                                   Settings& settings) {
  struct Visitor {
    const SettingSpec& spec;
    std::string_view text;
    Settings& settings;

    std::optional<SettingError> Bounded(int sign) const {
      if (spec.bound == B::kNonNegative && sign < 0) {
        return SettingError{{}, {}, "must not be negative", Example(spec)};
      }
      if (spec.bound == B::kPositive && sign <= 0) {
        return SettingError{{}, {}, "must be greater than zero", Example(spec)};
      }
      return std::nullopt;
    }
    std::optional<SettingError> operator()(nanoseconds Settings::*field) const {
      auto parsed = ParseGoDuration(text);
      if (!parsed.ok()) {
        return SettingError{{}, {}, "is not a valid Go duration", "e.g. 300ms, 2s, 1m30s"};
      }
      settings.*field = *parsed;
      return Bounded(parsed->count() < 0 ? -1 : parsed->count() > 0);
    }
    std::optional<SettingError> operator()(uint64_t Settings::*field) const {
      auto parsed = ParseGoUint(text);
      if (!parsed.ok()) {
        return SettingError{{}, {}, "is not a valid whole number of seconds",
                            Example(spec) + "; this setting is not a Go duration"};
      }
      settings.*field = *parsed;
      return Bounded(*parsed > 0);
    }
    std::optional<SettingError> operator()(int64_t Settings::*field) const {
      auto parsed = ParseGoInt(text);
      if (!parsed.ok()) return SettingError{{}, {}, "is not a valid integer", Example(spec)};
      settings.*field = *parsed;
      return Bounded(*parsed < 0 ? -1 : *parsed > 0);
    }
    std::optional<SettingError> operator()(bool Settings::*field) const {
      auto parsed = ParseGoBool(text);
      if (!parsed.ok()) return SettingError{{}, {}, "is not a valid boolean", std::string(kBoolForms)};
      settings.*field = *parsed;
      return std::nullopt;
    }
    std::optional<SettingError> operator()(std::string Settings::*field) const {
      settings.*field = std::string(text);
      return std::nullopt;
    }
    std::optional<SettingError> operator()(std::vector<std::string> Settings::*field) const {
      // envconfig leaves a slice empty for an empty default; a set-but-empty
      // variable still yields [""] (see ParseSettings).
      settings.*field = SplitLikeGo(text, ',');  // no trimming, as upstream
      return std::nullopt;
    }
    std::optional<SettingError> operator()(LogFormat Settings::*field) const {
      for (const auto& [name, format] : kLogFormats) {
        if (text != name) continue;
        settings.*field = format;
        return std::nullopt;
      }
      return SettingError{{}, {}, "is not a log format", "text or json"};
    }
  };
  return std::visit(Visitor{spec, text, settings}, spec.field);
}

// The default, as text to parse; nullopt = leave the value empty.
std::optional<std::string> DefaultText(const SettingSpec& spec, std::string_view os_hostname) {
  if (spec.default_value == kOsHostnameDefault) return std::string(os_hostname);
  if (spec.default_value.empty() && !std::holds_alternative<std::string Settings::*>(spec.field)) {
    return std::nullopt;  // an empty list default means no items, not [""]
  }
  return std::string(spec.default_value);
}

void ApplyDefault(const SettingSpec& spec, std::string_view os_hostname, Settings& settings) {
  if (auto text = DefaultText(spec, os_hostname)) {
    // The table's defaults are tested to parse; a failure here is a bug.
    [[maybe_unused]] auto error = Assign(spec, *text, settings);
  }
}

std::string FormatValue(const SettingSpec& spec, const Settings& settings) {
  struct Visitor {
    const Settings& settings;
    std::string operator()(nanoseconds Settings::*field) const {
      return FormatGoDuration(settings.*field);
    }
    std::string operator()(uint64_t Settings::*field) const {
      return std::to_string(settings.*field);
    }
    std::string operator()(int64_t Settings::*field) const {
      return std::to_string(settings.*field);
    }
    std::string operator()(bool Settings::*field) const {
      return settings.*field ? "true" : "false";
    }
    std::string operator()(std::string Settings::*field) const { return settings.*field; }
    std::string operator()(std::vector<std::string> Settings::*field) const {
      // Go's %v of a []string.
      std::string out = "[";
      const auto& items = settings.*field;
      for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ' ';
        out += items[i];
      }
      return out + "]";
    }
    std::string operator()(LogFormat Settings::*field) const {
      for (const auto& [name, format] : kLogFormats) {
        if (settings.*field == format) return std::string(name);
      }
      return "";
    }
  };
  return std::visit(Visitor{settings}, spec.field);
}

}  // namespace

std::span<const SettingSpec> SettingTable() { return kTable; }

std::string_view SettingTypeName(const SettingSpec& spec) {
  static constexpr std::array<std::string_view, std::variant_size_v<SettingField>> kNames = {
      "duration", "uint seconds", "int", "bool", "string", "list", "text or json"};
  return kNames[spec.field.index()];
}

std::string SettingError::Message() const {
  return variable + "='" + value + "' " + problem + " (expected " + expected + ")";
}

Settings DefaultSettings(std::string_view os_hostname) {
  Settings settings;
  for (const SettingSpec& spec : kTable) ApplyDefault(spec, os_hostname, settings);
  return settings;
}

ParsedSettings ParseSettings(const EnvLookup& lookup, std::string_view os_hostname) {
  ParsedSettings parsed{DefaultSettings(os_hostname), {}, {}};
  for (const SettingSpec& spec : kTable) {
    std::string variable(spec.variable);
    std::optional<std::string> value = lookup(variable);
    if (!value && spec.upstream) {
      // Upstream's envconfig consulted the bare name when the prefixed one
      // was absent. Kept for compatibility, but it catches generic names
      // like DEBUG, so it is announced.
      std::string bare = variable.substr(std::string_view("EXECUTOR_").size());
      value = lookup(bare);
      if (value) {
        parsed.warnings.push_back(variable + " is not set; using " + bare + "='" + *value +
                                  "' instead (upstream fallback; prefer " + variable + ")");
        variable = std::move(bare);
      }
    }
    if (!value) continue;
    if (auto error = Assign(spec, *value, parsed.settings)) {
      error->variable = variable;
      error->value = *value;
      parsed.errors.push_back(std::move(*error));
      ApplyDefault(spec, os_hostname, parsed.settings);
    }
  }
  return parsed;
}

std::vector<std::string> FormatSettingsBlock(const Settings& settings) {
  std::vector<std::string> lines = {"Executor Config -----------------------"};
  for (const SettingSpec& spec : kTable) {
    std::string line = " * ";
    line += spec.name;
    line += ':';
    line.resize(3 + kNameColumn, ' ');
    line += FormatValue(spec, settings);
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string SettingsMarkdownTable() {
  std::string table = "| Variable | Type | Default | Meaning |\n|---|---|---|---|\n";
  for (const SettingSpec& spec : SettingTable()) {
    std::string default_text = spec.default_value.empty() ? "(empty)" : "`" + std::string(spec.default_value) + "`";
    if (spec.default_value == kOsHostnameDefault) default_text = "the OS hostname";
    table += "| `" + std::string(spec.variable) + "` | " + std::string(SettingTypeName(spec)) + " | " +
             default_text + " | " + std::string(spec.meaning) + (spec.upstream ? "" : " (new)") + " |\n";
  }
  return table;
}

}  // namespace executor
