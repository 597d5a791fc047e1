#include "vault/lease_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vault {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Action = LeaseStep::Action;

const TimePoint kT0 = TimePoint() + 1000h;

LeaseState Renewable(std::chrono::seconds length) {
  LeaseState state;
  state.expires_at = kT0 + length;
  state.length = length;
  state.renewable = true;
  state.wanted = length;
  return state;
}

TEST(LeasePlan, RenewsWhenTwoThirdsHavePassed) {
  const LeaseStep step = NextLeaseStep(Renewable(3600s), kT0);
  EXPECT_EQ(step.action, Action::kRenew);
  EXPECT_EQ(step.at, kT0 + 2400s);
  EXPECT_EQ(step.increment, 3600s);
}

TEST(LeasePlan, ExpiryMarginIsUpstreamsSixMinutesOrAQuarterOfShortLeases) {
  EXPECT_EQ(ExpiryMargin(3600s), 360s);
  EXPECT_EQ(ExpiryMargin(8s), 2s);
}

TEST(LeasePlan, EndsBeforeTheEndWhenTheLeaseCannotBeExtended) {
  struct Case {
    std::string name;
    std::function<void(LeaseState&)> change;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"not renewable", [](LeaseState& s) { s.renewable = false; }, "not renewable"},
      {"capped by Vault", [](LeaseState& s) { s.capped = true; }, "maximum TTL"},
      {"max TTL setting", [](LeaseState& s) { s.max_end = s.expires_at; }, "EXECUTOR_AWS_ROLE_MAX_TTL"},
      {"parent capped",
       [](LeaseState& s) {
         s.parent_expires_at = s.expires_at - 100s;
         s.parent_capped = true;
       },
       "token holding the lease"},
  };
  for (const Case& c : cases) {
    LeaseState state = Renewable(3600s);
    c.change(state);
    const LeaseStep step = NextLeaseStep(state, kT0);
    EXPECT_EQ(step.action, Action::kEnd) << c.name;
    EXPECT_THAT(step.reason, HasSubstr(c.reason)) << c.name;
    const TimePoint end = state.parent_expires_at ? std::min(*state.parent_expires_at, state.expires_at) : state.expires_at;
    EXPECT_EQ(step.at, end - 360s) << c.name;
  }
}

TEST(LeasePlan, ThePermanentFailureEndsAtOnce) {
  LeaseState state = Renewable(3600s);
  state.permanent_failure = "400 lease not found";
  const LeaseStep step = NextLeaseStep(state, kT0 + 10s);
  EXPECT_EQ(step.action, Action::kEnd);
  EXPECT_EQ(step.at, kT0 + 10s);
  EXPECT_THAT(step.reason, HasSubstr("lease not found"));
}

TEST(LeasePlan, TransientFailuresAreRetriedUntilTheMargin) {
  LeaseState state = Renewable(3600s);
  state.transient_failure = "503 Vault is sealed";
  const LeaseStep retry = NextLeaseStep(state, kT0 + 2400s);
  EXPECT_EQ(retry.action, Action::kRenew);
  EXPECT_EQ(retry.at, kT0 + 2400s + 60s) << "a sixth of 1200s left, at most a minute";
  const LeaseStep late = NextLeaseStep(state, kT0 + 3500s);
  EXPECT_EQ(late.action, Action::kEnd);
  EXPECT_THAT(late.reason, HasSubstr("503 Vault is sealed"));
}

TEST(LeasePlan, IncrementsStopAtTheMaxTtl) {
  LeaseState state = Renewable(3600s);
  state.max_end = kT0 + 3000s + 2400s;
  const LeaseStep step = NextLeaseStep(state, kT0);
  EXPECT_EQ(step.increment, 3000s);
  ApplyLeaseRenewal(state, step.at, step.increment, step.increment);
  EXPECT_FALSE(state.capped);
  EXPECT_EQ(NextLeaseStep(state, step.at).action, Action::kEnd);
}

TEST(LeasePlan, AGrantShortOfTheAskIsACap) {
  LeaseState state = Renewable(3600s);
  ApplyLeaseRenewal(state, kT0 + 2400s, 3600s, 3600s);
  EXPECT_FALSE(state.capped);
  EXPECT_EQ(state.expires_at, kT0 + 6000s);
  ApplyLeaseRenewal(state, kT0 + 4800s, 3600s, 1200s);
  EXPECT_TRUE(state.capped);
  ApplyParentRenewal(state, kT0, 4200s, 4200s);
  EXPECT_FALSE(state.parent_capped);
  ApplyParentRenewal(state, kT0, 4200s, 100s);
  EXPECT_TRUE(state.parent_capped);
}

TEST(LeasePlan, TheParentTokenBringsTheRenewalForward) {
  LeaseState state = Renewable(3600s);
  state.parent_expires_at = kT0 + 1800s;
  const LeaseStep step = NextLeaseStep(state, kT0);
  EXPECT_EQ(step.action, Action::kRenew);
  EXPECT_EQ(step.at, kT0 + 1200s);
}

}  // namespace
}  // namespace vault
