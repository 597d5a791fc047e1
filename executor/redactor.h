// Redactor: keeps secrets out of everything the executor writes.
//
// Two rules: a value whose variable name says it is secret (SECRET,
// PASSWORD, TOKEN, KEY, CREDENTIAL, in any case) is masked whole, unless it
// is only a vault:// reference to one; and every
// value known to be secret (those, plus values resolved later from Vault) is
// replaced wherever it appears in a log line, however it got there.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace executor {

inline constexpr std::string_view kRedacted = "[REDACTED]";

class Redactor {
 public:
  static bool IsSecretName(std::string_view name);

  // Remembers `value` as secret. Very short values are not remembered: they
  // would mask innocent text everywhere and protect nothing.
  void AddSecret(std::string_view value);

  // Remembers the values of the secret-named entries of "NAME=value" lists.
  void AddSecretsFromEnvironment(const std::vector<std::string>& entries);

  // `text` with every known secret value replaced by [REDACTED].
  std::string Scrub(std::string_view text) const;

  // "NAME=value" for display: the value masked whole when the name is
  // secret, otherwise scrubbed.
  std::string MaskEntry(std::string_view entry) const;

  bool empty() const { return secrets_.empty(); }

 private:
  std::vector<std::string> secrets_;  // longest first, so overlaps mask fully
};

// The process-wide redactor used by the log sink.
Redactor& GlobalRedactor();

}  // namespace executor
