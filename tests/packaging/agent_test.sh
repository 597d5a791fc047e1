#!/usr/bin/env bash
# Deployed as the README says: the local agent launches executor.sh as the
# executor command, executor.sh starts the installed (stripped, checksummed)
# executor, and a task runs to TASK_FINISHED on the real Docker daemon with a
# JSON executor log.
# usage: agent_test.sh <build dir> <executor.sh>
set -euo pipefail
source "$(dirname "$0")/test_lib.sh"

build=$(realpath "$1")
wrapper=$(realpath "$2")
make_work_dir
sandbox=$work/sandbox
task_id=packaging-test.$$.$RANDOM

test_case "a task runs to TASK_FINISHED through executor.sh"
set +e
timeout --kill-after=10 180 "$build/local-agent" --executor "$wrapper" --sandbox "$sandbox" \
  --image sidecar-executor-test/busybox:1 --command "echo hello from the task" --task-id "$task_id" \
  --env SIDECAR_EXECUTOR_PATH="$build/packaging/sidecar-executor" \
  --env SIDECAR_EXECUTOR_CUSTOM_ENV_PATH="$work/none.sh" \
  --env EXECUTOR_LOG_FORMAT=json > "$work/agent.log" 2>&1
status=$?
set -e
if [[ $status != 0 ]]; then
  fail "local-agent exited with $status, not 0 (TASK_FINISHED):"$'\n'"$(< "$work/agent.log")"
  finish_tests
fi
expect_contains "$(< "$work/agent.log")" "TASK_FINISHED"
expect_file_executable "$sandbox/sidecar-executor"
executor_log=$(< "$sandbox/stdout")
expect_contains "$executor_log" "\"msg\":\"Starting $sandbox/sidecar-executor\""
expect_contains "$executor_log" "\"task_id\":\"$task_id\""
while IFS= read -r line; do
  expect_json_log_line "$line"
done <<< "$executor_log"

leftovers=$(docker ps -aq --filter "label=mesos.task_id=$task_id")
if [[ -n $leftovers ]]; then
  fail "containers left behind: $leftovers"
  xargs docker rm -f <<< "$leftovers" > /dev/null
fi

finish_tests
