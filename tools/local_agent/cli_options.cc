#include "tools/local_agent/cli_options.h"

#include <charconv>
#include <functional>
#include <map>
#include <optional>

#include "executor/go_duration.h"
#include "tools/local_agent/mesos_duration.h"

namespace local_agent {

namespace {

base::Result<std::pair<std::string, std::string>> SplitPair(const std::string& flag,
                                                            const std::string& value, char separator) {
  const std::size_t at = value.find(separator);
  if (at == std::string::npos || at == 0) {
    return base::Status::Invalid(flag + " expects KEY" + separator + "VALUE, got '" + value + "'");
  }
  return std::make_pair(value.substr(0, at), value.substr(at + 1));
}

base::Result<double> ParseDouble(const std::string& flag, const std::string& value) {
  double number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || end != value.data() + value.size() || number <= 0) {
    return base::Status::Invalid(flag + " expects a positive number, got '" + value + "'");
  }
  return number;
}

base::Result<uint32_t> ParsePort(const std::string& text) {
  uint32_t port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535) {
    return base::Status::Invalid("not a port number: '" + text + "'");
  }
  return port;
}

base::Result<PortMapping> ParsePortMapping(const std::string& value) {
  base::Result<std::pair<std::string, std::string>> pair = SplitPair("--port", value, ':');
  if (!pair.ok()) return pair.status();
  base::Result<uint32_t> container = ParsePort(pair->first);
  if (!container.ok()) return container.status().Wrap("--port");
  base::Result<uint32_t> host = ParsePort(pair->second);
  if (!host.ok()) return host.status().Wrap("--port");
  return PortMapping{*container, *host};
}

base::Result<std::string> ParseNetwork(const std::string& value) {
  if (value == "host") return std::string("HOST");
  if (value == "bridge") return std::string("BRIDGE");
  if (value == "none") return std::string("NONE");
  return base::Status::Invalid("--network expects host, bridge or none, got '" + value + "'");
}

using Setter = std::function<base::Status(CliOptions&, const std::string&)>;

Setter Text(std::string CliOptions::*field) {
  return [field](CliOptions& o, const std::string& v) {
    o.*field = v;
    return base::Status::Ok();
  };
}

Setter TaskText(std::string TaskSpec::*field) {
  return [field](CliOptions& o, const std::string& v) {
    o.task.*field = v;
    return base::Status::Ok();
  };
}

Setter TaskPairs(std::string flag, KeyValues TaskSpec::*field) {
  return [flag, field](CliOptions& o, const std::string& v) {
    auto pair = SplitPair(flag, v, '=');
    if (!pair.ok()) return pair.status();
    (o.task.*field).push_back(*pair);
    return base::Status::Ok();
  };
}

Setter TaskNumber(std::string flag, double TaskSpec::*field) {
  return [flag, field](CliOptions& o, const std::string& v) {
    base::Result<double> n = ParseDouble(flag, v);
    if (!n.ok()) return n.status();
    o.task.*field = *n;
    return base::Status::Ok();
  };
}

// Sets the duration the parsed text names; `field` picks it out of the options.
Setter Duration(std::string flag,
                std::function<void(CliOptions&, std::chrono::nanoseconds)> field) {
  return [flag, field](CliOptions& o, const std::string& v) {
    base::Result<std::chrono::nanoseconds> d = executor::ParseGoDuration(v);
    if (!d.ok()) return d.status().Wrap(flag);
    field(o, *d);
    return base::Status::Ok();
  };
}

// Flags that take a value; `task` marks those describing the task.
struct ValueFlag {
  Setter set;
  bool task;
};

