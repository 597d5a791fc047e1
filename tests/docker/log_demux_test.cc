// Log bodies become the same lines per stream however the bytes are split
// (docker-engine-api.md §5.1, §5.2).
#include "docker/log_demux.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace docker {
namespace {

using Lines = std::vector<std::pair<LogStream, std::string>>;

std::string Frame(LogStream stream, std::string_view payload) {
  std::string header(8, '\0');
  header[0] = static_cast<char>(stream);
  const auto n = static_cast<uint32_t>(payload.size());
  header[4] = static_cast<char>(n >> 24);
  header[5] = static_cast<char>(n >> 16);
  header[6] = static_cast<char>(n >> 8);
  header[7] = static_cast<char>(n);
  return header + std::string(payload);
}

// The verified output of `echo out-line; echo err-line >&2; cat greeting.txt`.
const std::string kSpecExample = [] {
  const unsigned char bytes[] = {
      0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 'e',  'r',  'r', '-', 'l', 'i', 'n', 'e',
      0x0a, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 'o',  'u', 't', '-', 'l', 'i', 'n',
      'e',  0x0a, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 'h', 'e', 'l', 'l', 'o', 0x0a};
  return std::string(reinterpret_cast<const char*>(bytes), sizeof(bytes));
}();

const Lines kSpecLines = {{LogStream::kStderr, "err-line"},
                          {LogStream::kStdout, "out-line"},
                          {LogStream::kStdout, "hello"}};

// Feeds `body` cut at `cuts` (ascending offsets), then finishes.
Lines Demux(LogDemuxer::Framing framing, std::string_view body,
            const std::vector<std::size_t>& cuts, std::size_t max_line = kDefaultMaxLogLine,
            base::Status* finish = nullptr) {
  Lines lines;
  LogDemuxer demuxer(
      framing, [&](LogStream s, std::string_view line) { lines.emplace_back(s, line); }, max_line);
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    EXPECT_TRUE(demuxer.Feed(body.substr(from, cut - from)).ok());
    from = cut;
  }
  EXPECT_TRUE(demuxer.Feed(body.substr(from)).ok());
  base::Status finished = demuxer.Finish();
  if (finish)
    *finish = finished;
  else
    EXPECT_TRUE(finished.ok()) << finished.message();
  return lines;
}

TEST(LogDemuxer, SpecExampleWhole) {
  EXPECT_EQ(Demux(LogDemuxer::Framing::kMultiplexed, kSpecExample, {}), kSpecLines);
}

TEST(LogDemuxer, SpecExampleUnderEverySplitPoint) {
  for (std::size_t i = 0; i <= kSpecExample.size(); ++i) {
    EXPECT_EQ(Demux(LogDemuxer::Framing::kMultiplexed, kSpecExample, {i}), kSpecLines)
        << "cut " << i;
  }
}

TEST(LogDemuxer, SpecExampleUnderEveryPairOfSplitPoints) {
  for (std::size_t i = 0; i <= kSpecExample.size(); ++i) {
    for (std::size_t j = i; j <= kSpecExample.size(); ++j) {
      EXPECT_EQ(Demux(LogDemuxer::Framing::kMultiplexed, kSpecExample, {i, j}), kSpecLines)
          << "cuts " << i << "," << j;
    }
  }
}

TEST(LogDemuxer, SpecExampleByteByByte) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < kSpecExample.size(); ++i) cuts.push_back(i);
  EXPECT_EQ(Demux(LogDemuxer::Framing::kMultiplexed, kSpecExample, cuts), kSpecLines);
}

TEST(LogDemuxer, ReassemblesALineSplitOverRecords) {
  // Docker stored a 40 000-character line as records of 16384 + 16384 + 7233
  // bytes, only the last ending in '\n'.
  const std::string line(40000, 'x');
  std::string last = line.substr(32768);
  last += '\n';
  const std::string body = Frame(LogStream::kStdout, line.substr(0, 16384)) +
                           Frame(LogStream::kStdout, line.substr(16384, 16384)) +
                           Frame(LogStream::kStdout, last);
  EXPECT_EQ(Demux(LogDemuxer::Framing::kMultiplexed, body, {5, 16390, 20000}),
            (Lines{{LogStream::kStdout, line}}));
}

