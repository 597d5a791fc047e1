// Where an HTTP peer lives: a Unix socket or a TCP host:port, optionally TLS.
//
// Every outside system (Mesos agent, Docker, Sidecar, Vault) is reached
// through one of these; the systems' own modules decide how their
// configuration (DOCKER_HOST, EXECUTOR_SIDECAR_URL, VAULT_ADDR, ...) maps here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace net {

struct TlsSettings {
  std::string ca_file;      // PEM bundle that signed the server; empty = system store
  std::string ca_path;      // directory of hashed CA certificates
  std::string cert_file;    // client certificate (PEM), optional
  std::string key_file;     // client key (PEM), required with cert_file
  bool verify = true;       // verify the server's chain and name
  std::string server_name;  // SNI and name check; empty = the endpoint's host
};

struct Endpoint {
  enum class Transport { kUnix, kTcp };

  Transport transport = Transport::kTcp;
  std::string path;  // Unix socket path
  std::string host;  // TCP host name or IP literal (IPv6 without brackets)
  uint16_t port = 0;
  std::optional<TlsSettings> tls;

  static Endpoint Unix(std::string path);
  static Endpoint Tcp(std::string host, uint16_t port);

  // Value for the Host header: "host:port" on TCP, "localhost" on a socket
  // (HTTP/1.1 requires one; daemons accept any).
  std::string HostHeader() const;
  // For log lines: "unix:///var/run/docker.sock", "https://10.0.0.1:2376".
  std::string ToString() const;
};

// An http:// or https:// URL split into where to connect and what to ask.
struct HttpUrl {
  Endpoint endpoint;
  std::string target;  // path + query, at least "/"
};

// Parses "http[s]://host[:port][/path][?query]". The default port follows the
// scheme. https yields an Endpoint with default TlsSettings.
base::Result<HttpUrl> ParseHttpUrl(std::string_view url);

}  // namespace net
