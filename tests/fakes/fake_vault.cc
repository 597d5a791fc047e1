#include "tests/fakes/fake_vault.h"

#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <optional>

#include "base/async_event.h"
#include "tests/fakes/percent_decode.h"

namespace fakes {

namespace asio = boost::asio;
namespace json = boost::json;
namespace http = boost::beast::http;

namespace {

struct Token {
  std::vector<std::string> allowed;
  std::optional<base::Clock::time_point> expires_at;  // none: never expires
  int64_t max_ttl = 0;
  base::Clock::time_point created = base::Clock::now();
  bool revoked = false;
  bool renewable = true;
};

struct Lease {
  std::string role;
  std::string token;  // the token that created it
  base::Clock::time_point issued;
  base::Clock::time_point expires;
  int64_t max_ttl = 0;
  bool renewable = true;
  bool revoked = false;
};

struct Failure {
  unsigned status;
  int count;
  std::string prefix;
};

struct Login {
  std::string secret;
  std::vector<std::string> allowed;
};

std::string Trim(std::string_view text, char c) {
  while (!text.empty() && text.front() == c) text.remove_prefix(1);
  while (!text.empty() && text.back() == c) text.remove_suffix(1);
  return std::string(text);
}

std::string Errors(std::vector<std::string> messages) {
  json::array list;
  for (std::string& message : messages) list.emplace_back(std::move(message));
  json::object body;
  body["errors"] = std::move(list);
  return json::serialize(body);
}

json::object Envelope() {
  json::object envelope;
  envelope["request_id"] = "00000000-0000-4000-8000-000000000000";
  envelope["lease_id"] = "";
  envelope["renewable"] = false;
  envelope["lease_duration"] = 0;
  envelope["data"] = nullptr;
  envelope["wrap_info"] = nullptr;
  envelope["warnings"] = nullptr;
  envelope["auth"] = nullptr;
  return envelope;
}

int64_t Seconds(base::Clock::duration d) {
  return std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

std::optional<int64_t> IntField(const json::object& body, std::string_view key) {
  const json::value* value = body.if_contains(key);
  if (!value) return std::nullopt;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64()) return static_cast<int64_t>(value->as_uint64());
  if (value->is_string()) {  // Vault also takes "3600" (and durations, not modelled here)
    const std::string_view text = value->as_string();
    int64_t parsed = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec == std::errc() && end == text.data() + text.size()) return parsed;
  }
  return std::nullopt;
}

std::string StringField(const json::object& body, std::string_view key) {
  const json::value* value = body.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

}  // namespace

struct FakeVault::State {
  explicit State(asio::any_io_executor executor) : changed(executor) {}

  std::string ns;
  std::map<std::string, int> mounts;  // "secret/" -> version
  std::map<std::string, json::object> secrets;
  std::map<std::string, Token> tokens;
  std::map<std::string, Login> users;
  std::map<std::string, Login> approles;
  int64_t login_ttl = 2764800;
  int64_t login_max_ttl = 2764800;
  std::map<std::string, AwsRoleOptions> aws_roles;
  std::map<std::string, Lease> leases;

  bool sealed = false;
  bool deny_all = false;
  bool silent = false;
  bool reset_all = false;
  bool garbage = false;
  std::vector<Failure> failures;

  std::vector<VaultCall> calls;
  int logins = 0;
  std::vector<std::string> issued_tokens;
  std::vector<std::string> revoked_tokens;
  std::vector<std::string> issued_leases;
  std::vector<std::string> aws_secret_keys;
  std::vector<LeaseRenewal> renewals;
  std::vector<std::string> revoked_leases;
  int counter = 0;
  base::AsyncEvent changed;

  // ---- the answer to one request ------------------------------------------
  struct Answer {
    unsigned status = 200;
    std::string body;
  };

  static Answer Json(unsigned status, const json::object& body) { return Answer{status, json::serialize(body)}; }
  static Answer Error(unsigned status, std::vector<std::string> messages) {
    return Answer{status, Errors(std::move(messages))};
  }
  static Answer Denied() { return Error(403, {"permission denied"}); }
  static Answer NoContent() { return Answer{204, ""}; }

  bool TokenUsable(const std::string& value) const {
    auto it = tokens.find(value);
    if (it == tokens.end() || it->second.revoked) return false;
    return !it->second.expires_at || *it->second.expires_at > base::Clock::now();
  }

