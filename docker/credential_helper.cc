#include "docker/credential_helper.h"

#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <memory>

namespace docker {
namespace asio = boost::asio;
namespace json = boost::json;
namespace {

// Far more than any {"ServerURL","Username","Secret"} answer.
constexpr std::size_t kMaxAnswer = 64 * 1024;
// What a failing helper said, as much as goes into a message.
constexpr std::size_t kMaxQuoted = 200;
// The identity-token marker in Username.
constexpr std::string_view kTokenUsername = "<token>";
constexpr std::string_view kNotFound = "credentials not found";

std::string_view Trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool IsExecutableFile(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string CredentialHelperProgram(std::string_view name) { return "docker-credential-" + std::string(name); }

std::optional<std::string> FindCredentialHelper(std::string_view name, std::string_view search_path) {
  const std::string program = CredentialHelperProgram(name);
  if (name.empty() || name.find('/') != std::string_view::npos) return std::nullopt;
  while (!search_path.empty()) {
    const std::size_t colon = search_path.find(':');
    const std::string_view dir = search_path.substr(0, colon);
    search_path.remove_prefix(colon == std::string_view::npos ? search_path.size() : colon + 1);
    // Relative entries (and "" = the working directory) would make the
    // answer depend on where the executor happens to run.
    if (!dir.starts_with('/')) continue;
    std::string candidate = std::string(dir) + (dir.ends_with('/') ? "" : "/") + program;
    if (IsExecutableFile(candidate)) return candidate;
  }
  return std::nullopt;
}

base::Result<std::optional<RegistryCredentials>> ParseCredentialHelperAnswer(const base::ExitStatus& exit,
                                                                             std::string_view output) {
  const std::string_view said = Trim(output);
  if (!exit.success()) {
    if (said.find(kNotFound) != std::string_view::npos) return std::optional<RegistryCredentials>();
    std::string message = exit.ToString();
    if (!said.empty()) message += ": " + std::string(said.substr(0, kMaxQuoted));
    return base::Status::Failed(std::move(message));
  }
  boost::system::error_code ec;
  const json::value answer = json::parse(said, ec);
  const json::object* fields = ec ? nullptr : answer.if_object();
  const json::value* username = fields ? fields->if_contains("Username") : nullptr;
  const json::value* secret = fields ? fields->if_contains("Secret") : nullptr;
  if (!username || !username->is_string() || !secret || !secret->is_string()) {
    return base::Status::Failed("answered with something other than a {\"Username\",\"Secret\"} object");
  }
  RegistryCredentials credentials;
  if (username->as_string() == kTokenUsername) {
    credentials.identity_token = std::string(secret->as_string());
  } else {
    credentials.username = std::string(username->as_string());
    credentials.password = std::string(secret->as_string());
  }
  if (credentials.empty()) return std::optional<RegistryCredentials>();
  return std::optional<RegistryCredentials>(std::move(credentials));
}

asio::awaitable<base::Result<std::optional<RegistryCredentials>>> GetFromCredentialHelper(CredentialHelperCall call) {
  const std::string what = call.program + " get for " + call.server_key;
  base::SpawnOptions options;
  options.path = call.program;
  options.args.push_back("get");
  options.environment = std::move(call.environment);
  options.stderr_file = "/dev/null";
  options.input = call.server_key;
  options.capture_stdout_limit = kMaxAnswer;
  const auto executor = co_await asio::this_coro::executor;
  base::Result<std::unique_ptr<base::ChildProcess>> child = base::ChildProcess::Spawn(executor, options);
  if (!child.ok()) co_return child.status().Wrap(what);
  // On every way out the child's destructor kills whatever is left of it.
  const base::Result<base::ExitStatus> exit = co_await (*child)->WaitExit(call.deadline);
  if (!exit.ok()) co_return base::Status::Timeout(what + ": no answer in time");
  if ((*child)->stdout_truncated()) {
    co_return base::Status::Failed(what + ": answer longer than " + std::to_string(kMaxAnswer) + " bytes");
  }
  base::Result<std::optional<RegistryCredentials>> answer =
      ParseCredentialHelperAnswer(*exit, (*child)->captured_stdout());
  if (!answer.ok()) co_return answer.status().Wrap(what);
  co_return answer;
}

}  // namespace docker
