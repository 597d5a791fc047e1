// The README's settings table must be exactly what the settings table in
// the code says, so neither can change without the other.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "executor/docker_parameters.h"
#include "executor/settings.h"

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The README text between <!-- name:begin --> and <!-- name:end -->.
std::string Section(const std::string& name) {
  const std::string readme = ReadFile(README_PATH);
  const std::string begin = "<!-- " + name + ":begin -->";
  const std::size_t from = readme.find(begin);
  const std::size_t to = readme.find("<!-- " + name + ":end -->");
  if (from == std::string::npos || to == std::string::npos) return "(no " + name + " markers in README.md)";
  return readme.substr(from + begin.size(), to - from - begin.size());
}

TEST(Readme, SettingsTableMatchesTheCode) {
  EXPECT_EQ(Section("settings-table"), "\n" + executor::SettingsMarkdownTable())
      << "Update README.md between the markers with the table above.";
}

TEST(Readme, ListsExactlyTheSupportedDockerParameters) {
  std::string expected;
  for (std::string_view parameter : executor::SupportedDockerParameters()) {
    if (!expected.empty()) expected += ' ';
    expected += "`" + std::string(parameter) + "`";
  }
  EXPECT_EQ(Section("docker-parameters"), expected);
}

}  // namespace
