// sidecar/go_key: Go's case-insensitive field matching.
#include "sidecar/go_key.h"

#include <gtest/gtest.h>

namespace sidecar {
namespace {

TEST(GoKeyMatches, FoldsAsGoDoes) {
  struct Case {
    const char* key;
    const char* name;
    bool match;
  };
  const Case cases[] = {
      {"Status", "status", true},
      {"status", "status", true},
      {"STATUS", "status", true},
      {"sTaTuS", "status", true},
      {"\xC5\xBFtatus", "status", true},   // U+017F long s
      {"Statu\xC5\xBF", "status", true},
      {"\xE2\x84\xAA" "ey", "key", true},  // U+212A Kelvin sign
      {"Statu", "status", false},
      {"Statuss", "status", false},
      {"St atus", "status", false},
      {"", "status", false},
      {"\xC5\xBF", "t", false},           // long s folds to s only
      {"\xC5", "s", false},               // a cut sequence is no letter
      {"master_hostname", "master_hostname", true},
      {"Master_Hostname", "master_hostname", true},
      {"masterhostname", "master_hostname", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(GoKeyMatches(c.key, c.name), c.match) << c.key << " vs " << c.name;
  }
}

}  // namespace
}  // namespace sidecar
