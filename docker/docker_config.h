// The credentials part of the Docker client's configuration
// (docker-engine-api.md §3): where config.json lives, what it holds, which
// of its sources a registry's credentials come from, and the X-Registry-Auth
// value that carries them to the daemon, which never reads these files.
//
// Pure: the caller reads the files and runs credential helpers
// (credential_helper.h).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace docker {

struct RegistryCredentials {
  std::string username;
  std::string password;
  std::string identity_token;  // OAuth refresh token: sent instead of username and password
  std::string registry_token;  // bearer token for the registry (`registrytoken`, as upstream)

  bool empty() const;
  bool operator==(const RegistryCredentials&) const = default;
};

struct DockerConfig {
  // `auths` in file order: server key -> credentials. An entry may be empty
  // (`{}`) when a credential store holds the secret.
  std::vector<std::pair<std::string, RegistryCredentials>> auths;
  std::map<std::string, std::string, std::less<>> cred_helpers;  // server key -> helper name
  std::string creds_store;                                       // helper for every registry
};

// config.json. Unknown keys are ignored. `auth` (base64 of "user:password",
// split at the first ':') wins over `username`/`password`, as in Docker.
// Invalid, naming the key, when the document or an entry is malformed.
base::Result<DockerConfig> ParseDockerConfig(std::string_view json);

// The legacy ~/.dockercfg in its JSON form: the `auths` map at top level.
base::Result<DockerConfig> ParseLegacyDockerConfig(std::string_view json);

struct DockerConfigPaths {
  std::string config_json;  // empty when there is no home to look in
  std::string legacy;       // read only when config_json does not exist; may be empty
};

// `$DOCKER_CONFIG/config.json` when DOCKER_CONFIG is set (and not empty),
// else `<home>/.docker/config.json`; the legacy file is `<home>/.dockercfg`
// either way (as in the Docker CLI and upstream).
DockerConfigPaths LocateDockerConfig(const std::optional<std::string>& docker_config, std::string_view home);

// Docker's ConvertToHostname: "https://127.0.0.1:5000/v2/" -> "127.0.0.1:5000".
std::string_view HostnameOfKey(std::string_view key);

enum class KeyMatch {
  kDocker,  // the exact key, else the first key (in file order) whose hostname is `key`
  kExact,   // only the exact key (upstream's EXECUTOR_DOCKER_REPOSITORY lookup)
};

// The `auths` entry for a server key, or null.
const std::pair<std::string, RegistryCredentials>* FindAuthsEntry(const DockerConfig& config, std::string_view key,
                                                                  KeyMatch match = KeyMatch::kDocker);

struct CredentialSource {
  enum class Kind {
    kNone,        // no source names this registry: anonymous
    kCredHelper,  // credHelpers[key]
    kCredsStore,  // credsStore
    kAuths,       // the auths entry `name`
  };
  Kind kind = Kind::kNone;
  std::string name;  // the helper (docker-credential-<name>), or the auths key
};

// Docker's order (§3.2): credHelpers[key] (exact key) -> credsStore -> auths.
// A credsStore whose helper is not `installed` is skipped, as the Docker CLI
// does; a credHelpers entry is returned whether installed or not.
CredentialSource ChooseCredentialSource(const DockerConfig& config, std::string_view key,
                                        const std::function<bool(std::string_view helper)>& installed);

inline constexpr std::string_view kAnonymousRegistryAuth = "e30=";  // base64url("{}")

// The X-Registry-Auth value (§2.4): base64url with padding of
// {"identitytoken","serveraddress"} when there is an identity token, else
// {"registrytoken","serveraddress"} when there is a registry token, else
// {"username","password","serveraddress"}; "e30=" for empty credentials.
std::string RegistryAuthHeader(const RegistryCredentials& credentials, std::string_view server_address);

}  // namespace docker