  bool Allowed(const std::string& value, std::string_view path) const {
    const Token& token = tokens.at(value);
    if (token.allowed.empty()) return true;
    return std::any_of(token.allowed.begin(), token.allowed.end(),
                       [&](const std::string& prefix) { return path.starts_with(prefix); });
  }

  std::string IssueToken(const std::vector<std::string>& allowed) {
    const std::string value = "hvs.fake-login-" + std::to_string(issued_tokens.size() + 1);
    Token token;
    token.allowed = allowed;
    token.expires_at = base::Clock::now() + std::chrono::seconds(login_ttl);
    token.max_ttl = login_max_ttl;
    tokens[value] = token;
    issued_tokens.push_back(value);
    ++logins;
    return value;
  }

  Answer LoginAnswer(const std::string& token) const {
    json::object auth;
    auth["client_token"] = token;
    auth["accessor"] = "accessor-" + token;
    auth["policies"] = json::array{"default"};
    auth["lease_duration"] = login_ttl;
    auth["renewable"] = true;
    auth["token_type"] = "service";
    auth["orphan"] = true;
    json::object envelope = Envelope();
    envelope["auth"] = std::move(auth);
    return Json(200, envelope);
  }

  Answer LookupAnswer(const std::string& value) const {
    const Token& token = tokens.at(value);
    json::object data;
    data["id"] = value;
    data["ttl"] = token.expires_at ? Seconds(*token.expires_at - base::Clock::now()) : 0;
    data["renewable"] = token.renewable;
    data["policies"] = json::array{"default"};
    data["type"] = "service";
    json::object envelope = Envelope();
    envelope["data"] = std::move(data);
    return Json(200, envelope);
  }

  Answer Renew(const std::string& value, std::optional<int64_t> increment) {
    Token& token = tokens.at(value);
    const auto now = base::Clock::now();
    const int64_t left_of_max = token.max_ttl > 0 ? token.max_ttl - Seconds(now - token.created) : INT64_MAX;
    const int64_t granted = std::max<int64_t>(0, std::min(increment.value_or(login_ttl), left_of_max));
    token.expires_at = now + std::chrono::seconds(granted);
    json::object auth;
    auth["client_token"] = value;
    auth["lease_duration"] = granted;
    auth["renewable"] = true;
    json::object envelope = Envelope();
    envelope["auth"] = std::move(auth);
    return Json(200, envelope);
  }

  Answer Mounts(const std::string& token, const std::string& rest) const {
    if (rest.empty()) {
      json::object secret;
      for (const auto& [mount, version] : mounts) {
        json::object options;
        options["version"] = std::to_string(version);
        json::object info;
        info["type"] = "kv";
        info["options"] = std::move(options);
        secret[mount] = std::move(info);
      }
      json::object data;
      data["secret"] = std::move(secret);
      data["auth"] = json::object();
      json::object envelope = Envelope();
      envelope["data"] = std::move(data);
      return Json(200, envelope);
    }
    if (!TokenUsable(token)) return Denied();
    for (const auto& [mount, version] : mounts) {
      if (rest == Trim(mount, '/') || rest.starts_with(mount)) {
        if (!Allowed(token, rest)) return Denied();
        json::object data;
        data["path"] = mount;
        data["type"] = "kv";
        data["description"] = "key/value secret storage";
        if (version == 2) {
          json::object options;
          options["version"] = "2";
          data["options"] = std::move(options);
        } else {
          data["options"] = nullptr;
        }
        json::object envelope = Envelope();
        envelope["data"] = std::move(data);
        return Json(200, envelope);
      }
    }
    return Error(403, {"preflight capability check returned 403, please ensure client's policies grant access to "
                       "path \"" + rest + "/\""});
  }

  std::optional<Answer> Kv(const std::string& token, const std::string& path) const {
    for (const auto& [mount, version] : mounts) {
      if (!path.starts_with(mount)) continue;
      if (!TokenUsable(token) || !Allowed(token, path)) return Denied();
      const std::string rest = path.substr(mount.size());
      if (version == 1) {
        auto it = secrets.find(path);
        if (it == secrets.end()) return Error(404, {});
        json::object envelope = Envelope();
        envelope["lease_duration"] = 2764800;
        envelope["data"] = it->second;
        return Json(200, envelope);
      }
      if (!rest.starts_with("data/")) {
        json::object envelope = Envelope();
        envelope["warnings"] = json::array{
            "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints "
            "to use. If using the Vault CLI, use 'vault kv get' for this operation."};
        return Json(404, envelope);
      }
      auto it = secrets.find(mount + rest.substr(5));
      if (it == secrets.end()) return Error(404, {});
      json::object metadata;
      metadata["created_time"] = "2024-03-01T12:00:05.118273645Z";
      metadata["custom_metadata"] = nullptr;
      metadata["deletion_time"] = "";
      metadata["destroyed"] = false;
      metadata["version"] = 1;
      json::object data;
      data["data"] = it->second;
      data["metadata"] = std::move(metadata);
      json::object envelope = Envelope();
      envelope["data"] = std::move(data);
      return Json(200, envelope);
    }
    return std::nullopt;
  }

