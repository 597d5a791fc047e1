#include "net/openssl_api.h"

#include <dlfcn.h>

namespace net {

base::Result<OpenSslApi> LoadOpenSsl(const char* library) {
  auto failure = [library] {
    const char* reason = dlerror();
    return base::Status::Failed(std::string(library) + " cannot be loaded: " +
                                (reason ? reason : "unknown error"));
  };
  // RTLD_LOCAL: OpenSSL's symbols stay out of the global namespace; dlsym on
  // the handle still finds libcrypto's, as libssl's dependency.
  void* handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (!handle) return failure();
  OpenSslApi api;
#define NET_OPENSSL_RESOLVE(name)                                        \
  api.name = reinterpret_cast<decltype(api.name)>(dlsym(handle, #name)); \
  if (!api.name) {                                                       \
    base::Status status = failure();                                     \
    dlclose(handle);                                                     \
    return status;                                                       \
  }
  NET_OPENSSL_FUNCTIONS(NET_OPENSSL_RESOLVE)
#undef NET_OPENSSL_RESOLVE
  return api;  // the handle stays open: the pointers live as long as the process
}

base::Result<const OpenSslApi*> OpenSsl() {
  static const base::Result<OpenSslApi> loaded = LoadOpenSsl(kLibSsl);
  if (!loaded.ok()) return loaded.status();
  return &loaded.value();
}

}  // namespace net
