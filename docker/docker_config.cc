#include "docker/docker_config.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

#include "base/base64.h"

namespace docker {
namespace json = boost::json;
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Go's encoding/json, which reads the file for Docker: the exact field name,
// else one that differs only in case.
const json::value* Field(const json::object& object, std::string_view name) {
  if (const json::value* exact = object.if_contains(name)) return exact;
  for (const auto& [key, value] : object) {
    if (EqualsIgnoringCase(key, name)) return &value;
  }
  return nullptr;
}

// A string field; absent or null is empty. Messages never quote values:
// they may be secrets.
base::Status ReadString(const json::object& object, std::string_view name, std::string_view where,
                        std::string& out) {
  const json::value* value = Field(object, name);
  if (!value || value->is_null()) return base::Status::Ok();
  if (!value->is_string()) {
    return base::Status::Invalid(std::string(where) + ": \"" + std::string(name) + "\" is not a string");
  }
  out = std::string(value->as_string());
  return base::Status::Ok();
}

base::Result<RegistryCredentials> ParseAuthsEntry(std::string_view key, const json::value& value) {
  const std::string where = "auths entry '" + std::string(key) + "'";
  if (!value.is_object()) return base::Status::Invalid(where + " is not an object");
  const json::object& entry = value.as_object();
  RegistryCredentials credentials;
  std::string auth;
  for (const auto& [name, field] : {std::pair<std::string_view, std::string*>{"username", &credentials.username},
                                    {"password", &credentials.password},
                                    {"identitytoken", &credentials.identity_token},
                                    {"registrytoken", &credentials.registry_token},
                                    {"auth", &auth}}) {
    if (base::Status read = ReadString(entry, name, where, *field); !read.ok()) return read;
  }
  if (!auth.empty()) {
    const std::optional<std::string> decoded = base::Base64Decode(auth);
    const std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return base::Status::Invalid(where + ": \"auth\" is not base64 of user:password");
    }
    credentials.username = decoded->substr(0, colon);
    credentials.password = decoded->substr(colon + 1);
  }
  return credentials;
}

base::Status ParseAuths(const json::object& auths, DockerConfig& config) {
  for (const auto& [key, value] : auths) {
    base::Result<RegistryCredentials> entry = ParseAuthsEntry(key, value);
    if (!entry.ok()) return entry.status();
    config.auths.emplace_back(std::string(key), std::move(entry).value());
  }
  return base::Status::Ok();
}

base::Result<json::object> ParseObject(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) return base::Status::Invalid("not JSON (" + ec.message() + ")");
  if (!value.is_object()) return base::Status::Invalid("not a JSON object");
  return std::move(value.as_object());
}

}  // namespace

bool RegistryCredentials::empty() const {
  return username.empty() && password.empty() && identity_token.empty() && registry_token.empty();
}

base::Result<DockerConfig> ParseDockerConfig(std::string_view text) {
  base::Result<json::object> document = ParseObject(text);
  if (!document.ok()) return document.status();
  DockerConfig config;
  if (const json::value* auths = Field(*document, "auths"); auths && !auths->is_null()) {
    if (!auths->is_object()) return base::Status::Invalid("\"auths\" is not an object");
    if (base::Status parsed = ParseAuths(auths->as_object(), config); !parsed.ok()) return parsed;
  }
  if (const json::value* helpers = Field(*document, "credHelpers"); helpers && !helpers->is_null()) {
    if (!helpers->is_object()) return base::Status::Invalid("\"credHelpers\" is not an object");
    for (const auto& [key, helper] : helpers->as_object()) {
      if (!helper.is_string()) {
        return base::Status::Invalid("credHelpers entry '" + std::string(key) + "' is not a string");
      }
      config.cred_helpers.emplace(std::string(key), std::string(helper.as_string()));
    }
  }
  if (base::Status read = ReadString(*document, "credsStore", "config", config.creds_store); !read.ok()) return read;
  return config;
}

base::Result<DockerConfig> ParseLegacyDockerConfig(std::string_view text) {
  base::Result<json::object> document = ParseObject(text);
  if (!document.ok()) return document.status();
  DockerConfig config;
  if (base::Status parsed = ParseAuths(*document, config); !parsed.ok()) return parsed;
  return config;
}

DockerConfigPaths LocateDockerConfig(const std::optional<std::string>& docker_config, std::string_view home) {
  DockerConfigPaths paths;
  const std::string home_dir = home.empty() ? std::string() : std::string(home) + (home.ends_with('/') ? "" : "/");
  if (docker_config && !docker_config->empty()) {
    paths.config_json = *docker_config + (docker_config->ends_with('/') ? "" : "/") + "config.json";
  } else if (!home_dir.empty()) {
    paths.config_json = home_dir + ".docker/config.json";
  }
  if (!home_dir.empty()) paths.legacy = home_dir + ".dockercfg";
  return paths;
}

std::string_view HostnameOfKey(std::string_view key) {
  if (key.starts_with("http://")) {
    key.remove_prefix(7);
  } else if (key.starts_with("https://")) {
    key.remove_prefix(8);
  }
  return key.substr(0, key.find('/'));
}

const std::pair<std::string, RegistryCredentials>* FindAuthsEntry(const DockerConfig& config, std::string_view key,
                                                                  KeyMatch match) {
  for (const auto& entry : config.auths) {
    if (entry.first == key) return &entry;
  }
  if (match == KeyMatch::kExact) return nullptr;
  for (const auto& entry : config.auths) {
    if (HostnameOfKey(entry.first) == key) return &entry;
  }
  return nullptr;
}

CredentialSource ChooseCredentialSource(const DockerConfig& config, std::string_view key,
                                        const std::function<bool(std::string_view helper)>& installed) {
  if (auto helper = config.cred_helpers.find(key); helper != config.cred_helpers.end()) {
    return {CredentialSource::Kind::kCredHelper, helper->second};
  }
  if (!config.creds_store.empty() && installed(config.creds_store)) {
    return {CredentialSource::Kind::kCredsStore, config.creds_store};
  }
  if (const auto* entry = FindAuthsEntry(config, key)) return {CredentialSource::Kind::kAuths, entry->first};
  return {};
}

std::string RegistryAuthHeader(const RegistryCredentials& credentials, std::string_view server_address) {
  if (credentials.empty()) return std::string(kAnonymousRegistryAuth);
  json::object body;
  if (!credentials.identity_token.empty()) {
    body["identitytoken"] = credentials.identity_token;
  } else if (!credentials.registry_token.empty()) {
    body["registrytoken"] = credentials.registry_token;
  } else {
    body["username"] = credentials.username;
    body["password"] = credentials.password;
  }
  body["serveraddress"] = server_address;
  return base::Base64Encode(json::serialize(body), base::Base64Alphabet::kUrlSafe);
}

}  // namespace docker
