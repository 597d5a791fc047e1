#include "vault/lease_plan.h"

#include <algorithm>

namespace vault {

using namespace std::chrono_literals;

namespace {

// A renewal that failed for a passing reason is tried again after a sixth
// of what is left, but at least this soon and never later than a minute.
constexpr auto kMinRetry = 1s;
constexpr auto kMaxRetry = 60s;
// Vault counts in whole seconds: less than this short of the ask is no cap.
constexpr auto kGrantTolerance = 1s;

}  // namespace

std::chrono::nanoseconds ExpiryMargin(std::chrono::seconds lease_length) {
  return std::min<std::chrono::nanoseconds>(360s, lease_length / 4);
}

LeaseStep NextLeaseStep(const LeaseState& state, TimePoint now) {
  TimePoint end = state.expires_at;
  if (state.parent_expires_at) end = std::min(end, *state.parent_expires_at);
  const TimePoint stop_at = std::max(now, end - ExpiryMargin(state.length));
  const auto give_up = [&](std::string reason) {
    LeaseStep step;
    step.action = LeaseStep::Action::kEnd;
    step.at = stop_at;
    step.reason = std::move(reason);
    return step;
  };
  if (!state.permanent_failure.empty()) {
    LeaseStep step = give_up("its renewal failed: " + state.permanent_failure);
    step.at = now;
    return step;
  }
  if (!state.renewable) return give_up("the lease is not renewable");
  if (state.parent_expires_at && state.parent_capped && *state.parent_expires_at <= state.expires_at) {
    return give_up("the Vault token holding the lease reached its maximum TTL");
  }
  if (state.capped) return give_up("Vault will not renew it past its maximum TTL");
  if (state.expires_at + kGrantTolerance >= state.max_end) return give_up("EXECUTOR_AWS_ROLE_MAX_TTL does not allow a longer lease");
  if (!state.transient_failure.empty() && now >= stop_at) {
    return give_up("it could not be renewed in time: " + state.transient_failure);
  }

  LeaseStep step;
  step.action = LeaseStep::Action::kRenew;
  const auto left = std::max<TimePoint::duration>(end - now, TimePoint::duration::zero());
  if (state.transient_failure.empty()) {
    step.at = now + left * 2 / 3;
  } else {
    step.at = now + std::clamp<TimePoint::duration>(left / 6, kMinRetry, kMaxRetry);
  }
  step.at = std::min(step.at, stop_at);
  const auto until_max = std::chrono::duration_cast<std::chrono::seconds>(state.max_end - step.at);
  step.increment = std::max<std::chrono::seconds>(1s, std::min(state.wanted, until_max));
  return step;
}

void ApplyLeaseRenewal(LeaseState& state, TimePoint now, std::chrono::seconds asked, std::chrono::seconds granted) {
  state.expires_at = now + granted;
  state.length = granted;
  state.capped = granted + kGrantTolerance < asked;
  state.transient_failure.clear();
}

void ApplyParentRenewal(LeaseState& state, TimePoint now, std::chrono::seconds asked, std::chrono::seconds granted) {
  state.parent_expires_at = now + granted;
  state.parent_capped = granted + kGrantTolerance < asked;
}

}  // namespace vault
