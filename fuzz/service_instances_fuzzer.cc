// One service's instances from Sidecar (sidecar/service_instances.h), the
// answer every poll reads once the executor knows its service's name.
// Invariant: white space after the document does not change the answer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sidecar/service_instances.h"

namespace {

// The seeds' service (sidecar-api.md §6), so that the fuzzer starts on the path that decides.
const sidecar::ServiceKey kKey{"mesos-worker-01", "3f2a9c1b7d4e"};
constexpr std::string_view kName = "web-frontend";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string document(reinterpret_cast<const char*>(data), size);
  const std::optional<int64_t> status = sidecar::FindInstanceStatus(document, kName, kKey);
  if (sidecar::FindInstanceStatus(document + "\n \t", kName, kKey) != status) __builtin_trap();
  return 0;
}
