#include "vault/secret_reader.h"

namespace vault {

namespace asio = boost::asio;

asio::awaitable<base::Result<MountInfo>> SecretReader::MountOf(std::string path) {
  for (const MountInfo& mount : mounts_) {
    if (mount.Contains(path)) co_return mount;
  }
  if (preflight_unsupported_) co_return MountInfo{};
  const base::Result<Reply> reply = co_await client_.Get("sys/internal/ui/mounts/" + path);
  if (!reply.ok()) {
    // The Vault CLI's rule: no such endpoint means a server older than KV v2.
    if (reply.status().code() == base::StatusCode::kNotFound) {
      preflight_unsupported_ = true;
      co_return MountInfo{};
    }
    co_return reply.status().Wrap("cannot find the mount of " + path);
  }
  base::Result<MountInfo> mount = ParseMountInfo(reply->body);
  if (!mount.ok()) co_return mount.status().Wrap("cannot find the mount of " + path);
  if (mount->Contains(path)) mounts_.push_back(*mount);
  co_return mount;
}

asio::awaitable<base::Result<std::string>> SecretReader::Read(SecretRef ref) {
  const base::Result<MountInfo> mount = co_await MountOf(ref.path);
  if (!mount.ok()) co_return mount.status();
  const std::string read_path = KvReadPath(*mount, ref.path);
  const base::Result<Reply> reply = co_await client_.Get(read_path);
  if (!reply.ok()) co_return reply.status();
  const std::string where = " (KV v" + std::to_string(mount->kv_version) + ", GET /v1/" + read_path + ")";
  if (reply->status != 200) {
    co_return base::Status::NotFound("Vault answered " + std::to_string(reply->status) + " without a secret" + where);
  }
  base::Result<std::string> value = SecretField(reply->body, mount->kv_version, ref.field);
  if (!value.ok()) co_return base::Status::Error(value.status().code(), value.status().message() + where);
  client_.NoteSecret(*value);
  co_return value;
}

}  // namespace vault
