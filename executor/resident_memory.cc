#include "executor/resident_memory.h"

#include <sys/mman.h>

#include <cstdio>
#include <cstring>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

namespace executor {

void ReleaseStartupMemory() {
  FILE* maps = std::fopen("/proc/self/maps", "re");
  if (!maps) return;
  char line[512];
  while (std::fgets(line, sizeof(line), maps)) {
    unsigned long begin = 0;
    unsigned long end = 0;
    char perms[5] = {};
    if (std::sscanf(line, "%lx-%lx %4s", &begin, &end, perms) != 3) continue;
    // File-backed, read-only mappings: code and constants. Pages shared
    // with other processes are left alone by the kernel.
    if (!std::strchr(line, '/') || perms[1] == 'w') continue;
    madvise(reinterpret_cast<void*>(begin), end - begin, MADV_PAGEOUT);
  }
  std::fclose(maps);
}

}  // namespace executor
