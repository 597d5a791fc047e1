// The AWS secrets engine (mount "aws", as upstream) and the lease calls
// that keep its credentials alive (vault-api.md §5).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

#include "base/deadline.h"
#include "base/status.h"
#include "vault/client.h"
#include "vault/responses.h"

namespace vault {

// GET aws/creds/<role>; the keys are reported to the client's secret sink.
boost::asio::awaitable<base::Result<AwsCredentials>> IssueAwsCredentials(Client& client, std::string role);

// PUT sys/leases/renew; the lease as Vault now grants it.
boost::asio::awaitable<base::Result<Lease>> RenewLease(Client& client, std::string lease_id,
                                                       std::chrono::seconds increment);

// PUT sys/leases/revoke. Vault answers 204 even for unknown leases, so
// success says only that Vault took the request.
boost::asio::awaitable<base::Status> RevokeLease(Client& client, std::string lease_id, base::Deadline limit);

}  // namespace vault
