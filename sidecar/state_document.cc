#include "sidecar/state_document.h"

#include <boost/json/basic_parser_impl.hpp>

#include "sidecar/go_key.h"

namespace sidecar {

namespace json = boost::json;
using ErrorCode = boost::system::error_code;

namespace {

// Go's decoder nests this deep before giving up.
constexpr std::size_t kGoMaxDepth = 10000;

// What the value being parsed means, from the key that introduced it.
enum class Role : uint8_t { kDocument, kServers, kHost, kServices, kService, kStatus, kName, kIgnored };
// The object we are directly inside (outside ignored values).
enum class Level : uint8_t { kOutside, kTop, kServers, kHost, kServices, kService };

enum class Kind : uint8_t { kNull, kInteger, kOther };

}  // namespace

// The SAX handler: follows the path Servers -> host -> Services -> service
// -> Status, skips everything else, and keeps Go's view of our entry.
struct Handler {
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  explicit Handler(const ServiceKey& k) : key(k) {}

  const ServiceKey& key;
  Level level = Level::kOutside;
  Role next = Role::kDocument;
  std::size_t skip_depth = 0;  // > 0 inside an ignored array or object
  bool next_is_ours = false;   // the pending host/service value is our entry
  bool in_our_host = false;
  bool in_our_service = false;
  std::string key_buffer;      // a key that arrived in pieces
  std::string host_name;       // for messages: the host and service being read
  std::string service_name;

  bool host_found = false;
  bool service_found = false;
  int64_t status = 0;
  std::string our_name;  // our service's Name, as it arrives (in pieces)
  bool name_in_progress = false;
  std::string error;

  void Reset() {
    level = Level::kOutside;
    next = Role::kDocument;
    skip_depth = 0;
    next_is_ours = in_our_host = in_our_service = false;
    key_buffer.clear();
    host_found = service_found = false;
    status = 0;
    our_name.clear();
    name_in_progress = false;
    error.clear();
  }

  bool Fail(ErrorCode& ec, std::string message) {
    error = std::move(message);
    ec = json::error::syntax;  // the parse stops; `error` says why
    return false;
  }

  bool WrongType(ErrorCode& ec, std::string_view what) {
    switch (next) {
      case Role::kDocument: return Fail(ec, std::string("the document is ") + std::string(what) + ", not an object");
      case Role::kServers: return Fail(ec, "Servers is " + std::string(what) + ", not an object");
      case Role::kHost: return Fail(ec, "Servers[\"" + host_name + "\"] is " + std::string(what) + ", not an object");
      case Role::kServices:
        return Fail(ec, "Services of host \"" + host_name + "\" is " + std::string(what) + ", not an object");
      case Role::kService:
        return Fail(ec, "service \"" + service_name + "\" of host \"" + host_name + "\" is " + std::string(what) +
                            ", not an object");
      case Role::kStatus:
        return Fail(ec, "Status of service \"" + service_name + "\" on host \"" + host_name + "\" is " +
                            std::string(what) + ", not an integer");
      case Role::kName:
      case Role::kIgnored: break;
    }
    return true;
  }

  // An object or array starts where `next` says what it is.
  bool BeginContainer(bool object, ErrorCode& ec) {
    // A Name that is not a string is skipped, like any other field.
    if (skip_depth > 0 || next == Role::kIgnored || next == Role::kName) {
      ++skip_depth;
      return true;
    }
    if (!object) return WrongType(ec, "an array");
    switch (next) {
      case Role::kDocument: level = Level::kTop; break;
      case Role::kServers: level = Level::kServers; break;  // an existing map is added to
      case Role::kHost:
        level = Level::kHost;
        in_our_host = next_is_ours;
        if (in_our_host) {  // a fresh entry replaces an earlier one
          host_found = true;
          service_found = false;
        }
        break;
      case Role::kServices: level = Level::kServices; break;
      case Role::kService:
        level = Level::kService;
        in_our_service = next_is_ours;
        if (in_our_service) {
          service_found = true;
          status = 0;
          our_name.clear();
        }
        break;
      case Role::kStatus: return WrongType(ec, "an object");
      case Role::kName:
      case Role::kIgnored: break;
    }
    next = Role::kIgnored;
    return true;
  }

