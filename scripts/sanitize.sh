#!/usr/bin/env bash
# ASan+UBSan build of everything in build-asan, then its tests:
#   scripts/sanitize.sh full   every test (unit, Docker integration, packaging, docs)
#   scripts/sanitize.sh unit   the unit-labelled tests only
# Any sanitizer report fails the run, including one from a sanitized executor
# the integration tests spawn (base/sanitizer_defaults.cc).
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  full) ctest_selection=() build_target=all ;;
  unit) ctest_selection=(-L unit) build_target=unit_tests ;;
  *) echo "usage: $0 full|unit" >&2; exit 2 ;;
esac

build=build-asan
jobs=${SANITIZE_JOBS:-$(nproc)}

# -O1 -g: the usual sanitizer compromise between speed and readable
# reports. Debug (not RelWithDebInfo) keeps assert() on.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DSIDECAR_SANITIZE=ON -DSIDECAR_BUILD_BENCH=OFF

# A child executor gets a fresh environment from its agent, so ASAN_OPTIONS
# never reaches it: it writes its ASan reports here (its built-in options),
# as its stderr goes to a sandbox no test reads on success.
logs=$build/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
# The test binaries report on stderr, which ctest shows for a failed test;
# exitcode 86 is no exit status a test or the executor uses on its own.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:exitcode=86:print_stacktrace=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=86"

# gtest_discover_tests runs the sanitized test binaries at build time, so
# the options above are already in force here.
cmake --build "$build" -j "$jobs" --target "$build_target"

status=0
ctest --test-dir "$build" "${ctest_selection[@]}" --output-on-failure -j "$jobs" --timeout 600 || status=$?

shopt -s nullglob
reports=("$logs"/*)
if ((${#reports[@]})); then
  echo "sanitizer reports from executors (${#reports[@]}) in $logs:" >&2
  for report in "${reports[@]}"; do
    echo "=== $report" >&2
    cat "$report" >&2
  done
  status=1
fi
exit "$status"
