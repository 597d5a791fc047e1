#include "executor/redactor.h"

#include <algorithm>
#include <cctype>

namespace executor {

namespace {
constexpr std::size_t kMinSecretLength = 4;
constexpr std::string_view kSecretWords[] = {"SECRET", "PASSWORD", "TOKEN", "KEY", "CREDENTIAL"};

// A vault:// reference names where a secret lives, not the secret; the
// operator needs to see it (upstream printed it too).
bool IsVaultReference(std::string_view value) { return value.starts_with("vault://"); }
}  // namespace

bool Redactor::IsSecretName(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  return std::any_of(std::begin(kSecretWords), std::end(kSecretWords),
                     [&](std::string_view word) { return upper.find(word) != std::string::npos; });
}

void Redactor::AddSecret(std::string_view value) {
  if (value.size() < kMinSecretLength) return;
  if (std::find(secrets_.begin(), secrets_.end(), value) != secrets_.end()) return;
  secrets_.emplace_back(value);
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void Redactor::AddSecretsFromEnvironment(const std::vector<std::string>& entries) {
  for (const std::string& entry : entries) {
    const std::size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    const std::string_view value = std::string_view(entry).substr(eq + 1);
    if (IsSecretName(std::string_view(entry).substr(0, eq)) && !IsVaultReference(value)) AddSecret(value);
  }
}

std::string Redactor::Scrub(std::string_view text) const {
  std::string out(text);
  for (const std::string& secret : secrets_) {
    for (std::size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at + kRedacted.size())) {
      out.replace(at, secret.size(), kRedacted);
    }
  }
  return out;
}

std::string Redactor::MaskEntry(std::string_view entry) const {
  const std::size_t eq = entry.find('=');
  if (eq == std::string_view::npos) return Scrub(entry);
  const std::string_view name = entry.substr(0, eq);
  const std::string_view value = entry.substr(eq + 1);
  if (IsSecretName(name) && !value.empty() && !IsVaultReference(value)) {
    return std::string(name) + "=" + std::string(kRedacted);
  }
  return std::string(name) + "=" + Scrub(entry.substr(eq + 1));
}

Redactor& GlobalRedactor() {
  static Redactor redactor;
  return redactor;
}

}  // namespace executor
