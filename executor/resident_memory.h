// Gives back the memory that start-up used and a running task does not need.
//
// Start-up (settings, mapping, the launch) touches code all over the binary,
// and the kernel maps file pages 64 KiB at a time, so a freshly launched
// executor has nearly all of its ~3 MB of code resident. Supervising a
// running container needs a small fraction of it. Because executor.sh gives
// every task its own copy of the binary, those pages are not shared with
// anyone: asking the kernel to page them out once the task runs is a real
// saving per executor (bench/executor-bench shows the figures). Pages that
// are needed again fault back in on demand.
#pragma once

namespace executor {

// Pages out the file-backed mappings of the executable and of libraries no
// other process shares. Best effort: does nothing on kernels without
// MADV_PAGEOUT (before 5.4).
void ReleaseStartupMemory();

}  // namespace executor
