// Key/value secrets, version 1 and 2, behind one vault:// syntax.
//
// Upstream read every path as KV v1. Here the mount's version comes from
// Vault's own metadata (GET sys/internal/ui/mounts/<path>, the Vault CLI's
// preflight, vault-api.md §3.3), and a v2 mount is read at
// <mount>data/<rest> with the secret under data.data, so the same
// vault://secret/app works on both.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "base/status.h"

namespace vault {

struct MountInfo {
  std::string path;  // "secret/" (Vault's trailing slash kept); empty when unknown
  int kv_version = 1;

  bool Contains(std::string_view secret_path) const;
};

// data.path and data.options.version of the preflight answer; options
// null, no version, "" or "1" mean version 1, as for the Vault CLI.
base::Result<MountInfo> ParseMountInfo(const boost::json::object& envelope);

// The API path that reads `secret_path`: unchanged for v1, the mount
// prefix followed by "data/" for v2.
std::string KvReadPath(const MountInfo& mount, std::string_view secret_path);

// The field's value: strings as they are, other JSON values rendered as
// compact JSON (upstream refused them, D17). NotFound when the secret has
// no such field or it is null (also for a deleted v2 version).
base::Result<std::string> SecretField(const boost::json::object& envelope, int kv_version, std::string_view field);

}  // namespace vault
