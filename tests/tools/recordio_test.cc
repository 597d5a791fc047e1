#include "tools/local_agent/recordio.h"

#include <gtest/gtest.h>

namespace local_agent {
namespace {

TEST(RecordIo, FramesAsTheSpecExampleShows) {
  const std::string heartbeat = R"({"type":"HEARTBEAT"})";
  const std::string ack =
      R"({"type":"ACKNOWLEDGED","acknowledged":{"task_id":{"value":"web-1"},"uuid":"j1waDjt9TCqeYV1LL3qcEw=="}})";
  EXPECT_EQ(RecordIoFrame(heartbeat) + RecordIoFrame(ack),
            "20\n" + heartbeat + "102\n" + ack);
}

TEST(RecordIo, CountsBytesNotCharacters) {
  EXPECT_EQ(RecordIoFrame("\"\xc3\xa9\""), "4\n\"\xc3\xa9\"");  // "é" is two bytes
}

TEST(RecordIo, EmptyPayload) { EXPECT_EQ(RecordIoFrame(""), "0\n"); }

}  // namespace
}  // namespace local_agent
