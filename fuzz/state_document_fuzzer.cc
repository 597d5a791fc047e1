// Sidecar's state document (sidecar/state_document.h), read by the SAX
// reader as the body arrives. Invariants: the answer does not depend on how
// the body is cut (but for how a syntax error is worded, see Comparable),
// and a reader reused after Finish() answers as a new one.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/split_input.h"
#include "sidecar/state_document.h"

namespace {

// The host and service of the seed documents (sidecar-api.md §2), so that the fuzzer starts on
// the path that decides the answer.
const sidecar::ServiceKey kKey{"mesos-worker-01", "3f2a9c1b7d4e"};

// Boost's parser words and places a syntax error by the state it stopped
// in, which depends on where the body was cut: a token cut between pieces
// fails at its start in one reading and at the failing byte in the other,
// and a lone surrogate escape is an "illegal leading surrogate" whole but an
// "illegal trailing surrogate" cut. So for Boost's syntax errors only the
// fact is compared; the reader's own messages are compared in full.
std::string Comparable(const std::string& error) {
  constexpr std::string_view kSyntaxError = "invalid JSON at byte ";
  return error.starts_with(kSyntaxError) ? std::string(kSyntaxError) : error;
}

bool Same(const sidecar::StateLookup& a, const sidecar::StateLookup& b) {
  return a.outcome == b.outcome && a.status == b.status && a.name == b.name &&
         Comparable(a.error) == Comparable(b.error);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const fuzz::SplitInput input = fuzz::Split(data, size);
  const sidecar::StateLookup whole = sidecar::LookUpService(input.body, kKey);

  sidecar::StateDocumentReader reader(kKey);
  // Pieces after a failure are fed too: the reader promises to ignore them.
  for (std::string_view piece : input.pieces) reader.Feed(piece);
  if (!Same(whole, reader.Finish())) __builtin_trap();

  reader.Feed(input.body);
  if (!Same(whole, reader.Finish())) __builtin_trap();
  return 0;
}
