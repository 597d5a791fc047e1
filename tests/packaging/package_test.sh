#!/usr/bin/env bash
# The install rules and the Debian package, made from this build directory:
# the executor (stripped, with its checksum) and executor.sh in /opt/mesos,
# and nothing else; the installed pieces work together.
# usage: package_test.sh <build dir> <source executor.sh>
set -euo pipefail
source "$(dirname "$0")/test_lib.sh"

build=$(realpath "$1")
source_wrapper=$(realpath "$2")
make_work_dir
installed_files=$'./executor.sh\n./sidecar-executor\n./sidecar-executor.sha256'

# The installed executor.sh runs the installed executor from a fresh sandbox:
# with no agent around, the executor starts, then stops at the missing Mesos
# environment, which proves the copy was verified and exec'd.
expect_wrapper_starts_executor() {  # <directory holding the installed files>
  local sandbox out status
  sandbox=$(mktemp -d "$work/sandbox.XXXXXX")
  set +e
  out=$(env -i PATH="$PATH" MESOS_SANDBOX="$sandbox" SIDECAR_EXECUTOR_PATH="$1/sidecar-executor" \
    SIDECAR_EXECUTOR_CUSTOM_ENV_PATH="$work/none.sh" "$1/executor.sh" 2>&1)
  status=$?
  set -e
  expect_eq "$status" 1 "the executor's exit status without an agent"
  expect_contains "$out" "--> Starting $sandbox/sidecar-executor"
  expect_contains "$out" "Starting Sidecar Executor"
  expect_contains "$out" "Failed to load the Mesos configuration"
}

expect_installed_set() {  # <directory holding the installed files>
  expect_file_executable "$1/sidecar-executor"
  expect_file_executable "$1/executor.sh"
  (cd "$1" && sha256sum --quiet -c sidecar-executor.sha256) || fail "sha256sum -c sidecar-executor.sha256 fails in $1"
  cmp -s "$1/executor.sh" "$source_wrapper" || fail "$1/executor.sh differs from $source_wrapper"
  if readelf -S "$1/sidecar-executor" | grep -q '\.debug_info'; then
    fail "$1/sidecar-executor still carries its debug information"
  fi
}

test_case "cmake --install puts exactly the executor, its checksum and executor.sh in the prefix"
if cmake --install "$build" --prefix "$work/prefix" > "$work/install.log" 2>&1; then
  expect_eq "$(cd "$work/prefix" && find . -mindepth 1 | sort)" "$installed_files" "installed files"
  expect_installed_set "$work/prefix"
  expect_wrapper_starts_executor "$work/prefix"
else
  fail "cmake --install failed: $(< "$work/install.log")"
fi

test_case "cpack -G DEB builds sidecar-executor for /opt/mesos"
if (cd "$build" && cpack -G DEB -B "$work/deb") > "$work/cpack.log" 2>&1; then
  debs=("$work"/deb/*.deb)
  expect_eq "${#debs[@]}" 1 "number of packages"
  deb=${debs[0]}
  expect_eq "$(dpkg-deb -f "$deb" Package)" sidecar-executor "Package"
  expect_eq "$(dpkg-deb -f "$deb" Architecture)" "$(dpkg --print-architecture)" "Architecture"
  expect_contains "$(dpkg-deb -f "$deb" Depends)" "libc6"
  expect_eq "$(dpkg-deb -f "$deb" Recommends)" libssl3 "Recommends"
  expect_contains "$(dpkg-deb -f "$deb" Maintainer)" "<"
  expect_contains "$(dpkg-deb -I "$deb")" "Package: sidecar-executor"
  listing=$(dpkg-deb -c "$deb")
  expect_eq "$(awk '{print $6}' <<< "$listing" | sort)" \
    $'./opt/\n./opt/mesos/\n./opt/mesos/executor.sh\n./opt/mesos/sidecar-executor\n./opt/mesos/sidecar-executor.sha256' \
    "packaged paths"
  expect_contains "$listing" "-rwxr-xr-x root/root"
  dpkg-deb -x "$deb" "$work/root"
  expect_installed_set "$work/root/opt/mesos"
  expect_wrapper_starts_executor "$work/root/opt/mesos"
else
  fail "cpack failed: $(< "$work/cpack.log")"
fi

finish_tests
