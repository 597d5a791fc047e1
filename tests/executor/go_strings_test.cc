#include "executor/go_strings.h"

#include <gtest/gtest.h>

namespace executor {
namespace {

TEST(SplitLikeGo, KeepsEveryPieceLikeStringsSplit) {
  using Pieces = std::vector<std::string>;
  const std::pair<std::string, Pieces> cases[] = {
      {"", {""}},
      {"a", {"a"}},
      {"a,b", {"a", "b"}},
      {"a, b", {"a", " b"}},  // no trimming
      {"a,,b", {"a", "", "b"}},
      {",a,", {"", "a", ""}},
  };
  for (const auto& [text, pieces] : cases) EXPECT_EQ(SplitLikeGo(text, ','), pieces) << text;
  EXPECT_EQ(SplitLikeGo("make  build", ' '), (Pieces{"make", "", "build"}));
}

}  // namespace
}  // namespace executor
