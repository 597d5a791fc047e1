#include "mesos/recordio.h"

#include <gtest/gtest.h>

namespace mesos {
namespace {

// The exact bytes of two JSON events from mesos-executor-api.md §4.
const std::string kTwoEvents =
    "20\n{\"type\":\"HEARTBEAT\"}"
    "102\n{\"type\":\"ACKNOWLEDGED\",\"acknowledged\":{\"task_id\":{\"value\":\"web-1\"},"
    "\"uuid\":\"j1waDjt9TCqeYV1LL3qcEw==\"}}";
const std::vector<std::string> kExpected = {
    "{\"type\":\"HEARTBEAT\"}",
    "{\"type\":\"ACKNOWLEDGED\",\"acknowledged\":{\"task_id\":{\"value\":\"web-1\"},"
    "\"uuid\":\"j1waDjt9TCqeYV1LL3qcEw==\"}}"};

std::vector<std::string> DecodePieces(const std::vector<std::string_view>& pieces) {
  RecordIoDecoder decoder;
  std::vector<std::string> records;
  for (std::string_view piece : pieces) EXPECT_TRUE(decoder.Feed(piece, records).ok());
  EXPECT_TRUE(decoder.at_record_boundary());
  return records;
}

TEST(RecordIoDecoder, DecodesTheSpecExampleInOnePiece) {
  EXPECT_EQ(DecodePieces({kTwoEvents}), kExpected);
}

TEST(RecordIoDecoder, DecodesUnderEverySplitIntoTwoPieces) {
  const std::string_view all = kTwoEvents;
  for (std::size_t cut = 0; cut <= all.size(); ++cut) {
    SCOPED_TRACE(cut);
    EXPECT_EQ(DecodePieces({all.substr(0, cut), all.substr(cut)}), kExpected);
  }
}

TEST(RecordIoDecoder, DecodesUnderEverySplitIntoThreePieces) {
  const std::string_view all = kTwoEvents;
  for (std::size_t a = 0; a <= all.size(); ++a) {
    for (std::size_t b = a; b <= all.size(); ++b) {
      ASSERT_EQ(DecodePieces({all.substr(0, a), all.substr(a, b - a), all.substr(b)}), kExpected)
          << "cuts at " << a << " and " << b;
    }
  }
}

TEST(RecordIoDecoder, DecodesByteByByte) {
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < kTwoEvents.size(); ++i) bytes.push_back(std::string_view(kTwoEvents).substr(i, 1));
  EXPECT_EQ(DecodePieces(bytes), kExpected);
}

TEST(RecordIoDecoder, CountsBytesNotCharacters) {
  const std::string payload = "{\"m\":\"gr\xC3\xBC\xC3\x9F\"}";  // UTF-8 "grüß"
  EXPECT_EQ(DecodePieces({std::to_string(payload.size()) + "\n" + payload}), std::vector<std::string>{payload});
}

TEST(RecordIoDecoder, EmitsAnEmptyRecordForZeroLength) {
  EXPECT_EQ(DecodePieces({"0\n"}), std::vector<std::string>{""});
}

TEST(RecordIoDecoder, KeepsPartialRecordsBetweenFeeds) {
  RecordIoDecoder decoder;
  std::vector<std::string> records;
  ASSERT_TRUE(decoder.Feed("5\nab", records).ok());
  EXPECT_TRUE(records.empty());
  EXPECT_FALSE(decoder.at_record_boundary());
  ASSERT_TRUE(decoder.Feed("cde3\nxy", records).ok());
  EXPECT_EQ(records, std::vector<std::string>{"abcde"});
  ASSERT_TRUE(decoder.Feed("z", records).ok());
  EXPECT_EQ(records, (std::vector<std::string>{"abcde", "xyz"}));
}

struct BadHeader {
  std::string input;
  std::string why;
};

TEST(RecordIoDecoder, RejectsMalformedHeadersAndStaysFailed) {
  const BadHeader cases[] = {
      {"\n{}", "empty"},
      {"-2\n{}", "sign"},
      {" 2\n{}", "whitespace"},
      {"2\r\n{}", "carriage return"},
      {"0x10\n", "hex"},
      {"123456789012345678901\n", "longer than 20 digits"},
      {"99999999999999999999\n", "overflows uint64"},
      {"999999999\n", "above the record cap"},
  };
  for (const BadHeader& c : cases) {
    SCOPED_TRACE(c.why);
    RecordIoDecoder decoder(1024 * 1024);
    std::vector<std::string> records;
    EXPECT_FALSE(decoder.Feed(c.input, records).ok());
    EXPECT_FALSE(decoder.Feed("2\n{}", records).ok()) << "a failed decoder must stay failed";
    EXPECT_TRUE(records.empty());
  }
}

TEST(RecordIoDecoder, RejectsAHeaderThatNeverEnds) {
  RecordIoDecoder decoder;
  std::vector<std::string> records;
  EXPECT_TRUE(decoder.Feed("1234567890", records).ok());
  EXPECT_FALSE(decoder.Feed("12345678901", records).ok());
}


}  // namespace
}  // namespace mesos
