#include "executor/registry_auth_extension.h"

#include <pwd.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "docker/credential_helper.h"
#include "docker/image_reference.h"
#include "executor/redactor.h"

extern char** environ;

namespace executor {

namespace asio = boost::asio;

namespace {

// A Docker client config is a few hundred bytes; anything huge is not one.
constexpr long kMaxConfigSize = 1 << 20;

// The file's text; nullopt when it does not exist.
base::Result<std::optional<std::string>> ReadConfigFile(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "re"), &std::fclose);
  if (!file) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<std::string>();
    return base::Status::Failed(std::string("cannot open it: ") + std::strerror(errno));
  }
  std::string text;
  char chunk[4096];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof(chunk), file.get())) > 0;) {
    text.append(chunk, n);
    if (text.size() > static_cast<std::size_t>(kMaxConfigSize)) return base::Status::Failed("larger than 1 MiB");
  }
  if (std::ferror(file.get())) return base::Status::Failed("cannot read it");
  return std::optional<std::string>(std::move(text));
}

std::string Describe(const docker::RegistryCredentials& credentials) {
  if (!credentials.identity_token.empty()) return "identity token";
  if (!credentials.registry_token.empty()) return "registry token";
  return "user '" + credentials.username + "'";
}

}  // namespace

std::string HomeDirectory(const std::optional<std::string>& home) {
  if (home && !home->empty()) return *home;
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::string buffer(size > 0 ? static_cast<std::size_t>(size) : 16384, '\0');
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found || !found->pw_dir) return "";
  return found->pw_dir;
}

