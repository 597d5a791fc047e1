# shellcheck shell=bash
# Assertions for the packaging tests (sourced). A failed expectation is
# reported with its test case and counted; finish_tests sets the exit status.

failures=0
current_case=""

# Sets $work to a temporary directory removed when the test exits, unless
# SIDECAR_TEST_KEEP_SANDBOX is set (as for the integration tests).
make_work_dir() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/sidecar-packaging-test.XXXXXX")
  if [[ -n ${SIDECAR_TEST_KEEP_SANDBOX:-} ]]; then
    echo "work directory kept: $work" >&2
  else
    trap 'rm -rf "$work"' EXIT
  fi
}

test_case() {
  current_case=$1
  echo "--- $current_case"
}

fail() {
  echo "FAILED [$current_case]: $*" >&2
  failures=$((failures + 1))
}

expect_eq() {  # <actual> <expected> <what>
  [[ $1 == "$2" ]] || fail "$3: expected '$2', got '$1'"
}

expect_ne() {  # <actual> <unexpected> <what>
  [[ $1 != "$2" ]] || fail "$3: expected anything but '$2'"
}

expect_contains() {  # <text> <substring>
  [[ $1 == *"$2"* ]] || fail "expected to find '$2' in:"$'\n'"$1"
}

expect_not_contains() {  # <text> <substring>
  [[ $1 != *"$2"* ]] || fail "did not expect '$2' in:"$'\n'"$1"
}

expect_file_executable() {
  [[ -f $1 && -x $1 ]] || fail "$1 is not an executable file"
}

sha256() {
  local line
  line=$(sha256sum < "$1")
  printf '%s' "${line%% *}"
}

# The executor's JSON line shape: time, level, msg in this order, the
# message a well-formed JSON string (escaped quotes and backslashes, no raw
# control characters).
json_log_line='^\{"time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z","level":"[a-z]+","msg":"([^"\\[:cntrl:]]|\\["\\/bnfrt]|\\u[0-9a-f]{4})*"(,"[a-z_.]+":"([^"\\[:cntrl:]]|\\["\\/bnfrt]|\\u[0-9a-f]{4})*")*\}$'

expect_json_log_line() {
  [[ $1 =~ $json_log_line ]] || fail "not a JSON log line: $1"
}

finish_tests() {
  if ((failures > 0)); then
    echo "$failures expectation(s) failed" >&2
    exit 1
  fi
  echo "all passed"
}
