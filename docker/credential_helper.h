// Docker's credential helper protocol (docker-engine-api.md §3.3), the `get`
// action only: `docker-credential-<name> get` with the server key on stdin
// (no trailing newline) answers {"ServerURL","Username","Secret"} on stdout,
// or exits non-zero with "credentials not found" when it has no entry.
//
// The secret travels through pipes only, never through argv. The helper's
// stderr is discarded: what a failing helper has to say is on its stdout.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "base/child_process.h"
#include "base/deadline.h"
#include "base/status.h"
#include "docker/docker_config.h"

namespace docker {

// "docker-credential-<name>".
std::string CredentialHelperProgram(std::string_view name);

// The helper's executable in `search_path` (a PATH value), or nullopt.
std::optional<std::string> FindCredentialHelper(std::string_view name, std::string_view search_path);

// A helper's answer to `get`: credentials (Username "<token>" makes Secret
// an identity token), nullopt for "credentials not found", or Failed with
// what the helper said. Never quotes a successful answer: it holds the secret.
base::Result<std::optional<RegistryCredentials>> ParseCredentialHelperAnswer(const base::ExitStatus& exit,
                                                                             std::string_view output);

struct CredentialHelperCall {
  std::string program;            // path of docker-credential-<name>
  std::string server_key;         // "127.0.0.1:5000", "https://index.docker.io/v1/"
  base::Environment environment;  // the helper's complete environment
  base::Deadline deadline;         // then the helper is killed
};

// Runs `<program> get` on the caller's io_context. Failures name the program
// and the server key.
boost::asio::awaitable<base::Result<std::optional<RegistryCredentials>>> GetFromCredentialHelper(
    CredentialHelperCall call);

}  // namespace docker
