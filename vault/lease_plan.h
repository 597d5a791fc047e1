// When to renew the AWS credentials' lease, and when to give up on it.
//
// Upstream never renewed: it stopped the task 6 minutes before the first
// lease ran out (D21). Here the lease is renewed whenever two thirds of it
// have passed, for as long as Vault extends it and EXECUTOR_AWS_ROLE_MAX_TTL
// allows; the task is stopped, with the reason, only when the lease (or the
// token that holds it, since a lease dies with its token) cannot be
// extended any more, a little before it ends. Pure: the extension feeds it
// Vault's answers and the clock.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "base/deadline.h"

namespace vault {

using TimePoint = base::Clock::time_point;

struct LeaseState {
  TimePoint expires_at;                   // as Vault last granted it
  std::chrono::seconds length{0};         // that grant's lease_duration
  bool renewable = false;
  std::chrono::seconds wanted{0};         // increment to ask for: the role TTL, else the first lease_duration
  TimePoint max_end = TimePoint::max();   // issue time + EXECUTOR_AWS_ROLE_MAX_TTL
  bool capped = false;                    // Vault granted less than asked: its maximum TTL is reached
  std::optional<TimePoint> parent_expires_at;  // the token holding the lease, when we renew it
  bool parent_capped = false;
  std::string transient_failure;  // the last renewal failed and will be tried again
  std::string permanent_failure;  // Vault refused the renewal for good
};

struct LeaseStep {
  enum class Action { kRenew, kEnd };
  Action action = Action::kRenew;
  TimePoint at;
  std::chrono::seconds increment{0};  // kRenew: what to ask Vault for
  std::string reason;                 // kEnd: why the lease cannot be extended
};

// Upstream's 360 s before the end, less for short leases (a quarter of them).
std::chrono::nanoseconds ExpiryMargin(std::chrono::seconds lease_length);

// The next thing to do about the lease.
LeaseStep NextLeaseStep(const LeaseState& state, TimePoint now);

// Records a granted renewal: `granted` of `asked`, at `now`.
void ApplyLeaseRenewal(LeaseState& state, TimePoint now, std::chrono::seconds asked, std::chrono::seconds granted);

// Records a granted renewal of the token that holds the lease.
void ApplyParentRenewal(LeaseState& state, TimePoint now, std::chrono::seconds asked, std::chrono::seconds granted);

}  // namespace vault
