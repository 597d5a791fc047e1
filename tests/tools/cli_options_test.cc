#include "tools/local_agent/cli_options.h"

#include <gtest/gtest.h>

namespace local_agent {
namespace {

using namespace std::chrono_literals;

TEST(CliOptions, SimpleTaskFlags) {
  base::Result<CliOptions> options = ParseCommandLine(
      {"--image", "nginx", "--command=sleep 5", "--arg", "a", "--arg", "b", "--env", "K=V=W",
       "--port", "80:31000", "--network", "bridge", "--label", "x=y", "--param", "ulimit=nofile=1",
       "--cpus", "0.5", "--mem", "64", "--task-id", "t-1", "--name", "web", "--kill-grace", "3s",
       "--checkpoint", "--task-killing", "--shutdown-grace", "2s", "--sandbox", "/tmp/s",
       "--executor", "/bin/x", "-v", "--inherit-output"});
  ASSERT_TRUE(options.ok()) << options.status().message();
  const TaskSpec& task = options->task;
  EXPECT_EQ(task.image, "nginx");
  EXPECT_EQ(task.shell_command, "sleep 5");
  EXPECT_EQ(task.arguments, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(task.environment, (KeyValues{{"K", "V=W"}}));
  ASSERT_EQ(task.ports.size(), 1u);
  EXPECT_EQ(task.ports[0].container_port, 80u);
  EXPECT_EQ(task.ports[0].host_port, 31000u);
  EXPECT_EQ(task.network, "BRIDGE");
  EXPECT_EQ(task.labels, (KeyValues{{"x", "y"}}));
  EXPECT_EQ(task.parameters, (KeyValues{{"ulimit", "nofile=1"}}));
  EXPECT_EQ(task.cpus, 0.5);
  EXPECT_EQ(task.mem, 64);
  EXPECT_EQ(task.task_id, "t-1");
  EXPECT_EQ(task.name, "web");
  EXPECT_EQ(task.kill_grace, std::chrono::nanoseconds(3s));
  EXPECT_TRUE(options->checkpoint);
  EXPECT_TRUE(options->task_killing);
  EXPECT_EQ(options->shutdown_grace, 2s);
  EXPECT_EQ(options->sandbox, "/tmp/s");
  EXPECT_EQ(options->executor_path, "/bin/x");
  EXPECT_TRUE(options->verbose);
  EXPECT_TRUE(options->inherit_output);
}

TEST(CliOptions, Rejections) {
  const std::vector<std::vector<std::string>> bad = {
      {},                                        // no task at all
      {"--command", "x"},                        // no image
      {"--task", "t.json", "--image", "x"},      // file and flags
      {"--image", "x", "--port", "80"},
      {"--image", "x", "--port", "80:0"},
      {"--image", "x", "--network", "overlay"},
      {"--image", "x", "--env", "NOVALUE"},
      {"--image", "x", "--cpus", "-1"},
      {"--image", "x", "--kill-grace", "soon"},
      {"--image"},                               // value missing
      {"--image", "x", "--frobnicate"},
  };
  for (const auto& args : bad) {
    std::string line;
    for (const auto& a : args) line += a + " ";
    EXPECT_FALSE(ParseCommandLine(args).ok()) << line;
  }
}

TEST(CliOptions, TaskFileAndHelp) {
  base::Result<CliOptions> file = ParseCommandLine({"--task", "t.json", "--checkpoint"});
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->task_file, "t.json");
  base::Result<CliOptions> help = ParseCommandLine({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_TRUE(help->help);
}

}  // namespace
}  // namespace local_agent
