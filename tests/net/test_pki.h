// Certificates for the TLS tests, made at run time with OpenSSL (no key
// material checked in, nothing to expire): a CA, a server certificate for
// localhost and 127.0.0.1, a client certificate, and an unrelated CA.
#pragma once

#include <string>

namespace test {

struct TestPki {
  std::string ca_file;        // the CA that signed the server and client
  std::string ca_dir;         // the same CA in a hashed directory (a CA path)
  std::string other_ca_file;  // a CA that signed nothing here
  std::string server_cert_file;
  std::string server_key_file;
  std::string client_cert_file;
  std::string client_key_file;
};

// Writes the PEM files into `dir` (which must exist), the CA path below it.
TestPki WriteTestPki(const std::string& dir);

}  // namespace test
