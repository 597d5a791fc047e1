#include "tools/local_agent/recordio.h"

namespace local_agent {

std::string RecordIoFrame(std::string_view payload) {
  std::string record = std::to_string(payload.size());
  record += '\n';
  record += payload;
  return record;
}

}  // namespace local_agent
