#include "vault/retry_policy.h"

namespace vault {

bool IsRetryableStatus(unsigned status) {
  return status == 412 || status == 429 || (status >= 500 && status <= 599 && status != 501);
}

std::chrono::nanoseconds RetryBackoff(int retry, std::chrono::nanoseconds base, double jitter) {
  if (jitter < 0) jitter = 0;
  if (jitter >= 1) jitter = 0.999;
  const double factor = static_cast<double>(retry) * (1.0 + jitter / 2.0);
  return std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(base.count()) * factor));
}

}  // namespace vault
