#include "tests/net/test_pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace test {
namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;
using Extensions = std::vector<std::pair<int, std::string>>;

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

KeyPtr NewKey() {
  KeyPtr key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  Check(key != nullptr, "EVP_EC_gen");
  return key;
}

// Issues a certificate for `key`; self-signed when `issuer` is null.
CertPtr Issue(EVP_PKEY* key, const char* common_name, X509* issuer, EVP_PKEY* issuer_key,
              const Extensions& extensions) {
  static long serial = 1;
  CertPtr cert(X509_new(), X509_free);
  Check(cert != nullptr, "X509_new");
  X509* x = cert.get();
  Check(X509_set_version(x, X509_VERSION_3) == 1, "X509_set_version");
  Check(ASN1_INTEGER_set(X509_get_serialNumber(x), serial++) == 1, "serial");
  Check(X509_gmtime_adj(X509_getm_notBefore(x), -3600) != nullptr, "notBefore");
  Check(X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600) != nullptr, "notAfter");
  Check(X509_set_pubkey(x, key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(x);
  Check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(common_name), -1, -1,
                                   0) == 1,
        "subject");
  Check(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) == 1, "issuer");
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer ? issuer : x, x, nullptr, nullptr, 0);
  for (const auto& [nid, value] : extensions) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
    Check(extension != nullptr, value.c_str());
    const int added = X509_add_ext(x, extension, -1);
    X509_EXTENSION_free(extension);
    Check(added == 1, "X509_add_ext");
  }
  Check(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

void WriteCert(const std::string& path, X509* cert) {
  FILE* file = std::fopen(path.c_str(), "w");
  Check(file != nullptr, path.c_str());
  const int written = PEM_write_X509(file, cert);
  std::fclose(file);
  Check(written == 1, "PEM_write_X509");
}

void WriteKey(const std::string& path, EVP_PKEY* key) {
  FILE* file = std::fopen(path.c_str(), "w");
  Check(file != nullptr, path.c_str());
  const int written = PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(file);
  Check(written == 1, "PEM_write_PrivateKey");
}

const Extensions kCaExtensions = {
    {NID_basic_constraints, "critical,CA:TRUE"},
    {NID_key_usage, "critical,keyCertSign,cRLSign"},
    {NID_subject_key_identifier, "hash"},
};

}  // namespace

TestPki WriteTestPki(const std::string& dir) {
  TestPki pki;
  pki.ca_file = dir + "/ca.pem";
  pki.other_ca_file = dir + "/other-ca.pem";
  pki.server_cert_file = dir + "/server.pem";
  pki.server_key_file = dir + "/server-key.pem";
  pki.client_cert_file = dir + "/client.pem";
  pki.client_key_file = dir + "/client-key.pem";

  KeyPtr ca_key = NewKey();
  CertPtr ca = Issue(ca_key.get(), "sidecar test CA", nullptr, nullptr, kCaExtensions);
  WriteCert(pki.ca_file, ca.get());
  // OpenSSL finds a CA in a directory by the hash of its subject name.
  pki.ca_dir = dir + "/ca.d";
  std::filesystem::create_directory(pki.ca_dir);
  char hashed_name[16];
  std::snprintf(hashed_name, sizeof hashed_name, "%08lx.0", X509_subject_name_hash(ca.get()));
  WriteCert(pki.ca_dir + "/" + hashed_name, ca.get());

  KeyPtr other_key = NewKey();
  CertPtr other = Issue(other_key.get(), "unrelated test CA", nullptr, nullptr, kCaExtensions);
  WriteCert(pki.other_ca_file, other.get());

  KeyPtr server_key = NewKey();
  CertPtr server = Issue(server_key.get(), "localhost", ca.get(), ca_key.get(),
                         {{NID_basic_constraints, "CA:FALSE"},
                          {NID_ext_key_usage, "serverAuth"},
                          {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
                          {NID_authority_key_identifier, "keyid"}});
  WriteCert(pki.server_cert_file, server.get());
  WriteKey(pki.server_key_file, server_key.get());

  KeyPtr client_key = NewKey();
  CertPtr client = Issue(client_key.get(), "sidecar-executor", ca.get(), ca_key.get(),
                         {{NID_basic_constraints, "CA:FALSE"},
                          {NID_ext_key_usage, "clientAuth"},
                          {NID_authority_key_identifier, "keyid"}});
  WriteCert(pki.client_cert_file, client.get());
  WriteKey(pki.client_key_file, client_key.get());
  return pki;
}

}  // namespace test
