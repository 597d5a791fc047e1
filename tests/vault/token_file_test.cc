#include "vault/token_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/coroutine_test.h"

namespace vault {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using std::chrono::system_clock;

class TokenFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/vault-token-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/token";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& content, std::chrono::seconds age = 0s) {
    std::ofstream(path_) << content;
    const auto when = fs::file_time_type::clock::now() - age;
    fs::last_write_time(path_, when);
  }

  std::string dir_;
  std::string path_;
};

TEST(TokenFileFreshness, UpstreamsOneHourGraceRule) {
  const auto now = system_clock::now();
  EXPECT_TRUE(IsTokenFileFresh(now - 22h, now, 86400s));
  EXPECT_TRUE(IsTokenFileFresh(now - 23h + 1s, now, 86400s));
  EXPECT_FALSE(IsTokenFileFresh(now - 23h - 1s, now, 86400s));
  EXPECT_FALSE(IsTokenFileFresh(now, now, 3600s)) << "VAULT_TTL <= 1h: never reused";
  EXPECT_FALSE(IsTokenFileFresh(now, now, 0s));
  EXPECT_TRUE(IsTokenFileFresh(now - 59min, now, 7200s));
}

TEST_F(TokenFileTest, ReadsAFreshTokenTrimmed) {
  Write("  hvs.cached\n");
  base::Result<std::string> token = ReadFreshToken(path_, 86400s);
  ASSERT_TRUE(token.ok()) << token.status().message();
  EXPECT_EQ(*token, "hvs.cached");
}

TEST_F(TokenFileTest, RefusesStaleEmptyAndMissingFiles) {
  Write("hvs.old", 24h);
  EXPECT_FALSE(ReadFreshToken(path_, 86400s).ok());
  Write(" \n");
  EXPECT_FALSE(ReadFreshToken(path_, 86400s).ok());
  fs::remove(path_);
  EXPECT_EQ(ReadFreshToken(path_, 86400s).status().code(), base::StatusCode::kNotFound);
}

TEST_F(TokenFileTest, WritesAtomicallyWithMode0600) {
  Write("hvs.old");
  fs::permissions(path_, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
  ASSERT_TRUE(WriteTokenFile(path_, "hvs.new").ok());
  std::ifstream in(path_);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "hvs.new") << "the raw token, as upstream wrote it";
  struct stat st {};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    ++entries;
    (void)entry;
  }
  EXPECT_EQ(entries, 1) << "no temporary file left behind";
}

TEST_F(TokenFileTest, WriteFailsCleanlyInAMissingDirectory) {
  EXPECT_FALSE(WriteTokenFile(dir_ + "/absent/token", "hvs.x").ok());
}

TEST_F(TokenFileTest, TheLockIsExclusiveAndWaitsWithADeadline) {
  test::RunCoroutine([&](asio::any_io_executor) -> asio::awaitable<void> {
    const std::string lock_path = path_ + ".lock";
    base::Result<FileLock> first = co_await FileLock::Acquire(lock_path, base::After(5s));
    CO_ASSERT_OK(first);
    base::Result<FileLock> second = co_await FileLock::Acquire(lock_path, base::After(50ms));
    EXPECT_EQ(second.status().code(), base::StatusCode::kTimeout);
    {
      FileLock released = std::move(first).value();
    }
    base::Result<FileLock> third = co_await FileLock::Acquire(lock_path, base::After(5s));
    CO_ASSERT_OK(third);
    struct stat st {};
    EXPECT_EQ(stat(lock_path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  });
}

}  // namespace
}  // namespace vault
