#include "executor/process_title.h"

#include <sys/prctl.h>

#include <cstdlib>
#include <cstring>

extern char** environ;

namespace executor {

namespace {
char* g_title_begin = nullptr;
std::size_t g_title_capacity = 0;
// The environment strings InitProcessTitle copied, for UnsetEnvironment.
char** g_moved_environment = nullptr;
}  // namespace

void InitProcessTitle(int argc, char** argv) {
  if (argc <= 0 || !argv || !argv[0]) return;
  // The kernel lays argv strings and then environment strings out
  // contiguously; find the end of that block.
  char* end = argv[0] + std::strlen(argv[0]) + 1;
  for (int i = 1; i < argc; ++i) {
    if (argv[i] == end) end = argv[i] + std::strlen(argv[i]) + 1;
  }
  std::size_t env_count = 0;
  while (environ[env_count]) ++env_count;
  char** moved = static_cast<char**>(std::malloc((env_count + 1) * sizeof(char*)));
  if (!moved) return;
  for (std::size_t i = 0; i < env_count; ++i) {
    if (environ[i] == end) end = environ[i] + std::strlen(environ[i]) + 1;
    moved[i] = strdup(environ[i]);
  }
  moved[env_count] = nullptr;
  environ = moved;
  g_moved_environment = moved;
  g_title_begin = argv[0];
  g_title_capacity = static_cast<std::size_t>(end - argv[0]);
}

void UnsetEnvironment(const std::string& name) {
  const std::string prefix = name + "=";
  char* copy = nullptr;  // our copy of the variable, if InitProcessTitle made one
  for (char** moved = g_moved_environment; moved && *moved; ++moved) {
    if (std::strncmp(*moved, prefix.c_str(), prefix.size()) == 0) copy = *moved;
  }
  unsetenv(name.c_str());
  if (!copy) return;
  // unsetenv drops only the pointer: the copy, value and all, would stay.
  explicit_bzero(copy, std::strlen(copy));
  std::free(copy);
}

void SetProcessTitle(std::string_view title) {
  // The short name (comm) shows in top and in /proc/<pid>/stat.
  prctl(PR_SET_NAME, std::string(title.substr(0, 15)).c_str(), 0, 0, 0);
  if (!g_title_begin || g_title_capacity < 2) return;
  const std::size_t n = std::min(title.size(), g_title_capacity - 1);
  std::memcpy(g_title_begin, title.data(), n);
  std::memset(g_title_begin + n, 0, g_title_capacity - n);
}

std::string UpstreamTitle(std::string_view container_id, std::string_view image) {
  return "sidecar-executor " + std::string(container_id.substr(0, 12)) + " (" + std::string(image) + ")";
}

}  // namespace executor
