// When and how soon a Vault call is tried again: the rules of Vault's Go
// client (vault-api.md §7), so an agent sees the same retry behaviour as
// with the upstream executor.
#pragma once

#include <chrono>

namespace vault {

// 412 (Enterprise consistency), 429, and 5xx except 501 (not initialised).
// Other 4xx are answers, not accidents: never retried.
bool IsRetryableStatus(unsigned status);

// The wait before retry `retry` (1, 2, ...): linear with jitter,
// retry × base × (1 + jitter / 2), jitter in [0, 1). With base 1 s that is
// the Go client's 1-1.5 s, then 2-3 s.
std::chrono::nanoseconds RetryBackoff(int retry, std::chrono::nanoseconds base, double jitter);

}  // namespace vault
