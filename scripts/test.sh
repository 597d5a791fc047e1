#!/usr/bin/env bash
# The test command: prepares the machine, builds everything and runs every
# test (unit tests and the integration tests against the real Docker daemon),
# then the unit tests again under ASan+UBSan and a short libFuzzer run of
# every parser. The longer runs: scripts/sanitize.sh full, scripts/fuzz.sh long.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$(nproc)"
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 300
./scripts/sanitize.sh unit
./scripts/fuzz.sh short