RegistryAuthOptions RegistryAuthOptionsFor(const ExecutorConfig& config) {
  RegistryAuthOptions options;
  options.getenv = config.getenv;
  for (char** e = environ; *e; ++e) {
    const std::string_view entry(*e);
    const std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    options.helper_environment.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  const std::optional<std::string> home = config.getenv("HOME");
  if (!home || home->empty()) {
    // Helpers keep their own state under ~ (as the agent gives no HOME).
    std::erase_if(options.helper_environment, [](const auto& variable) { return variable.first == "HOME"; });
    if (std::string dir = HomeDirectory(home); !dir.empty()) options.helper_environment.emplace_back("HOME", dir);
  }
  options.docker_repository = config.settings.docker_repository;
  options.helper_timeout = config.settings.docker_timeout;
  return options;
}

RegistryAuthExtension::RegistryAuthExtension(RegistryAuthOptions options) : options_(std::move(options)) {}

RegistryAuthExtension::LoadedConfig RegistryAuthExtension::LoadConfig() const {
  const docker::DockerConfigPaths paths =
      docker::LocateDockerConfig(options_.getenv("DOCKER_CONFIG"), HomeDirectory(options_.getenv("HOME")));
  LoadedConfig loaded;
  if (paths.config_json.empty()) {
    loaded.note = "no home directory to find a Docker client config in";
    return loaded;
  }
  const std::pair<const std::string*, bool> candidates[] = {{&paths.config_json, false}, {&paths.legacy, true}};
  for (const auto& [path, legacy] : candidates) {
    if (path->empty()) continue;
    base::Result<std::optional<std::string>> text = ReadConfigFile(*path);
    if (text.ok() && !*text) continue;  // absent: try the next
    base::Result<docker::DockerConfig> parsed =
        !text.ok() ? base::Result<docker::DockerConfig>(text.status())
                   : (legacy ? docker::ParseLegacyDockerConfig(**text) : docker::ParseDockerConfig(**text));
    if (!parsed.ok()) {
      spdlog::warn("Ignoring the Docker client config {}: {}", *path, parsed.status().message());
      loaded.note = "the Docker client config " + *path + " is unusable";
      return loaded;
    }
    loaded.config = std::move(parsed).value();
    loaded.path = *path;
    return loaded;
  }
  loaded.note = "no Docker client config at " + paths.config_json;
  return loaded;
}

asio::awaitable<RegistryAuthExtension::Found> RegistryAuthExtension::AskHelper(const docker::CredentialSource& source,
                                                                               const std::string& key,
                                                                               const std::string& path) {
  const std::string program_name = docker::CredentialHelperProgram(source.name);
  const char* via = source.kind == docker::CredentialSource::Kind::kCredHelper ? "credHelpers" : "credsStore";
  const std::optional<std::string> search_path = options_.getenv("PATH");
  const std::optional<std::string> program = docker::FindCredentialHelper(source.name, search_path.value_or(""));
  if (!program) {
    spdlog::warn("{} of {} names {} for {}, but it is not on PATH", via, path, program_name, key);
    co_return Found{{}, program_name + " (" + via + ") is not on PATH"};
  }
  docker::CredentialHelperCall call;
  call.program = *program;
  call.server_key = key;
  call.environment = options_.helper_environment;
  call.deadline = base::After(options_.helper_timeout);
  base::Result<std::optional<docker::RegistryCredentials>> answer = co_await docker::GetFromCredentialHelper(call);
  if (!answer.ok()) {
    spdlog::warn("Credential helper failed: {}", answer.status().message());
    co_return Found{{}, program_name + " (" + via + ") failed"};
  }
  if (!*answer) co_return Found{{}, program_name + " (" + via + ") has no entry for it"};
  co_return Found{**answer, *program + " (" + via + " in " + path + ")"};
}

asio::awaitable<RegistryAuthExtension::Found> RegistryAuthExtension::Lookup(std::string key) {
  const LoadedConfig loaded = LoadConfig();
  if (loaded.path.empty()) co_return Found{{}, loaded.note};
  const std::optional<std::string> search_path = options_.getenv("PATH");
  auto installed = [&](std::string_view helper) {
    return docker::FindCredentialHelper(helper, search_path.value_or("")).has_value();
  };
  const docker::CredentialSource source = docker::ChooseCredentialSource(loaded.config, key, installed);
  using Kind = docker::CredentialSource::Kind;
  if (source.kind != Kind::kCredHelper && !loaded.config.creds_store.empty() &&
      !installed(loaded.config.creds_store)) {
    spdlog::warn("credsStore of {} names {}, which is not on PATH; using its auths as Docker does", loaded.path,
                 docker::CredentialHelperProgram(loaded.config.creds_store));
  }
  Found found{{}, "no entry in " + loaded.path};
  if (source.kind == Kind::kCredHelper || source.kind == Kind::kCredsStore) {
    Found asked = co_await AskHelper(source, key, loaded.path);
    found = std::move(asked);
  } else if (source.kind == Kind::kAuths) {
    found.credentials = docker::FindAuthsEntry(loaded.config, source.name, docker::KeyMatch::kExact)->second;
    found.source = "auths entry '" + source.name + "' of " + loaded.path;
    if (found.credentials.empty()) found.source += ", which is empty";
  }
  if (!found.credentials.empty() || key == options_.docker_repository) co_return found;
  // Upstream sent this one entry with every pull.
  const auto* upstream = docker::FindAuthsEntry(loaded.config, options_.docker_repository, docker::KeyMatch::kExact);
  if (!upstream || upstream->second.empty()) co_return found;
  co_return Found{upstream->second, "auths entry '" + upstream->first + "' of " + loaded.path +
                                        " (EXECUTOR_DOCKER_REPOSITORY, as upstream; the registry has none of its own: " +
                                        found.source + ")"};
}

asio::awaitable<base::Status> RegistryAuthExtension::PrepareLaunch(LaunchPreparation& preparation) {
  const base::Result<docker::ImageReference> reference = docker::ParseImageReference(preparation.plan.config.image);
  if (!reference.ok()) co_return base::Status::Ok();  // the pull reports the bad reference
  const std::string key = reference->CredentialKey();
  const Found found = co_await Lookup(key);
  if (found.credentials.empty()) {
    spdlog::info("No registry credentials for {}: {}; a pull goes out anonymously", key, found.source);
    co_return base::Status::Ok();
  }
  Redactor& redactor = GlobalRedactor();
  redactor.AddSecret(found.credentials.password);
  redactor.AddSecret(found.credentials.identity_token);
  redactor.AddSecret(found.credentials.registry_token);
  preparation.registry_auth = docker::RegistryAuthHeader(found.credentials, key);
  spdlog::info("Registry credentials for {}: {} from {}", key, Describe(found.credentials), found.source);
  co_return base::Status::Ok();
}

}  // namespace executor
