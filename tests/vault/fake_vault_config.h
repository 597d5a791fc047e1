// A vault::Config pointing at a FakeVault, from VAULT_* values as a test
// would set them, and client options that keep retries quick.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/fakes/fake_vault.h"
#include "vault/client.h"
#include "vault/config.h"

namespace vault {

using TestEnv = std::map<std::string, std::string, std::less<>>;

inline Config ConfigFor(const fakes::FakeVault& fake, TestEnv env = {}) {
  env.emplace("VAULT_ADDR", fake.address());
  base::Result<Config> config = ParseConfig([&](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
  EXPECT_TRUE(config.ok()) << config.status().message();
  return config.ok() ? *config : Config{};
}

inline ClientOptions QuickRetries() {
  ClientOptions options;
  options.retry_base = std::chrono::milliseconds(5);
  return options;
}

}  // namespace vault
