// How the agent turns a JSON Call into its protobuf, with stout's rules
// (spec §3), for every message a Call can carry.
//
// Fails with the agent's reason when a value has the wrong JSON type, a
// required enum is unknown or numeric, base64 is bad, or a required field is
// missing. Unknown keys, nulls and unknown names in optional enums are
// dropped, as the agent drops them. The result is the converted message
// again as JSON (bytes as canonical base64, numbers as numbers, repeated
// fields as arrays), so later checks read exactly what the agent would read.
//
// Deep TaskInfo parts (resources, container, checks, ...) echoed back in
// unacknowledged_tasks are only checked to be objects.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/status.h"

namespace local_agent {

base::Result<boost::json::object> ConvertCallJson(const boost::json::value& document);

}  // namespace local_agent
