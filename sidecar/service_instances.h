// One service's instances (GET /api/services/<name>.json, sidecar-api.md §6):
//
//   {"Services": {"<name>": [Service, ...]}, "ClusterName": "..."}
//
// On a large cluster the state document is several MB, and every executor on
// a host reads it every poll interval; this answer lists only the instances
// of one service name, a few hundred bytes each. The executor asks for it
// once a full state document has told it the Name Sidecar files its service
// under (sidecar/client.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sidecar/state_document.h"

namespace sidecar {

// The Status of our instance (ID == key.service_id on Hostname == key.host)
// in the list for `name`. Nothing when the document does not have exactly
// that shape or does not list our instance: the full state document then
// has the say, as it would have had without this shortcut.
std::optional<int64_t> FindInstanceStatus(std::string_view document, std::string_view name, const ServiceKey& key);

}  // namespace sidecar
