#include "executor/vault_extension.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>

#include "base/text_format.h"
#include "executor/go_duration.h"
#include "executor/redactor.h"
#include "vault/aws.h"
#include "vault/secret_ref.h"

namespace executor {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Release runs on every way out, some of them short of time (the agent's
// shutdown grace): revocations get this long in all.
constexpr auto kReleaseTimeout = 10s;
// Upstream's service-token TTL when EXECUTOR_AWS_ROLE_TTL is not set.
constexpr std::chrono::seconds kDefaultAwsTokenTtl{3600};
// Upstream asked for this much more than EXECUTOR_AWS_ROLE_TTL on the
// first renewal, as it stopped the task that long before the end.
constexpr std::chrono::seconds kAwsRenewMargin{360};

// Messages built from Vault's answers pass through here before they are
// logged or reported: they must never carry a secret.
base::Status Scrubbed(const base::Status& status) {
  if (status.ok()) return status;
  return base::Status::Error(status.code(), GlobalRedactor().Scrub(status.message()));
}

bool UsesVault(const std::vector<std::string>& env) {
  return std::any_of(env.begin(), env.end(), [](const std::string& entry) {
    const std::size_t eq = entry.find('=');
    return eq != std::string::npos && vault::IsSecretRef(std::string_view(entry).substr(eq + 1));
  });
}

std::chrono::seconds CeilSeconds(std::chrono::nanoseconds d) { return std::chrono::ceil<std::chrono::seconds>(d); }

std::string UtcTime(vault::TimePoint at) {
  const auto wall = std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                                           at - base::Clock::now());
  return base::FormatUtcSeconds(wall);
}

}  // namespace

VaultExtension::VaultExtension(const ExecutorConfig& config, vault::ClientOptions options)
    : settings_(config.settings) {
  // Secrets in the configuration (main() remembered them already by their
  // names; this keeps the extension right on its own).
  for (const char* name : {"VAULT_TOKEN", "VAULT_PASSWORD", "VAULT_SECRET_ID"}) {
    if (const std::optional<std::string> value = config.getenv(name)) GlobalRedactor().AddSecret(*value);
  }
  base::Result<vault::Config> parsed = vault::ParseConfig(config.getenv);
  if (!parsed.ok()) {
    config_error_ = parsed.status().message();
    return;
  }
  options.on_secret = [](std::string_view value) { GlobalRedactor().AddSecret(value); };
  client_.emplace(std::move(parsed).value(), std::move(options));
  auth_.emplace(*client_);
  reader_.emplace(*client_);
}

asio::awaitable<base::Status> VaultExtension::Authenticate() {
  if (token_) co_return base::Status::Ok();
  if (!client_) co_return base::Status::Invalid("Vault configuration is invalid: " + config_error_);
  const base::Result<vault::AuthToken> token = co_await auth_->SharedToken();
  if (!token.ok()) co_return Scrubbed(token.status().Wrap("Vault authentication failed"));
  token_ = *token;
  spdlog::info("Using a Vault token from {} [VAULT_ADDR: {}]", vault::TokenOriginName(token_->origin),
               client_->config().address);
  co_return base::Status::Ok();
}

asio::awaitable<base::Status> VaultExtension::PrepareLaunch(LaunchPreparation& preparation) {
  if (!settings_.aws_role.empty()) {
    const base::Status issued = co_await IssueAwsCredentials(preparation.extra_env);
    co_return issued;
  }
  if (!UsesVault(preparation.plan.config.env)) co_return base::Status::Ok();
  const base::Status authenticated = co_await Authenticate();
  co_return authenticated;
}

