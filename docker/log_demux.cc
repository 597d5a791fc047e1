#include "docker/log_demux.h"

#include <algorithm>

namespace docker {

LineAssembler::LineAssembler(std::size_t max_line, bool strip_cr)
    : max_line_(std::max<std::size_t>(max_line, 1)), strip_cr_(strip_cr) {}

void LineAssembler::Add(std::string_view bytes, const Emit& emit) {
  while (!bytes.empty()) {
    const std::size_t room = max_line_ - pending_.size();
    const std::size_t newline = bytes.substr(0, room + 1).find('\n');
    if (newline != std::string_view::npos) {
      pending_.append(bytes.substr(0, newline));
      bytes.remove_prefix(newline + 1);
      if (strip_cr_ && pending_.ends_with('\r')) pending_.pop_back();
      emit(pending_);
      pending_.clear();
    } else if (bytes.size() > room) {
      // The byte after a full cap is not '\n': the line is too long, deliver
      // a piece. (Exactly max_line bytes then '\n' is a whole line, even when
      // the '\n' arrives in a later call: the full buffer waits for it.)
      pending_.append(bytes.substr(0, room));
      bytes.remove_prefix(room);
      emit(pending_);
      pending_.clear();
    } else {
      pending_.append(bytes);
      return;
    }
  }
}

void LineAssembler::Flush(const Emit& emit) {
  if (pending_.empty()) return;
  emit(pending_);
  pending_.clear();
}

LogDemuxer::LogDemuxer(Framing framing, LineHandler handler, std::size_t max_line)
    : framing_(framing),
      handler_(std::move(handler)),
      lines_{LineAssembler(max_line, false), LineAssembler(max_line, framing == Framing::kRaw),
             LineAssembler(max_line, false)} {}

void LogDemuxer::Deliver(LogStream stream, std::string_view bytes) {
  lines_[static_cast<std::size_t>(stream)].Add(
      bytes, [&](std::string_view line) { handler_(stream, line); });
}

base::Status LogDemuxer::Feed(std::string_view bytes) {
  if (!failure_.ok()) return failure_;
  if (framing_ == Framing::kRaw) {
    Deliver(LogStream::kStdout, bytes);
    return base::Status::Ok();
  }
  while (!bytes.empty()) {
    if (payload_left_ > 0) {
      const std::size_t n = std::min<std::size_t>(payload_left_, bytes.size());
      Deliver(current_, bytes.substr(0, n));
      bytes.remove_prefix(n);
      payload_left_ -= static_cast<uint32_t>(n);
      continue;
    }
    const std::size_t n = std::min(header_.size() - header_size_, bytes.size());
    std::copy_n(bytes.data(), n, header_.data() + header_size_);
    header_size_ += n;
    bytes.remove_prefix(n);
    if (header_size_ < header_.size()) break;
    header_size_ = 0;
    if (header_[0] > 2) {
      failure_ = base::Status::Invalid("log stream: frame header names unknown stream " +
                                       std::to_string(header_[0]));
      return failure_;
    }
    current_ = static_cast<LogStream>(header_[0]);
    payload_left_ = (uint32_t{header_[4]} << 24) | (uint32_t{header_[5]} << 16) |
                    (uint32_t{header_[6]} << 8) | uint32_t{header_[7]};
  }
  return base::Status::Ok();
}

base::Status LogDemuxer::Finish() {
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    const auto stream = static_cast<LogStream>(i);
    lines_[i].Flush([&](std::string_view line) { handler_(stream, line); });
  }
  if (!failure_.ok()) return failure_;
  if (payload_left_ > 0 || header_size_ > 0) {
    return base::Status::Invalid("log stream ended inside a frame");
  }
  return base::Status::Ok();
}

}  // namespace docker
