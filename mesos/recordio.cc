#include "mesos/recordio.h"

#include <algorithm>

namespace mesos {

namespace {
// A uint64 has at most 20 decimal digits.
constexpr std::size_t kMaxHeaderDigits = 20;
}  // namespace

base::Status RecordIoDecoder::ParseHeader() {
  if (header_.empty()) return base::Status::Invalid("RecordIO: empty length header");
  uint64_t value = 0;
  for (char c : header_) {
    if (c < '0' || c > '9') {
      return base::Status::Invalid("RecordIO: length header '" + header_.substr(0, 32) +
                                   "' is not a decimal number");
    }
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      return base::Status::Invalid("RecordIO: length header overflows");
    }
    value = value * 10 + digit;
  }
  if (value > max_record_) {
    return base::Status::Invalid("RecordIO: record of " + std::to_string(value) +
                                 " bytes exceeds the limit of " + std::to_string(max_record_));
  }
  expected_ = value;
  return base::Status::Ok();
}

base::Status RecordIoDecoder::Feed(std::string_view bytes, std::vector<std::string>& records) {
  if (!error_.ok()) return error_;
  for (;;) {
    if (!reading_payload_) {
      if (bytes.empty()) break;
      const std::size_t newline = bytes.find('\n');
      const std::string_view part = bytes.substr(0, newline);
      if (header_.size() + part.size() > kMaxHeaderDigits) {
        error_ = base::Status::Invalid("RecordIO: length header longer than 20 characters");
        return error_;
      }
      header_.append(part);
      if (newline == std::string_view::npos) break;
      bytes.remove_prefix(newline + 1);
      error_ = ParseHeader();
      if (!error_.ok()) return error_;
      header_.clear();
      reading_payload_ = true;
      payload_.clear();
      payload_.reserve(expected_);
    }
    const std::size_t take = static_cast<std::size_t>(
        std::min<uint64_t>(expected_ - payload_.size(), bytes.size()));
    payload_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (payload_.size() < expected_) break;  // needs more bytes
    records.push_back(std::move(payload_));
    payload_.clear();
    reading_payload_ = false;
  }
  return base::Status::Ok();
}


}  // namespace mesos
