// The local-agent command line: what to run and how the fake agent behaves.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"
#include "tools/local_agent/task_info_builder.h"

namespace local_agent {

struct CliOptions {
  std::string executor_path;  // empty: sidecar-executor next to local-agent
  std::string task_file;      // a TaskInfo in JSON, instead of the task flags
  TaskSpec task;
  bool checkpoint = false;
  bool task_killing = false;  // framework capability TASK_KILLING_STATE
  std::chrono::nanoseconds shutdown_grace = std::chrono::seconds(5);
  std::string sandbox;        // empty: a fresh temporary directory
  bool inherit_output = false;
  bool verbose = false;
  bool help = false;
};

// Parses the arguments after the program name.
base::Result<CliOptions> ParseCommandLine(const std::vector<std::string>& args);

std::string Usage();

}  // namespace local_agent
