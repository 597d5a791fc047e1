#include "vault/aws.h"

namespace vault {

namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<base::Result<AwsCredentials>> IssueAwsCredentials(Client& client, std::string role) {
  const std::string what = "AWS credentials for role '" + role + "'";
  const base::Result<Reply> reply = co_await client.Get("aws/creds/" + role);
  if (!reply.ok()) co_return reply.status().Wrap(what);
  if (reply->status != 200) {
    co_return base::Status::Failed(what + ": Vault answered " + std::to_string(reply->status) + " without credentials");
  }
  base::Result<AwsCredentials> credentials = ParseAwsCredentials(reply->body);
  if (!credentials.ok()) co_return credentials.status().Wrap(what);
  client.NoteSecret(credentials->secret_key);
  client.NoteSecret(credentials->access_key);
  if (credentials->session_token) client.NoteSecret(*credentials->session_token);
  co_return credentials;
}

asio::awaitable<base::Result<Lease>> RenewLease(Client& client, std::string lease_id, std::chrono::seconds increment) {
  json::object body;
  body["lease_id"] = lease_id;
  body["increment"] = increment.count();
  const base::Result<Reply> reply = co_await client.Put("sys/leases/renew", std::move(body));
  if (!reply.ok()) co_return reply.status().Wrap("renewing lease " + lease_id);
  if (reply->status != 200) {
    co_return base::Status::Failed("renewing lease " + lease_id + ": Vault answered " + std::to_string(reply->status));
  }
  base::Result<Lease> lease = ParseLease(reply->body);
  if (!lease.ok()) co_return lease.status().Wrap("renewing lease " + lease_id);
  if (lease->id.empty()) lease->id = lease_id;
  co_return lease;
}

asio::awaitable<base::Status> RevokeLease(Client& client, std::string lease_id, base::Deadline limit) {
  json::object body;
  body["lease_id"] = lease_id;
  const base::Result<Reply> reply = co_await client.Put("sys/leases/revoke", std::move(body), limit);
  if (!reply.ok()) co_return reply.status().Wrap("revoking lease " + lease_id);
  co_return base::Status::Ok();
}

}  // namespace vault
