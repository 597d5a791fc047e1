// The executor's process title, as ps shows it: upstream's
// "sidecar-executor <id12> (<image>)", so an operator can tell hundreds of
// executors apart. Unlike upstream, the title is not cut to the length of
// argv[0]: the environment block that follows argv in memory is moved to the
// heap and its space reused, the way nginx and PostgreSQL do it.
#pragma once

#include <string>
#include <string_view>

namespace executor {

// Must run at the top of main, before anything keeps pointers into argv or
// environ. Copies the environment so getenv() keeps working.
void InitProcessTitle(int argc, char** argv);

// unsetenv, which also wipes and frees the copy InitProcessTitle made of
// the variable: unsetenv alone would leave that copy in memory for good.
void UnsetEnvironment(const std::string& name);

// Sets the title; it is truncated only when longer than argv and the
// environment together.
void SetProcessTitle(std::string_view title);

std::string UpstreamTitle(std::string_view container_id, std::string_view image);

}  // namespace executor
