// OpenSSL 3, loaded at run time on the first TLS use.
//
// Why not link it: an agent runs hundreds of executors, and merely linking
// libssl + libcrypto costs each of them ~560 KB of private memory (their
// relocated read-only data), although most executors only ever talk plain
// HTTP over a Unix socket or TCP. So the binary references no OpenSSL symbol;
// the few functions TLS needs are resolved with dlsym from libssl.so.3 (which
// brings libcrypto.so.3) when a TLS endpoint is first used. The OpenSSL
// headers are included for declarations and constants only.
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "base/status.h"

namespace net {

// Every OpenSSL function the TLS stream calls, in one place. Macros such as
// SSL_set_tlsext_host_name or BIO_set_mem_eof_return are calls of SSL_ctrl /
// BIO_ctrl, so those are listed instead.
#define NET_OPENSSL_FUNCTIONS(X)                                                               \
  X(TLS_client_method) X(SSL_CTX_new) X(SSL_CTX_free) X(SSL_CTX_load_verify_locations)         \
  X(SSL_CTX_set_default_verify_paths) X(SSL_CTX_use_certificate_chain_file)                    \
  X(SSL_CTX_use_PrivateKey_file) X(SSL_CTX_set_verify) X(SSL_new) X(SSL_free) X(SSL_ctrl)      \
  X(SSL_set_bio) X(SSL_set_connect_state) X(SSL_set1_host) X(SSL_get0_param)                   \
  X(SSL_do_handshake) X(SSL_read_ex) X(SSL_write_ex) X(SSL_get_error) X(SSL_get_verify_result) \
  X(BIO_new) X(BIO_s_mem) X(BIO_read) X(BIO_write) X(BIO_ctrl) X(ERR_clear_error)              \
  X(ERR_get_error) X(ERR_reason_error_string) X(X509_VERIFY_PARAM_set1_ip_asc)                 \
  X(X509_verify_cert_error_string)

// Pointers to those functions, named as in OpenSSL: api.SSL_new(ctx).
struct OpenSslApi {
#define NET_OPENSSL_MEMBER(name) decltype(&::name) name = nullptr;
  NET_OPENSSL_FUNCTIONS(NET_OPENSSL_MEMBER)
#undef NET_OPENSSL_MEMBER
};

inline constexpr const char* kLibSsl = "libssl.so.3";

// The process-wide API from libssl.so.3, loaded by the first call and kept
// for the life of the process. Fails with "libssl.so.3 cannot be loaded:
// <dlerror>" when the library or one of the functions is missing.
base::Result<const OpenSslApi*> OpenSsl();

// Loads `library` and resolves the functions, without caching. OpenSsl() is
// built on it; tests use it to see the failure paths.
base::Result<OpenSslApi> LoadOpenSsl(const char* library);

}  // namespace net
