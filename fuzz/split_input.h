// The input layout of the fuzzers whose parser is fed in pieces:
//
//   [n] [len_1] ... [len_n] [body...]
//
// The low 4 bits of the first byte are n, the number of cut points; each
// len_i (0-255) is the size of the next piece, zero-length pieces included,
// and the rest of the body is the last piece. Keeping the body verbatim
// after a short prefix lets seed files be real documents ("\x00{...}"),
// while the fuzzer still chooses where the body is cut. Bits 4-7 of the
// first byte are left to each fuzzer for its own options.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace fuzz {

struct SplitInput {
  uint8_t options = 0;  // the first byte's high nibble
  std::string_view body;
  std::vector<std::string_view> pieces;  // concatenated, exactly `body`
};

inline SplitInput Split(const uint8_t* data, std::size_t size) {
  SplitInput input;
  if (size == 0) return input;
  const std::size_t cuts = data[0] & 0x0F;
  input.options = data[0] >> 4;
  const std::size_t header = std::min(size, 1 + cuts);
  input.body = std::string_view(reinterpret_cast<const char*>(data) + header, size - header);
  std::string_view rest = input.body;
  for (std::size_t i = 1; i < header; ++i) {
    const std::size_t length = std::min<std::size_t>(data[i], rest.size());
    input.pieces.push_back(rest.substr(0, length));
    rest.remove_prefix(length);
  }
  input.pieces.push_back(rest);
  return input;
}

}  // namespace fuzz