TEST(LogDemuxer, KeepsPartialLinesOfEachStreamApart) {
  const std::string body = Frame(LogStream::kStdout, "par") + Frame(LogStream::kStderr, "err\n") +
                           Frame(LogStream::kStdout, "tial\n");
  EXPECT_EQ(Demux(LogDemuxer::Framing::kMultiplexed, body, {}),
            (Lines{{LogStream::kStderr, "err"}, {LogStream::kStdout, "partial"}}));
}

TEST(LogDemuxer, FlushesAnUnterminatedLastRecordAtFinish) {
  const std::string body = Frame(LogStream::kStdout, "a\n") + Frame(LogStream::kStdout, "no-nl");
  EXPECT_EQ(Demux(LogDemuxer::Framing::kMultiplexed, body, {}),
            (Lines{{LogStream::kStdout, "a"}, {LogStream::kStdout, "no-nl"}}));
}

TEST(LogDemuxer, EmptyLinesAreLines) {
  EXPECT_EQ(Demux(LogDemuxer::Framing::kMultiplexed, Frame(LogStream::kStdout, "\n\nx\n"), {}),
            (Lines{{LogStream::kStdout, ""}, {LogStream::kStdout, ""}, {LogStream::kStdout, "x"}}));
}

TEST(LogDemuxer, EmptyFramesAreHarmless) {
  const std::string body = Frame(LogStream::kStdout, "") + Frame(LogStream::kStderr, "e\n");
  EXPECT_EQ(Demux(LogDemuxer::Framing::kMultiplexed, body, {8}),
            (Lines{{LogStream::kStderr, "e"}}));
}

TEST(LogDemuxer, RawModeIsAllStdoutWithTtyLineEndings) {
  const std::string body = "out-line\r\nerr-line\r\nlast";
  for (std::size_t i = 0; i <= body.size(); ++i) {
    EXPECT_EQ(Demux(LogDemuxer::Framing::kRaw, body, {i}), (Lines{{LogStream::kStdout, "out-line"},
                                                                  {LogStream::kStdout, "err-line"},
                                                                  {LogStream::kStdout, "last"}}))
        << "cut " << i;
  }
}

TEST(LogDemuxer, RejectsAnUnknownStream) {
  LogDemuxer demuxer(LogDemuxer::Framing::kMultiplexed, [](LogStream, std::string_view) {});
  std::string body = Frame(LogStream::kStdout, "x\n");
  body[0] = 7;
  base::Status fed = demuxer.Feed(body);
  EXPECT_EQ(fed.code(), base::StatusCode::kInvalid);
  EXPECT_FALSE(demuxer.Feed(Frame(LogStream::kStdout, "y\n")).ok());
}

TEST(LogDemuxer, ReportsABodyThatEndsInsideAFrameButDeliversWhatCame) {
  const std::string body = Frame(LogStream::kStdout, "complete\npartial");
  base::Status finish;
  Lines lines =
      Demux(LogDemuxer::Framing::kMultiplexed, body.substr(0, body.size() - 3), {}, 100, &finish);
  EXPECT_EQ(finish.code(), base::StatusCode::kInvalid);
  EXPECT_EQ(lines, (Lines{{LogStream::kStdout, "complete"}, {LogStream::kStdout, "part"}}));
}

TEST(LineAssembler, SplitsOverlongLinesIntoPiecesOfTheCap) {
  const std::string body = "abcdefghij\nabcd\nabcde\n";
  const std::vector<std::string> want = {"abcd", "efgh", "ij", "abcd", "abcd", "e"};
  for (std::size_t i = 0; i <= body.size(); ++i) {
    for (std::size_t j = i; j <= body.size(); ++j) {
      LineAssembler assembler(4, false);
      std::vector<std::string> got;
      auto emit = [&](std::string_view line) { got.emplace_back(line); };
      assembler.Add(std::string_view(body).substr(0, i), emit);
      assembler.Add(std::string_view(body).substr(i, j - i), emit);
      assembler.Add(std::string_view(body).substr(j), emit);
      assembler.Flush(emit);
      EXPECT_EQ(got, want) << "cuts " << i << "," << j;
    }
  }
}

TEST(LineAssembler, FlushDeliversNothingWhenEverythingWasTerminated) {
  LineAssembler assembler(16, false);
  std::vector<std::string> got;
  auto emit = [&](std::string_view line) { got.emplace_back(line); };
  assembler.Add("a\n", emit);
  assembler.Flush(emit);
  EXPECT_EQ(got, std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace docker