  bool EndContainer() {
    if (skip_depth > 0) {
      --skip_depth;
      return true;
    }
    switch (level) {
      case Level::kService:
        level = Level::kServices;
        in_our_service = false;
        break;
      case Level::kServices: level = Level::kHost; break;
      case Level::kHost:
        level = Level::kServers;
        in_our_host = false;
        break;
      case Level::kServers: level = Level::kTop; break;
      case Level::kTop: level = Level::kOutside; break;
      case Level::kOutside: break;
    }
    next = Role::kIgnored;
    return true;
  }

  bool Key(std::string_view piece, ErrorCode&) {
    if (skip_depth > 0) return true;
    std::string_view name = piece;
    if (!key_buffer.empty()) {
      key_buffer.append(piece);
      name = key_buffer;
    }
    switch (level) {
      case Level::kTop: next = GoKeyMatches(name, "servers") ? Role::kServers : Role::kIgnored; break;
      case Level::kServers:
        next = Role::kHost;
        host_name.assign(name);
        next_is_ours = name == key.host;
        break;
      case Level::kHost: next = GoKeyMatches(name, "services") ? Role::kServices : Role::kIgnored; break;
      case Level::kServices:
        next = Role::kService;
        service_name.assign(name);
        next_is_ours = in_our_host && name == key.service_id;
        break;
      case Level::kService:
        if (GoKeyMatches(name, "status")) {
          next = Role::kStatus;
        } else if (in_our_service && GoKeyMatches(name, "name")) {
          next = Role::kName;
        } else {
          next = Role::kIgnored;
        }
        break;
      case Level::kOutside: next = Role::kIgnored; break;
    }
    key_buffer.clear();
    return true;
  }

  bool Scalar(Kind kind, int64_t value, std::string_view what, ErrorCode& ec) {
    if (skip_depth > 0) return true;
    const Role role = next;
    next = Role::kIgnored;
    // A Name that is not a string is not read (the types of fields other than
    // Status are not checked, see the header).
    if (role == Role::kIgnored || (role == Role::kName && kind != Kind::kNull)) return true;
    if (role == Role::kStatus && kind == Kind::kInteger) {
      if (in_our_service) status = value;
      return true;
    }
    if (kind != Kind::kNull) {
      next = role;
      return WrongType(ec, what);
    }
    switch (role) {  // null: Go's "no value"
      case Role::kServers: host_found = service_found = false; break;
      case Role::kHost:
        if (next_is_ours) {
          host_found = true;
          service_found = false;
        }
        break;
      case Role::kServices:
        if (in_our_host) service_found = false;
        break;
      case Role::kService:
        if (next_is_ours) {
          service_found = true;
          status = 0;
          our_name.clear();
        }
        break;
      case Role::kName:  // null leaves a Go string as it was
      case Role::kDocument:
      case Role::kStatus:
      case Role::kIgnored: break;
    }
    return true;
  }