  Answer AwsCreds(const std::string& token, const std::string& role) {
    auto it = aws_roles.find(role);
    if (it == aws_roles.end()) return Error(400, {"unknown role: " + role});
    const AwsRoleOptions& options = it->second;
    const int n = ++counter;
    char access[32];
    std::snprintf(access, sizeof(access), "AKIAFAKE%012d", n);
    std::string secret = "fakeAwsSecret" + std::to_string(n) + "/";
    secret.resize(40, 'x');
    const std::string lease_id = "aws/creds/" + role + "/" + std::to_string(n);
    Lease lease;
    lease.role = role;
    lease.token = token;
    lease.issued = base::Clock::now();
    lease.expires = lease.issued + std::chrono::seconds(options.lease_duration);
    lease.max_ttl = options.max_ttl;
    lease.renewable = options.renewable && !options.sts;
    leases[lease_id] = lease;
    issued_leases.push_back(lease_id);
    aws_secret_keys.push_back(secret);
    json::object data;
    data["access_key"] = access;
    data["secret_key"] = secret;
    if (options.sts) {
      data["security_token"] = "FakeSessionToken" + std::to_string(n) + "-abcdefghijklmnopqrstuvwxyz";
    } else {
      data["security_token"] = nullptr;
    }
    json::object envelope = Envelope();
    envelope["lease_id"] = lease_id;
    envelope["renewable"] = lease.renewable;
    envelope["lease_duration"] = options.lease_duration;
    envelope["data"] = std::move(data);
    return Json(200, envelope);
  }

  Answer RenewLease(const json::object& body) {
    const std::string id = StringField(body, "lease_id");
    auto it = leases.find(id);
    const auto now = base::Clock::now();
    if (it == leases.end() || it->second.revoked || it->second.expires <= now) return Error(400, {"lease not found"});
    Lease& lease = it->second;
    if (!lease.renewable) return Error(400, {"lease is not renewable"});
    const int64_t asked = IntField(body, "increment").value_or(aws_roles[lease.role].lease_duration);
    const int64_t left_of_max = lease.max_ttl - Seconds(now - lease.issued);
    const int64_t granted = std::max<int64_t>(0, std::min(asked, left_of_max));
    lease.expires = now + std::chrono::seconds(granted);
    renewals.push_back(LeaseRenewal{id, asked, granted});
    json::object envelope = Envelope();
    envelope["lease_id"] = id;
    envelope["renewable"] = true;
    envelope["lease_duration"] = granted;
    return Json(200, envelope);
  }

  void RevokeToken(const std::string& value) {
    tokens.at(value).revoked = true;
    revoked_tokens.push_back(value);
    for (auto& [id, lease] : leases) {
      if (lease.token == value) lease.revoked = true;  // a lease dies with its token
    }
  }

