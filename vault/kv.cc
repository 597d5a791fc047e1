#include "vault/kv.h"

#include <boost/json/serialize.hpp>

namespace vault {

namespace json = boost::json;

bool MountInfo::Contains(std::string_view secret_path) const {
  if (path.empty()) return false;
  const std::string_view mount = std::string_view(path).substr(0, path.size() - 1);  // without '/'
  return secret_path == mount || secret_path.starts_with(path);
}

base::Result<MountInfo> ParseMountInfo(const json::object& envelope) {
  const json::value* data = envelope.if_contains("data");
  if (!data || !data->is_object()) return base::Status::Failed("Vault's mount information has no data");
  MountInfo mount;
  const json::value* path = data->as_object().if_contains("path");
  if (path && path->is_string()) mount.path = std::string(path->as_string());
  if (!mount.path.empty() && mount.path.back() != '/') mount.path += '/';
  const json::value* options = data->as_object().if_contains("options");
  if (options && options->is_object()) {
    const json::value* version = options->as_object().if_contains("version");
    if (version && version->is_string() && version->as_string() == "2") mount.kv_version = 2;
  }
  return mount;
}

std::string KvReadPath(const MountInfo& mount, std::string_view secret_path) {
  if (mount.kv_version != 2 || !mount.Contains(secret_path)) return std::string(secret_path);
  const std::string_view rest = secret_path.size() > mount.path.size() ? secret_path.substr(mount.path.size())
                                                                        : std::string_view();
  return mount.path + "data/" + std::string(rest);
}

base::Result<std::string> SecretField(const json::object& envelope, int kv_version, std::string_view field) {
  const json::value* data = envelope.if_contains("data");
  if (data && kv_version == 2 && data->is_object()) data = data->as_object().if_contains("data");
  if (!data || !data->is_object()) return base::Status::NotFound("the secret has no data");
  const json::value* value = data->as_object().if_contains(field);
  if (!value || value->is_null()) return base::Status::NotFound("the secret has no field \"" + std::string(field) + "\"");
  if (value->is_string()) return std::string(value->as_string());
  return json::serialize(*value);
}

}  // namespace vault
