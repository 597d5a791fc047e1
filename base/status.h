// Status and Result: errors as data, never exceptions across module edges.
//
// A failed Status carries a code that callers branch on (retry a transient
// failure, treat NotFound as "absent") and a message written for the operator
// who reads the log or the Mesos TaskStatus: it names what failed and why.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace base {

enum class StatusCode {
  kOk,
  kInvalid,      // bad input: a setting, a TaskInfo, a malformed document
  kNotFound,     // the thing asked for does not exist (HTTP 404, no such image)
  kConflict,     // exists already / wrong state (HTTP 409)
  kTimeout,      // a deadline passed
  kCancelled,    // we aborted it ourselves (KILL during launch, shutdown)
  kUnavailable,  // transport failure or 5xx/503: worth a retry
  kFailed,       // anything else the peer refused
};

const char* StatusCodeName(StatusCode code);

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(StatusCode code, std::string message) {
    assert(code != StatusCode::kOk);
    return Status(code, std::move(message));
  }
  static Status Invalid(std::string m) { return Error(StatusCode::kInvalid, std::move(m)); }
  static Status NotFound(std::string m) { return Error(StatusCode::kNotFound, std::move(m)); }
  static Status Timeout(std::string m) { return Error(StatusCode::kTimeout, std::move(m)); }
  static Status Cancelled(std::string m) { return Error(StatusCode::kCancelled, std::move(m)); }
  static Status Unavailable(std::string m) { return Error(StatusCode::kUnavailable, std::move(m)); }
  static Status Failed(std::string m) { return Error(StatusCode::kFailed, std::move(m)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Transient failures are the ones a bounded retry may cure.
  bool transient() const {
    return code_ == StatusCode::kUnavailable || code_ == StatusCode::kTimeout;
  }

  // Returns a copy whose message is "<context>: <message>", same code.
  Status Wrap(std::string_view context) const;

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a value or a failed Status.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}                      // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace base