  // The whole routing; `path` is relative to the fake's namespace.
  Answer Route(http::verb method, const std::string& path, const std::string& token, const json::object& body) {
    const bool read = method == http::verb::get;
    const bool write = method == http::verb::put || method == http::verb::post;
    const auto need = [&](bool ok) { return ok ? std::optional<Answer>() : std::optional<Answer>(Error(405, {})); };

    // Logins: no token needed, a stale one ignored.
    if (path.starts_with("auth/userpass/login/")) {
      if (auto bad = need(write)) return *bad;
      std::string user = path.substr(std::string_view("auth/userpass/login/").size());
      std::transform(user.begin(), user.end(), user.begin(), [](unsigned char c) { return std::tolower(c); });
      auto it = users.find(user);
      if (it == users.end() || it->second.secret != StringField(body, "password")) {
        return Error(400, {"invalid username or password"});
      }
      return LoginAnswer(IssueToken(it->second.allowed));
    }
    if (path == "auth/approle/login") {
      if (auto bad = need(write)) return *bad;
      auto it = approles.find(StringField(body, "role_id"));
      if (it == approles.end() || it->second.secret != StringField(body, "secret_id")) {
        return Error(400, {"invalid role or secret ID"});
      }
      return LoginAnswer(IssueToken(it->second.allowed));
    }
    if (path == "sys/internal/ui/mounts") return Mounts(token, "");

    if (deny_all || !TokenUsable(token)) return Denied();
    if (path.starts_with("sys/internal/ui/mounts/")) {
      if (auto bad = need(read)) return *bad;
      return Mounts(token, path.substr(std::string_view("sys/internal/ui/mounts/").size()));
    }
    if (path == "auth/token/lookup-self") return LookupAnswer(token);
    if (path == "auth/token/lookup") {
      if (auto bad = need(write)) return *bad;
      const std::string other = StringField(body, "token");
      if (!TokenUsable(other)) return Error(403, {"bad token"});
      return LookupAnswer(other);
    }
    if (path == "auth/token/renew" || path == "auth/token/renew-self") {
      if (auto bad = need(write)) return *bad;
      const std::string target = path == "auth/token/renew" ? StringField(body, "token") : token;
      if (!TokenUsable(target)) return Error(403, {"bad token"});
      return Renew(target, IntField(body, "increment"));
    }
    if (path == "auth/token/revoke-self") {
      if (auto bad = need(write)) return *bad;
      RevokeToken(token);
      return NoContent();
    }
    if (path == "sys/leases/renew") {
      if (auto bad = need(write)) return *bad;
      return RenewLease(body);
    }
    if (path == "sys/leases/revoke") {
      if (auto bad = need(write)) return *bad;
      const std::string id = StringField(body, "lease_id");
      revoked_leases.push_back(id);
      if (auto it = leases.find(id); it != leases.end()) it->second.revoked = true;
      return NoContent();  // also for unknown leases, as Vault does
    }
    if (path.starts_with("aws/creds/")) {
      if (!read && !write) return Error(405, {});
      if (!Allowed(token, path)) return Denied();
      return AwsCreds(token, path.substr(std::string_view("aws/creds/").size()));
    }
    if (std::optional<Answer> kv = Kv(token, path)) {
      if (!read) return Error(405, {});
      return *kv;
    }
    return Error(404, {});
  }

