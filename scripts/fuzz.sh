#!/usr/bin/env bash
# libFuzzer runs of the parser targets in fuzz/ (see fuzz/README.md).
#
#   scripts/fuzz.sh short            every target on its seeds, a bounded number
#                                    of executions each (about a minute in all)
#   scripts/fuzz.sh long [target...] each target (default: all) until 10,000,000
#                                    executions, up to $FUZZ_PARALLEL (default
#                                    nproc) targets at a time; $FUZZ_MAX_TOTAL_TIME
#                                    (seconds) stops each target earlier
#
# Builds build-fuzz with clang first. The repository's seed corpora are only
# read: what the fuzzer learns goes to a temporary directory (short) or to
# build-fuzz/fuzz-corpus/<target> (long, kept for the next long run). Exits
# non-zero on any crash, leak, timeout or out-of-memory, naming the
# reproducer; run it again with build-fuzz/fuzz/<target>_fuzzer <file>.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly build_dir=build-fuzz
# Executions per target in a short run, sized so that all of them together
# take about a minute on a busy 2-core machine (rates in fuzz/README.md).
declare -A short_runs=(
  [recordio]=250000
  [mesos_event]=60000
  [task_mapping]=15000
  [pull_progress]=100000
  [log_demux]=250000
  [docker_responses]=50000
  [service_instances]=60000
  [state_document]=100000
  [vault_responses]=60000
  [secret_ref]=120000
  [go_duration]=250000
  [settings]=50000
)
readonly all_targets=(recordio mesos_event task_mapping pull_progress log_demux docker_responses
                      state_document service_instances vault_responses secret_ref go_duration settings)
readonly common_flags=(-timeout=5 -rss_limit_mb=1024 -detect_leaks=1 -print_final_stats=1)

usage() {
  sed -n '4,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

build() {
  CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSIDECAR_FUZZ=ON -DSIDECAR_BUILD_TESTS=OFF -DSIDECAR_BUILD_BENCH=OFF >/dev/null
  cmake --build "$build_dir" --target fuzzers -j "$(nproc)"
}

# fuzz_one <target> <writable corpus> <artifact dir> <log> <libFuzzer flags...>
fuzz_one() {
  local target=$1 corpus=$2 artifacts=$3 log=$4
  shift 4
  mkdir -p "$corpus" "$artifacts"
  local status=0
  "$build_dir/fuzz/${target}_fuzzer" "${common_flags[@]}" "$@" -artifact_prefix="$artifacts/" \
    "$corpus" "fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  if ((status != 0)); then
    echo "FAIL $target (exit $status): $(grep -m1 -E 'ERROR|runtime error|deadly signal|Timeout|out-of-memory' "$log" || true)"
    echo "  log: $log"
    local reproducer
    for reproducer in "$artifacts"/*; do
      [[ -e $reproducer ]] && echo "  reproducer: $reproducer"
    done
    return 1
  fi
  local executions exec_per_sec
  read -r executions exec_per_sec < <(grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$log" |
                                      awk '{printf "%s ", $2} END {print ""}' || true)
  echo "ok   $target: $executions executions, $exec_per_sec exec/s"
}

short() {
  local work
  work=$(mktemp -d /tmp/sidecar-fuzz.XXXXXX)
  local failed=0 started=$SECONDS target
  for target in "${all_targets[@]}"; do
    # A fixed seed keeps the short run the same from one test run to the next.
    fuzz_one "$target" "$work/corpus/$target" "$work/artifacts/$target" "$work/$target.log" \
      -runs="${short_runs[$target]}" -max_total_time=20 -seed="${FUZZ_SEED:-1}" || failed=1
  done
  echo "short fuzz run: $((SECONDS - started)) s"
  if ((failed)); then
    echo "logs and reproducers kept in $work" >&2
    return 1
  fi
  rm -rf "$work"
}

long() {
  local targets=("$@")
  ((${#targets[@]})) || targets=("${all_targets[@]}")
  local target
  for target in "${targets[@]}"; do
    [[ -v short_runs[$target] ]] || { echo "unknown target: $target" >&2; exit 2; }
  done
  local parallel=${FUZZ_PARALLEL:-$(nproc)} results="$build_dir/fuzz-logs"
  mkdir -p "$results"
  local running=0 failed=0
  for target in "${targets[@]}"; do
    if ((running >= parallel)); then
      wait -n || failed=1
      running=$((running - 1))
    fi
    fuzz_one "$target" "$build_dir/fuzz-corpus/$target" "$build_dir/fuzz-artifacts/$target" \
      "$results/$target.log" -runs=10000000 ${FUZZ_MAX_TOTAL_TIME:+-max_total_time="$FUZZ_MAX_TOTAL_TIME"} &
    running=$((running + 1))
  done
  while ((running > 0)); do
    wait -n || failed=1
    running=$((running - 1))
  done
  return "$failed"
}

(($# >= 1)) || usage
mode=$1
shift
case $mode in
  short) (($# == 0)) || usage; build; short ;;
  long) build; long "$@" ;;
  *) usage ;;
esac
