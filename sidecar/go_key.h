// How Go's encoding/json matches an object key to a struct field: without
// regard to case, by Unicode simple folding. Upstream decoded Sidecar's state
// and the Mesos documents that way, so "servers", "SERVICES" or "ſtatus"
// (U+017F, long s) name the same field as "Servers", "Services", "Status".
#pragma once

#include <string_view>

namespace sidecar {

// `name` is the field name in lower-case ASCII. Besides ASCII case, the only
// folds onto ASCII letters are U+017F -> s and U+212A (Kelvin) -> k.
bool GoKeyMatches(std::string_view key, std::string_view name);

}  // namespace sidecar
