#!/usr/bin/env bash
# executor.sh in a fresh sandbox, with a stand-in executor that reports how
# it was started: the copy lands verified and executable, and is exec'd.
# usage: executor_sh_test.sh <path to executor.sh>
set -euo pipefail
source "$(dirname "$0")/test_lib.sh"

wrapper=$(realpath "$1")
make_work_dir
installed=$work/opt/sidecar-executor
mkdir -p "$work/opt"
cat > "$installed" <<'STANDIN'
#!/bin/sh
echo "stand-in: path=$0 pid=$$ args=$* custom=${FROM_CUSTOM_ENV:-unset}"
STANDIN
chmod 0755 "$installed"
cat > "$work/opt/executor-environment.sh" <<'CUSTOM'
export FROM_CUSTOM_ENV=sourced
CUSTOM

new_sandbox() { sandbox=$(mktemp -d "$work/sandbox.XXXXXX"); }

# Runs the wrapper in $sandbox with a clean environment plus "$@"
# (NAME=value...) and the arguments in $wrapper_args; leaves its stdout,
# stderr, exit status and pid in globals.
wrapper_args=()
run_wrapper() {
  set +e
  env -i PATH="$PATH" MESOS_SANDBOX="$sandbox" SIDECAR_EXECUTOR_PATH="$installed" \
    SIDECAR_EXECUTOR_CUSTOM_ENV_PATH="$work/opt/executor-environment.sh" "$@" \
    bash "$wrapper" ${wrapper_args[@]+"${wrapper_args[@]}"} > "$work/out" 2> "$work/err" &
  wrapper_pid=$!
  wait "$wrapper_pid"
  status=$?
  set -e
  out=$(< "$work/out")
  err=$(< "$work/err")
}

test_case "copies the executor into a fresh sandbox, verified, and execs it"
new_sandbox
wrapper_args=(--flag "two words")
run_wrapper
expect_eq "$status" 0 "exit status"
expect_file_executable "$sandbox/sidecar-executor"
expect_eq "$(sha256 "$sandbox/sidecar-executor")" "$(sha256 "$installed")" "the copy's sha256"
# exec: the stand-in has the wrapper's pid, runs from the sandbox, gets the arguments.
expect_contains "$out" "stand-in: path=$sandbox/sidecar-executor pid=$wrapper_pid args=--flag two words"
expect_contains "$out" "custom=sourced"
expect_contains "$out" "--> Executor wrapper starting up..."
expect_contains "$out" "--> Procesing custom environment at $work/opt/executor-environment.sh..."
expect_contains "$out" "--> Copying $installed to sandbox $sandbox"
expect_contains "$out" "--> Starting $sandbox/sidecar-executor"
expect_eq "$(ls -A "$sandbox")" "sidecar-executor" "the sandbox holds the copy and nothing else"
wrapper_args=()

test_case "says so when there is no custom environment"
new_sandbox
run_wrapper SIDECAR_EXECUTOR_CUSTOM_ENV_PATH="$work/opt/absent.sh"
expect_eq "$status" 0 "exit status"
expect_contains "$out" "--> No custom environment found at $work/opt/absent.sh"
expect_contains "$out" "custom=unset"

test_case "accepts a copy that matches the installed checksum file"
(cd "$work/opt" && sha256sum sidecar-executor > sidecar-executor.sha256)
new_sandbox
run_wrapper
expect_eq "$status" 0 "exit status"
expect_contains "$out" "stand-in: path=$sandbox/sidecar-executor"

test_case "replaces an older copy already in the sandbox"
new_sandbox
echo "old" > "$sandbox/sidecar-executor"
run_wrapper
expect_eq "$status" 0 "exit status"
expect_eq "$(sha256 "$sandbox/sidecar-executor")" "$(sha256 "$installed")" "the copy's sha256"
expect_contains "$out" "stand-in: path=$sandbox/sidecar-executor"

test_case "refuses a binary that does not match its checksum file"
echo "0000000000000000000000000000000000000000000000000000000000000000  sidecar-executor" \
  > "$work/opt/sidecar-executor.sha256"
new_sandbox
run_wrapper
expect_ne "$status" 0 "exit status"
expect_contains "$err" "ERROR: checksum mismatch: $installed has sha256 $(sha256 "$installed")"
expect_contains "$err" "$installed.sha256 says 0000000000000000000000000000000000000000000000000000000000000000"
expect_not_contains "$out" "stand-in:"
expect_eq "$(ls -A "$sandbox")" "" "nothing left in the sandbox"
rm "$work/opt/sidecar-executor.sha256"

test_case "fails clearly when the executor is missing"
new_sandbox
run_wrapper SIDECAR_EXECUTOR_PATH="$work/opt/nothing-here"
expect_ne "$status" 0 "exit status"
expect_contains "$err" "--> ERROR: no executor at $work/opt/nothing-here (set SIDECAR_EXECUTOR_PATH"
expect_eq "$(ls -A "$sandbox")" "" "nothing left in the sandbox"

test_case "fails clearly without MESOS_SANDBOX"
new_sandbox
run_wrapper MESOS_SANDBOX=
expect_ne "$status" 0 "exit status"
expect_contains "$err" "--> ERROR: MESOS_SANDBOX is not set"
expect_not_contains "$out" "stand-in:"

test_case "writes its own lines as JSON when the executor log is JSON"
new_sandbox
run_wrapper EXECUTOR_LOG_FORMAT=json SIDECAR_EXECUTOR_CUSTOM_ENV_PATH="$work/opt/say \"hi\"\\.sh"
expect_eq "$status" 0 "exit status"
while IFS= read -r line; do
  [[ $line == stand-in:* ]] && continue
  expect_json_log_line "$line"
done <<< "$out"
expect_contains "$out" "\"msg\":\"No custom environment found at $work/opt/say \\\"hi\\\"\\\\.sh\"}"
new_sandbox
run_wrapper EXECUTOR_LOG_FORMAT=json SIDECAR_EXECUTOR_PATH="$work/opt/nothing-here"
expect_ne "$status" 0 "exit status"
expect_json_log_line "$err"
expect_contains "$err" '"level":"error"'

finish_tests
