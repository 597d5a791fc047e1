// RecordIO framing of the event stream (spec §4): "<decimal byte count>\n"
// followed by the payload, nothing else. The fake's own encoder, kept apart
// from the executor's decoder so that one cannot hide the other's mistakes.
#pragma once

#include <string>
#include <string_view>

namespace local_agent {

std::string RecordIoFrame(std::string_view payload);

}  // namespace local_agent