asio::awaitable<base::Status> VaultExtension::IssueAwsCredentials(std::vector<std::string>& extra_env) {
  const std::string& role = settings_.aws_role;
  if (!client_) co_return base::Status::Invalid("Vault configuration is invalid: " + config_error_);
  if (settings_.aws_role_max_ttl.count() != 0 && settings_.aws_role_ttl > settings_.aws_role_max_ttl) {
    co_return base::Status::Invalid("EXECUTOR_AWS_ROLE_TTL (" + FormatGoDuration(settings_.aws_role_ttl) +
                                    ") cannot be longer than EXECUTOR_AWS_ROLE_MAX_TTL (" +
                                    FormatGoDuration(settings_.aws_role_max_ttl) + ")");
  }
  const std::chrono::seconds role_ttl = CeilSeconds(settings_.aws_role_ttl);
  const vault::Config& config = client_->config();
  const bool can_log_in = config.has_userpass() || config.has_approle();
  if (can_log_in) {
    // Upstream's service token: the lease is its child and dies with it,
    // so it must be ours, live as long as the lease, and be revoked with it.
    const std::chrono::seconds token_ttl = role_ttl.count() > 0 ? role_ttl : kDefaultAwsTokenTtl;
    const vault::TimePoint asked_at = base::Clock::now();
    const base::Result<vault::AuthToken> token = co_await auth_->ServiceToken(token_ttl);
    if (!token.ok()) co_return Scrubbed(token.status().Wrap("Vault authentication for AWS role '" + role + "' failed"));
    token_ = *token;
    lease_.emplace();
    if (token_->renewable && token_->ttl.count() > 0) lease_->state.parent_expires_at = asked_at + token_->ttl;
  } else {
    const base::Status authenticated = co_await Authenticate();
    if (!authenticated.ok()) co_return authenticated;
    spdlog::warn("No Vault login credentials for a service token: the AWS credentials lease of role '{}' lives at "
                 "most as long as the token from {}", role, vault::TokenOriginName(token_->origin));
    lease_.emplace();
  }

  const vault::TimePoint issued_at = base::Clock::now();
  const base::Result<vault::AwsCredentials> credentials = co_await vault::IssueAwsCredentials(*client_, role);
  if (!credentials.ok()) {
    lease_.reset();
    co_return Scrubbed(credentials.status().Wrap("Failed to get AWS credentials for role '" + role + "'"));
  }
  AwsLease& lease = *lease_;
  lease.role = role;
  lease.id = credentials->lease.id;
  vault::LeaseState& state = lease.state;
  state.expires_at = issued_at + credentials->lease.duration;
  state.length = credentials->lease.duration;
  state.renewable = credentials->lease.renewable;
  state.wanted = role_ttl.count() > 0 ? role_ttl : credentials->lease.duration;
  if (settings_.aws_role_max_ttl.count() > 0) state.max_end = issued_at + settings_.aws_role_max_ttl;
  spdlog::info("Issued AWS credentials for role '{}' (lease {}, {}s{})", role, lease.id, state.length.count(),
               state.renewable ? ", renewable" : ", not renewable");

  if (role_ttl.count() > 0 && state.renewable) {
    // Upstream's step: stretch the lease to the requested TTL at once.
    const auto until_max = std::chrono::duration_cast<std::chrono::seconds>(state.max_end - base::Clock::now());
    const std::chrono::seconds asked = std::max(1s, std::min(role_ttl + kAwsRenewMargin, until_max));
    const vault::TimePoint now = base::Clock::now();
    const base::Result<vault::Lease> renewed = co_await vault::RenewLease(*client_, lease.id, asked);
    if (!renewed.ok()) co_return Scrubbed(renewed.status().Wrap("Unable to renew AWS Creds Lease"));
    lease.id = renewed->id;
    vault::ApplyLeaseRenewal(state, now, asked, renewed->duration);
    spdlog::info("Renewed AWS credentials lease {} to {}s", lease.id, renewed->duration.count());
  } else if (role_ttl.count() > 0) {
    spdlog::warn("The AWS credentials lease of role '{}' is not renewable; EXECUTOR_AWS_ROLE_TTL cannot extend it, "
                 "the task will be stopped before it ends", role);
  }

  extra_env.push_back("AWS_ACCESS_KEY_ID=" + credentials->access_key);
  extra_env.push_back("AWS_SECRET_ACCESS_KEY=" + credentials->secret_key);
  if (credentials->session_token) extra_env.push_back("AWS_SESSION_TOKEN=" + *credentials->session_token);
  co_return base::Status::Ok();
}

asio::awaitable<base::Status> VaultExtension::FinishEnvironment(std::vector<std::string>& env) {
  for (std::string& entry : env) {
    const std::size_t eq = entry.find('=');
    if (eq == std::string::npos || !vault::IsSecretRef(std::string_view(entry).substr(eq + 1))) continue;
    const base::Status resolved = co_await ResolveEntry(entry);
    if (!resolved.ok()) co_return resolved;
  }
  co_return base::Status::Ok();
}

asio::awaitable<base::Status> VaultExtension::ResolveEntry(std::string& entry) {
  const std::size_t eq = entry.find('=');
  const std::string name = entry.substr(0, eq);
  const std::string reference = entry.substr(eq + 1);
  const base::Result<vault::SecretRef> ref = vault::ParseSecretRef(reference);
  if (!ref.ok()) co_return base::Status::Invalid("Cannot resolve " + name + ": " + ref.status().message());
  const std::string what = "Cannot resolve " + name + " from " + reference + " (field \"" + ref->field + "\")";
  const base::Status authenticated = co_await Authenticate();
  if (!authenticated.ok()) co_return authenticated.Wrap(what);
  const base::Result<std::string> value = co_await reader_->Read(*ref);
  // Only Vault's part is scrubbed: the reference itself may be remembered
  // as a secret (a *PASSWORD* variable's value), yet it must be named.
  if (!value.ok()) co_return Scrubbed(value.status()).Wrap(what);
  entry = name + "=" + *value;
  spdlog::info("Decrypted '{}' [VAULT_ADDR: {}, path: {} ]", name, client_->config().address, reference);
  co_return base::Status::Ok();
}

