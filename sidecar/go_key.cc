#include "sidecar/go_key.h"

namespace sidecar {

bool GoKeyMatches(std::string_view key, std::string_view name) {
  constexpr std::string_view kLongS = "\xC5\xBF";        // U+017F
  constexpr std::string_view kKelvin = "\xE2\x84\xAA";  // U+212A
  std::size_t i = 0;
  for (char want : name) {
    if (i >= key.size()) return false;
    const unsigned char c = static_cast<unsigned char>(key[i]);
    if (c < 0x80) {
      const char lower = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
      if (lower != want) return false;
      ++i;
    } else if (want == 's' && key.substr(i, kLongS.size()) == kLongS) {
      i += kLongS.size();
    } else if (want == 'k' && key.substr(i, kKelvin.size()) == kKelvin) {
      i += kKelvin.size();
    } else {
      return false;
    }
  }
  return i == key.size();
}

}  // namespace sidecar
