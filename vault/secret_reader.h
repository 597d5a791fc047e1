// SecretReader: resolves vault:// references against Vault.
//
// The KV version of a mount is asked once (kv.h) and kept for the life of
// the reader, which is the executor's life: one preflight per mount, then
// one GET per reference.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "base/status.h"
#include "vault/client.h"
#include "vault/kv.h"
#include "vault/secret_ref.h"

namespace vault {

class SecretReader {
 public:
  explicit SecretReader(Client& client) : client_(client) {}

  // The field's value, already reported to the client's secret sink.
  // NotFound for a missing secret or field; other codes from the client.
  // Messages name paths, never values.
  boost::asio::awaitable<base::Result<std::string>> Read(SecretRef ref);

 private:
  boost::asio::awaitable<base::Result<MountInfo>> MountOf(std::string path);

  Client& client_;
  std::vector<MountInfo> mounts_;
  bool preflight_unsupported_ = false;  // a server without sys/internal/ui/mounts: all KV v1
};

}  // namespace vault