  void Serve(net::ServerExchange& exchange) {
    const auto& request = exchange.request();
    VaultCall call;
    call.method = std::string(request.method_string());
    call.body = request.body();
    call.namespace_header = std::string(request["X-Vault-Namespace"]);
    call.token = std::string(request["X-Vault-Token"]);
    if (call.token.empty()) {
      const std::string_view authorization = request[http::field::authorization];
      if (authorization.starts_with("Bearer ")) call.token = std::string(authorization.substr(7));
    }
    std::string_view target = request.target();
    target = target.substr(0, target.find('?'));
    std::string path;
    if (target.starts_with("/v1/")) path = PercentDecode(target.substr(4));

    // The namespace: header + path must lead into the fake's namespace.
    std::string effective = path;
    if (const std::string header = Trim(call.namespace_header, '/'); !header.empty()) effective = header + "/" + path;
    bool in_namespace = true;
    if (!ns.empty()) {
      in_namespace = effective.starts_with(ns + "/");
      if (in_namespace) effective = effective.substr(ns.size() + 1);
    }
    call.path = effective;

    Answer answer;
    auto failure = std::find_if(failures.begin(), failures.end(),
                                [&](const Failure& f) { return f.count > 0 && effective.starts_with(f.prefix); });
    if (silent || reset_all || garbage) {
      calls.push_back(call);
      changed.Notify();
      if (silent) {
        exchange.Hold();
      } else if (reset_all) {
        exchange.Reset();
      } else {
        exchange.Reply(200, "<html>502 Bad Gateway</html>\n{\"data\":", {{"Content-Type", "application/json"}});
      }
      return;
    }
    if (!target.starts_with("/v1/")) {
      answer = Error(404, {});
    } else if (sealed) {
      answer = Error(503, {"Vault is sealed"});
    } else if (failure != failures.end()) {
      --failure->count;
      answer = Error(failure->status, {"injected failure"});
    } else if (!in_namespace) {
      answer = Denied();
    } else {
      json::object body;
      if (!request.body().empty()) {
        boost::system::error_code ec;
        json::value parsed = json::parse(request.body(), ec);
        if (ec || !parsed.is_object()) {
          answer = Error(400, {"failed to parse JSON input"});
          call.status = answer.status;
          calls.push_back(call);
          changed.Notify();
          exchange.Reply(answer.status, answer.body, {{"Content-Type", "application/json"}});
          return;
        }
        body = std::move(parsed.as_object());
      }
      answer = Route(request.method(), effective, call.token, body);
    }
    call.status = answer.status;
    calls.push_back(call);
    changed.Notify();
    if (answer.status == 204) {
      exchange.Reply(204);
    } else {
      exchange.Reply(answer.status, answer.body, {{"Content-Type", "application/json"}});
    }
  }
};

FakeVault::FakeVault(asio::any_io_executor executor)
    : state_(std::make_shared<State>(executor)),
      server_(executor, [state = state_](net::ServerExchange& exchange) -> asio::awaitable<void> {
        state->Serve(exchange);
        co_return;
      }) {}

FakeVault::~FakeVault() = default;

base::Status FakeVault::Start(uint16_t port) { return server_.Listen(port); }

void FakeVault::Stop() {
  server_.StopListening();
  server_.CloseConnections();
}

uint16_t FakeVault::port() const { return server_.port(); }
std::string FakeVault::address() const { return "http://127.0.0.1:" + std::to_string(port()); }

void FakeVault::SetNamespace(std::string ns) { state_->ns = Trim(ns, '/'); }

void FakeVault::MountKv(std::string mount, int version) { state_->mounts[Trim(mount, '/') + "/"] = version; }

void FakeVault::PutSecret(std::string path, json::object data) { state_->secrets[Trim(path, '/')] = std::move(data); }

void FakeVault::AddToken(std::string token, std::vector<std::string> allowed) {
  Token entry;
  entry.allowed = std::move(allowed);
  state_->tokens[std::move(token)] = std::move(entry);
}

void FakeVault::AddUser(std::string username, std::string password, std::vector<std::string> allowed) {
  state_->users[std::move(username)] = Login{std::move(password), std::move(allowed)};
}

void FakeVault::AddAppRole(std::string role_id, std::string secret_id, std::vector<std::string> allowed) {
  state_->approles[std::move(role_id)] = Login{std::move(secret_id), std::move(allowed)};
}

void FakeVault::SetLoginTokenTtl(int64_t ttl, int64_t max_ttl) {
  state_->login_ttl = ttl;
  state_->login_max_ttl = max_ttl;
}

void FakeVault::AddAwsRole(std::string role, AwsRoleOptions options) { state_->aws_roles[std::move(role)] = options; }

void FakeVault::SetSealed(bool sealed) { state_->sealed = sealed; }
void FakeVault::SetDenyAll(bool deny) { state_->deny_all = deny; }
void FakeVault::SetSilent(bool silent) { state_->silent = silent; }
void FakeVault::SetResetAll(bool reset) { state_->reset_all = reset; }
void FakeVault::SetGarbage(bool garbage) { state_->garbage = garbage; }

void FakeVault::FailNext(unsigned status, int count, std::string path_prefix) {
  state_->failures.push_back(Failure{status, count, std::move(path_prefix)});
}

const std::vector<VaultCall>& FakeVault::calls() const { return state_->calls; }

int FakeVault::CountCalls(std::string_view path_prefix, std::string_view method) const {
  return static_cast<int>(std::count_if(state_->calls.begin(), state_->calls.end(), [&](const VaultCall& call) {
    return call.path.starts_with(path_prefix) && (method.empty() || call.method == method);
  }));
}

int FakeVault::logins() const { return state_->logins; }
std::vector<std::string> FakeVault::issued_tokens() const { return state_->issued_tokens; }
std::vector<std::string> FakeVault::revoked_tokens() const { return state_->revoked_tokens; }
bool FakeVault::TokenValid(const std::string& token) const { return state_->TokenUsable(token); }
std::vector<std::string> FakeVault::issued_leases() const { return state_->issued_leases; }
std::vector<std::string> FakeVault::issued_aws_secret_keys() const { return state_->aws_secret_keys; }
std::vector<LeaseRenewal> FakeVault::lease_renewals() const { return state_->renewals; }
std::vector<std::string> FakeVault::revoked_leases() const { return state_->revoked_leases; }

bool FakeVault::LeaseActive(const std::string& lease_id) const {
  auto it = state_->leases.find(lease_id);
  return it != state_->leases.end() && !it->second.revoked;
}

asio::awaitable<bool> FakeVault::WaitUntil(std::function<bool()> condition, base::Deadline deadline) {
  std::shared_ptr<State> state = state_;
  auto wait = [&]() -> asio::awaitable<void> {
    while (!condition()) co_await state->changed.Wait();
  };
  const bool met = co_await base::WithDeadline(wait(), deadline);
  co_return met;
}

}  // namespace fakes
