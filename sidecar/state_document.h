// Finding our own service's status in Sidecar's state document
// (sidecar-api.md §2): Servers[<TASK_HOST>].Services[<container id, 12
// chars>].Status, read exactly as the upstream executor's Go decoder read it,
// so that fail-open decisions stay identical:
//
//   * keys Servers, Services and Status match case-insensitively (Go's
//     folding, including U+017F for "s"); host and service keys exactly;
//   * a Status that is not an integer (a string, 2.0, 1e0, out of int64),
//     in ANY service of ANY host, or a Servers/host/Services/service value of
//     the wrong JSON type, makes the whole document undecodable, as does any
//     syntax error anywhere, trailing data or an empty body;
//   * null is Go's "no value": a null Servers or Services empties the map, a
//     null host or service is an entry with zero values (Status 0), a null
//     Status leaves the value it had; a missing Status is 0;
//   * the last of duplicated keys wins; a repeated Servers or Services
//     object adds to the map, as Go's decoder reuses the map.
//
// Not checked, unlike upstream: the types of the other Service fields
// (times, ports, names). Sidecar always writes them correctly, and what Go's
// time parser rejected changed between Go releases. Escapes that decode to
// lone UTF-16 surrogates are rejected (Go replaced them with U+FFFD).
//
// The reader is a SAX pass over the bytes (boost::json::basic_parser) fed
// piece by piece as the body arrives: no tree is built and the document is
// never held in memory whole, because on a large cluster it is several MB and
// every executor on the host reads it every poll interval.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sidecar {

// Where our service is in Sidecar's catalogue.
struct ServiceKey {
  std::string host;        // the Servers key: the executor's TASK_HOST
  std::string service_id;  // the Services key: the container id's first 12 characters
};

struct StateLookup {
  enum class Outcome { kFound, kHostMissing, kServiceMissing, kUndecodable };
  Outcome outcome = Outcome::kUndecodable;
  int64_t status = 0;  // kFound: the Status integer (0 when absent or null)
  std::string name;    // kFound: the service's Name, if a string (what Sidecar files it under)
  std::string error;   // kUndecodable: what is wrong with the document
};

// An incremental reader; reusable: Finish() readies it for the next document.
class StateDocumentReader {
 public:
  explicit StateDocumentReader(ServiceKey key);
  ~StateDocumentReader();
  StateDocumentReader(const StateDocumentReader&) = delete;
  StateDocumentReader& operator=(const StateDocumentReader&) = delete;

  // The next piece of the body, in order. Returns false once the document
  // is known to be undecodable; later pieces are then ignored.
  bool Feed(std::string_view piece);
  // The body ended: the answer for the whole document.
  StateLookup Finish();

  const ServiceKey& key() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The whole document at once.
StateLookup LookUpService(std::string_view document, const ServiceKey& key);

// "ALIVE", "TOMBSTONE", "UNHEALTHY", "UNKNOWN", "DRAINING", else "status <n>".
std::string StatusName(int64_t status);

}  // namespace sidecar