const std::map<std::string, ValueFlag, std::less<>>& ValueFlags() {
  static const std::map<std::string, ValueFlag, std::less<>> flags = {
      {"--executor", {Text(&CliOptions::executor_path), false}},
      {"--task", {Text(&CliOptions::task_file), false}},
      {"--sandbox", {Text(&CliOptions::sandbox), false}},
      {"--shutdown-grace",
       {Duration("--shutdown-grace", [](CliOptions& o, auto d) { o.shutdown_grace = d; }), false}},
      {"--image", {TaskText(&TaskSpec::image), true}},
      {"--command", {TaskText(&TaskSpec::shell_command), true}},
      {"--task-id", {TaskText(&TaskSpec::task_id), true}},
      {"--name", {TaskText(&TaskSpec::name), true}},
      {"--arg",
       {[](CliOptions& o, const std::string& v) {
          o.task.arguments.push_back(v);
          return base::Status::Ok();
        },
        true}},
      {"--env", {TaskPairs("--env", &TaskSpec::environment), true}},
      {"--label", {TaskPairs("--label", &TaskSpec::labels), true}},
      {"--param", {TaskPairs("--param", &TaskSpec::parameters), true}},
      {"--port",
       {[](CliOptions& o, const std::string& v) {
          base::Result<PortMapping> port = ParsePortMapping(v);
          if (!port.ok()) return port.status();
          o.task.ports.push_back(*port);
          return base::Status::Ok();
        },
        true}},
      {"--network",
       {[](CliOptions& o, const std::string& v) {
          base::Result<std::string> network = ParseNetwork(v);
          if (!network.ok()) return network.status();
          o.task.network = *network;
          return base::Status::Ok();
        },
        true}},
      {"--cpus", {TaskNumber("--cpus", &TaskSpec::cpus), true}},
      {"--mem", {TaskNumber("--mem", &TaskSpec::mem), true}},
      {"--kill-grace",
       {Duration("--kill-grace", [](CliOptions& o, auto d) { o.task.kill_grace = d; }), true}},
  };
  return flags;
}

const std::map<std::string, bool CliOptions::*, std::less<>>& SwitchFlags() {
  static const std::map<std::string, bool CliOptions::*, std::less<>> flags = {
      {"--checkpoint", &CliOptions::checkpoint},
      {"--task-killing", &CliOptions::task_killing},
      {"--inherit-output", &CliOptions::inherit_output},
      {"--verbose", &CliOptions::verbose},
      {"-v", &CliOptions::verbose},
      {"--help", &CliOptions::help},
      {"-h", &CliOptions::help},
  };
  return flags;
}

}  // namespace

base::Result<CliOptions> ParseCommandLine(const std::vector<std::string>& args) {
  CliOptions options;
  bool task_flags = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> value;
    if (const std::size_t equals = name.find('='); name.starts_with("--") && equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
    }
    if (auto flag = SwitchFlags().find(name); flag != SwitchFlags().end() && !value) {
      options.*(flag->second) = true;
      continue;
    }
    auto flag = ValueFlags().find(name);
    if (flag == ValueFlags().end()) return base::Status::Invalid("unknown argument '" + args[i] + "'");
    if (!value) {
      if (i + 1 == args.size()) return base::Status::Invalid(name + " needs a value");
      value = args[++i];
    }
    base::Status status = flag->second.set(options, *value);
    if (!status.ok()) return status;
    task_flags = task_flags || flag->second.task;
  }
  if (options.help) return options;
  if (!options.task_file.empty() && task_flags) {
    return base::Status::Invalid("--task replaces the task flags; give one or the other");
  }
  if (options.task_file.empty() && options.task.image.empty()) {
    return base::Status::Invalid("give --image IMAGE (or --task FILE.json)");
  }
  return options;
}

std::string Usage() {
  return R"(usage: local-agent [options] (--image IMAGE [task flags] | --task FILE.json)

Runs a Mesos executor against a local fake agent: starts the executor with
the environment a Mesos agent gives it, subscribes it, launches one task and
prints every status update. Ctrl-C once kills the task, twice shuts the
executor down. Exits 0 only if the task ends TASK_FINISHED.

Agent and executor:
  --executor PATH        executor binary (default: sidecar-executor next to local-agent)
  --task FILE.json       the TaskInfo to launch, instead of the task flags
  --sandbox DIR          executor sandbox (default: a fresh temporary directory)
  --inherit-output       executor stdout/stderr to this terminal, not the sandbox
  --checkpoint           framework checkpointing (MESOS_CHECKPOINT=1)
  --task-killing         framework capability TASK_KILLING_STATE
  --shutdown-grace D     executor shutdown grace period (default 5s)
  -v, --verbose          log every call the executor makes

Task (custom executor + Docker container):
  --image IMAGE          Docker image (required)
  --command "a b c"      shell command (Docker parameter label executor.ShellCommand=...)
  --arg X                argument, repeatable (TaskInfo.command, shell false)
  --env K=V              executor environment, repeatable (EXECUTOR_* settings go here)
  --port C:H             container port C published on host port H, repeatable
  --network host|bridge|none
  --label K=V            task label, repeatable
  --param K=V            Docker parameter, repeatable
  --cpus N  --mem MB     resources (default 0.1 cpus, 128 MB)
  --task-id ID           default: NAME.<random>
  --name NAME            default: local-task
  --kill-grace D         kill policy grace period (Go syntax: 3s, 500ms, 1m30s)
)";
}

}  // namespace local_agent