  // The basic_parser handler interface.
  bool on_document_begin(ErrorCode&) { return true; }
  bool on_document_end(ErrorCode&) { return true; }
  bool on_object_begin(ErrorCode& ec) { return BeginContainer(true, ec); }
  bool on_object_end(std::size_t, ErrorCode&) { return EndContainer(); }
  bool on_array_begin(ErrorCode& ec) { return BeginContainer(false, ec); }
  bool on_array_end(std::size_t, ErrorCode&) { return EndContainer(); }
  bool on_key_part(json::string_view s, std::size_t, ErrorCode&) {
    if (skip_depth == 0) key_buffer.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, ErrorCode& ec) { return Key(std::string_view(s.data(), s.size()), ec); }
  bool on_string_part(json::string_view s, std::size_t, ErrorCode&) {
    if (skip_depth == 0 && next == Role::kName) AppendName(s, false);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, ErrorCode& ec) {
    if (skip_depth == 0 && next == Role::kName) {
      AppendName(s, true);
      next = Role::kIgnored;
      return true;
    }
    return Scalar(Kind::kOther, 0, "a string", ec);
  }
  // A Name arrives in pieces; the first piece of a new value replaces the old one.
  void AppendName(json::string_view piece, bool last) {
    if (!name_in_progress) our_name.clear();
    our_name.append(piece.data(), piece.size());
    name_in_progress = !last;
  }
  bool on_number_part(json::string_view, ErrorCode&) { return true; }
  bool on_int64(int64_t i, json::string_view, ErrorCode& ec) { return Scalar(Kind::kInteger, i, "", ec); }
  bool on_uint64(uint64_t, json::string_view, ErrorCode& ec) {
    // Only values beyond int64 come here: Go's int overflows.
    return Scalar(Kind::kOther, 0, "an integer beyond int64", ec);
  }
  bool on_double(double, json::string_view, ErrorCode& ec) { return Scalar(Kind::kOther, 0, "a fractional number", ec); }
  bool on_bool(bool, ErrorCode& ec) { return Scalar(Kind::kOther, 0, "a boolean", ec); }
  bool on_null(ErrorCode& ec) { return Scalar(Kind::kNull, 0, "", ec); }
  bool on_comment_part(json::string_view, ErrorCode&) { return true; }
  bool on_comment(json::string_view, ErrorCode&) { return true; }
};

namespace {

json::parse_options GoLikeOptions() {
  json::parse_options options;
  options.max_depth = kGoMaxDepth;
  options.allow_invalid_utf8 = true;  // Go's decoder does not check UTF-8
  return options;
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

struct StateDocumentReader::Impl {
  explicit Impl(ServiceKey k) : key(std::move(k)), parser(GoLikeOptions(), key) {}

  ServiceKey key;
  json::basic_parser<Handler> parser;
  std::size_t offset = 0;  // bytes fed so far, for messages
  bool complete = false;   // the top-level value has ended
  std::string error;       // set once undecodable

  void Reset() {
    parser.reset();
    parser.handler().Reset();
    offset = 0;
    complete = false;
    error.clear();
  }

  void Failed(const ErrorCode& ec, std::size_t at) {
    const std::string& reason = parser.handler().error;
    error = reason.empty() ? "invalid JSON at byte " + std::to_string(at) + ": " + ec.message() : reason;
  }

  // Only white space may follow the document; `at` is rest's offset.
  void CheckTrailing(std::string_view rest, std::size_t at) {
    for (std::size_t i = 0; i < rest.size(); ++i) {
      if (!IsJsonSpace(rest[i])) {
        error = "invalid JSON at byte " + std::to_string(at + i) + ": data after the document";
        return;
      }
    }
  }

  bool Feed(std::string_view piece) {
    if (!error.empty()) return false;
    if (complete) {
      CheckTrailing(piece, offset);
    } else {
      ErrorCode ec;
      const std::size_t used = parser.write_some(true, piece.data(), piece.size(), ec);
      if (ec) {
        Failed(ec, offset + used);
      } else if (parser.done()) {
        complete = true;
        CheckTrailing(piece.substr(used), offset + used);
      }
    }
    offset += piece.size();
    return error.empty();
  }

  StateLookup Finish() {
    if (error.empty() && !complete) {
      ErrorCode ec;
      parser.write_some(false, nullptr, 0, ec);
      if (ec) Failed(ec, offset);
    }
    StateLookup lookup;
    const Handler& h = parser.handler();
    if (!error.empty()) {
      lookup.outcome = StateLookup::Outcome::kUndecodable;
      lookup.error = error;
    } else if (!h.host_found) {
      lookup.outcome = StateLookup::Outcome::kHostMissing;
    } else if (!h.service_found) {
      lookup.outcome = StateLookup::Outcome::kServiceMissing;
    } else {
      lookup.outcome = StateLookup::Outcome::kFound;
      lookup.status = h.status;
      lookup.name = h.our_name;
    }
    Reset();
    return lookup;
  }
};

StateDocumentReader::StateDocumentReader(ServiceKey key) : impl_(std::make_unique<Impl>(std::move(key))) {}
StateDocumentReader::~StateDocumentReader() = default;

bool StateDocumentReader::Feed(std::string_view piece) { return impl_->Feed(piece); }
StateLookup StateDocumentReader::Finish() { return impl_->Finish(); }
const ServiceKey& StateDocumentReader::key() const { return impl_->key; }

StateLookup LookUpService(std::string_view document, const ServiceKey& key) {
  StateDocumentReader reader(key);
  reader.Feed(document);
  return reader.Finish();
}

std::string StatusName(int64_t status) {
  switch (status) {
    case 0: return "ALIVE";
    case 1: return "TOMBSTONE";
    case 2: return "UNHEALTHY";
    case 3: return "UNKNOWN";
    case 4: return "DRAINING";
    default: return "status " + std::to_string(status);
  }
}

}  // namespace sidecar
