// RegistryAuthExtension: the credentials for the task image's registry,
// found as the Docker CLI finds them, become the pull's X-Registry-Auth
// (LaunchPreparation::registry_auth).
//
// Source: the Docker client config, `$DOCKER_CONFIG/config.json`, else
// `~/.docker/config.json` (~ = HOME, or the passwd entry of our uid when the
// agent gives no HOME; HOME itself is never changed), else the legacy
// `~/.dockercfg`. Lookup by the image's credential key (docker-engine-api.md
// §3.2): credHelpers[key] -> credsStore -> auths (exact key, then keys
// reduced to a hostname). Helpers run as `docker-credential-<name> get`
// from PATH, with the executor's environment, bounded by
// EXECUTOR_DOCKER_TIMEOUT.
//
// Upstream compatibility (EXECUTOR_DOCKER_REPOSITORY): upstream sent the
// auths entry keyed exactly by that setting with every pull, whatever the
// registry. Here that entry is used only for a registry that has no
// credentials of its own.
//
// Nothing here fails a launch: the image may be present and need no pull.
// A missing or failing helper, or an unreadable config, is logged as a
// warning and the pull goes out anonymously; a registry that needs
// credentials then fails it with "authentication failed for registry ...".
// Secrets go to GlobalRedactor() before anything is logged; the log names
// the source and the user, never a password or token.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/child_process.h"
#include "base/deadline.h"
#include "docker/docker_config.h"
#include "executor/executor.h"
#include "executor/task_extension.h"

namespace executor {

struct RegistryAuthOptions {
  // Reads DOCKER_CONFIG, HOME and PATH.
  std::function<std::optional<std::string>(std::string_view)> getenv;
  // What credential helpers run with, as under the Docker CLI: the
  // executor's environment (plus HOME when it has none).
  base::Environment helper_environment;
  std::string docker_repository;        // EXECUTOR_DOCKER_REPOSITORY
  base::Clock::duration helper_timeout;  // per helper run
};

// The options of this process: `config`'s getenv and settings, and the
// process environment for the helpers.
RegistryAuthOptions RegistryAuthOptionsFor(const ExecutorConfig& config);

// Docker's home directory: `home` (the HOME variable) when set and not
// empty, else the passwd entry of the current uid; empty if neither exists.
std::string HomeDirectory(const std::optional<std::string>& home);

class RegistryAuthExtension : public TaskExtension {
 public:
  explicit RegistryAuthExtension(RegistryAuthOptions options);

  boost::asio::awaitable<base::Status> PrepareLaunch(LaunchPreparation& preparation) override;

 private:
  struct Found {
    docker::RegistryCredentials credentials;
    std::string source;  // for the log: where they came from, or why there are none
  };
  struct LoadedConfig {
    docker::DockerConfig config;
    std::string path;  // the file read; empty when none was found
    std::string note;  // why none was usable
  };

  LoadedConfig LoadConfig() const;
  boost::asio::awaitable<Found> Lookup(std::string key);
  boost::asio::awaitable<Found> AskHelper(const docker::CredentialSource& source, const std::string& key,
                                          const std::string& path);

  RegistryAuthOptions options_;
};

}  // namespace executor