std::string VaultExtension::ExpiryMessage(const vault::LeaseStep& step) const {
  const vault::LeaseState& state = lease_->state;
  const vault::TimePoint end = std::min(state.expires_at, state.parent_expires_at.value_or(state.expires_at));
  return "AWS credentials lease of role '" + lease_->role + "' (" + lease_->id + ") expires at " + UtcTime(end) +
         " and cannot be renewed: " + step.reason;
}

asio::awaitable<void> VaultExtension::Supervise(TaskControl& control) {
  if (!lease_ || lease_->id.empty()) {
    co_await base::SleepUntil(base::kNoDeadline);
    co_return;
  }
  for (;;) {
    const vault::LeaseStep step = vault::NextLeaseStep(lease_->state, base::Clock::now());
    if (step.action == vault::LeaseStep::Action::kEnd) {
      spdlog::warn("{}; the task will be stopped at {}", ExpiryMessage(step), UtcTime(step.at));
      const bool due = co_await base::SleepUntil(step.at);
      if (!due) co_return;
      spdlog::error("Attempting to shutdown because of AWS credential lease expiration");
      control.RequestKill(KillRequest{KillCause::kTaskFailure, std::chrono::seconds(settings_.kill_task_timeout_seconds),
                                      GlobalRedactor().Scrub("the " + ExpiryMessage(step))});
      co_await base::SleepUntil(base::kNoDeadline);
      co_return;
    }
    const bool due = co_await base::SleepUntil(step.at);
    if (!due) co_return;
    co_await RenewLease(step.increment);
  }
}

asio::awaitable<void> VaultExtension::RenewLease(std::chrono::seconds increment) {
  vault::LeaseState& state = lease_->state;
  if (token_ && token_->owned() && token_->renewable) {
    // The lease dies with its token: keep the token ahead of the lease.
    const std::chrono::seconds asked = increment + vault::kLoginTtlMargin;
    const vault::TimePoint now = base::Clock::now();
    const base::Result<std::chrono::seconds> granted = co_await auth_->RenewSelf(asked);
    if (granted.ok()) {
      vault::ApplyParentRenewal(state, now, asked, *granted);
    } else {
      spdlog::warn("Unable to renew the Vault token holding the AWS lease: {}", Scrubbed(granted.status()).message());
    }
  }
  const vault::TimePoint now = base::Clock::now();
  const base::Result<vault::Lease> renewed = co_await vault::RenewLease(*client_, lease_->id, increment);
  if (renewed.ok()) {
    lease_->id = renewed->id;
    vault::ApplyLeaseRenewal(state, now, increment, renewed->duration);
    spdlog::info("Renewed AWS credentials lease {} for {}s (asked {}s)", lease_->id, renewed->duration.count(),
                 increment.count());
    co_return;
  }
  const base::Status failed = Scrubbed(renewed.status());
  if (failed.transient()) {
    state.transient_failure = failed.message();
    spdlog::warn("Unable to renew AWS Creds Lease (will retry): {}", failed.message());
  } else {
    state.permanent_failure = failed.message();
    spdlog::error("Unable to renew AWS Creds Lease: {}", failed.message());
  }
}

asio::awaitable<void> VaultExtension::Release() {
  const base::Deadline deadline = base::After(kReleaseTimeout);
  if (lease_ && !lease_->id.empty()) {
    const base::Status revoked = co_await vault::RevokeLease(*client_, lease_->id, deadline);
    if (revoked.ok()) {
      spdlog::info("Revoked AWS credentials lease {}", lease_->id);
    } else {
      spdlog::error("Unable to revoke AWS Creds Lease: {}", Scrubbed(revoked).message());
    }
    lease_.reset();
  }
  if (token_ && token_->owned()) {
    // Upstream logged the token here; the log only needs to know which one.
    const base::Status revoked = co_await auth_->RevokeSelf(deadline);
    if (revoked.ok()) {
      spdlog::info("Revoked the Vault token of this executor's login");
    } else {
      spdlog::error("Unable to revoke the Vault token of this executor's login: {}", Scrubbed(revoked).message());
    }
    token_.reset();
  }
}

}  // namespace executor
