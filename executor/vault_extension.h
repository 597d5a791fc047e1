// VaultExtension: Vault's part in a task's life (task_extension.h).
//
//   PrepareLaunch      with EXECUTOR_AWS_ROLE: a service token, AWS
//                      credentials into the container environment;
//                      with vault:// values: authentication (so the token
//                      is known to the redactor before anything is logged)
//   FinishEnvironment  every vault://<path>[?key=<field>] value replaced by
//                      the secret; a failure names the variable and the
//                      path, never a value
//   Supervise          the AWS lease renewed before it ends; when it cannot
//                      be extended any more the task is stopped, saying why
//   Release            the lease revoked, and our own login token
//
// Nothing touches Vault unless the task needs it. Every secret (resolved
// values, tokens, passwords, AWS keys) goes to GlobalRedactor() the moment
// it is known.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "executor/executor.h"
#include "executor/task_extension.h"
#include "vault/auth.h"
#include "vault/client.h"
#include "vault/lease_plan.h"
#include "vault/secret_reader.h"

namespace executor {

class VaultExtension : public TaskExtension {
 public:
  // `options` for tests (retry backoff); its on_secret is always the
  // global redactor.
  explicit VaultExtension(const ExecutorConfig& config, vault::ClientOptions options = {});

  boost::asio::awaitable<base::Status> PrepareLaunch(LaunchPreparation& preparation) override;
  boost::asio::awaitable<base::Status> FinishEnvironment(std::vector<std::string>& env) override;
  boost::asio::awaitable<void> Supervise(TaskControl& control) override;
  boost::asio::awaitable<void> Release() override;

 private:
  struct AwsLease {
    std::string role;
    std::string id;
    vault::LeaseState state;
  };

  boost::asio::awaitable<base::Status> Authenticate();
  boost::asio::awaitable<base::Status> IssueAwsCredentials(std::vector<std::string>& extra_env);
  boost::asio::awaitable<base::Status> ResolveEntry(std::string& entry);
  boost::asio::awaitable<void> RenewLease(std::chrono::seconds increment);
  std::string ExpiryMessage(const vault::LeaseStep& step) const;

  Settings settings_;
  std::string config_error_;  // VAULT_* unusable: fails only tasks that need Vault
  std::optional<vault::Client> client_;
  std::optional<vault::Authenticator> auth_;
  std::optional<vault::SecretReader> reader_;
  std::optional<vault::AuthToken> token_;
  std::optional<AwsLease> lease_;
};

}  // namespace executor
