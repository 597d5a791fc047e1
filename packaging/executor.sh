#!/usr/bin/env bash
# The ExecutorInfo command (`/opt/mesos/executor.sh`): gives each Mesos task
# its own copy of sidecar-executor in its sandbox, so the installed binary can
# be upgraded while tasks run on the old one, then becomes that executor.
#
# Upstream ran the copy as a child and, on exit, stopped any container still
# carrying the task's TASK_ID, because its executor left containers behind.
# Ours stops and removes its container on every way out it controls (task
# end, KILL, SHUTDOWN, signals, a lost agent, a grace period running out),
# so the wrapper execs it: the agent then signals the executor itself, and
# no shell lingers per task.
set -euo pipefail

# One line in the executor's format: a json log must stay json line by line.
log_line() {  # <level> <message>
  if [[ ${EXECUTOR_LOG_FORMAT:-text} == json ]]; then
    local text=$2
    text=${text//\\/\\\\}
    text=${text//\"/\\\"}
    text=${text//$'\n'/\\n}
    text=${text//$'\t'/\\t}
    text=${text//[[:cntrl:]]/?}
    printf '{"time":"%s","level":"%s","msg":"%s"}\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$1" "$text"
  else
    printf -- '--> %s\n' "$2"
  fi
}
say() { log_line info "$*"; }
die() {
  log_line error "ERROR: $*" >&2
  exit 1
}

sha256_of() {
  local line
  line=$(sha256sum < "$1") || return 1
  printf '%s' "${line%% *}"
}

say "Executor wrapper starting up..."

SIDECAR_EXECUTOR_PATH=${SIDECAR_EXECUTOR_PATH:-/opt/mesos/sidecar-executor}
SIDECAR_EXECUTOR_CUSTOM_ENV_PATH=${SIDECAR_EXECUTOR_CUSTOM_ENV_PATH:-/opt/mesos/executor-environment.sh}

if [[ -f $SIDECAR_EXECUTOR_CUSTOM_ENV_PATH ]]; then
  # (sic) upstream's wording, which operators may grep for.
  say "Procesing custom environment at $SIDECAR_EXECUTOR_CUSTOM_ENV_PATH..."
  # Written for upstream's `bash -e`: unset variables are not errors there.
  set +u
  # shellcheck source=/dev/null
  source "$SIDECAR_EXECUTOR_CUSTOM_ENV_PATH"
  set -u
else
  say "No custom environment found at $SIDECAR_EXECUTOR_CUSTOM_ENV_PATH"
fi

[[ -n ${MESOS_SANDBOX:-} ]] ||
  die "MESOS_SANDBOX is not set; executor.sh runs as a Mesos executor command, in the sandbox the agent gives it"
[[ -d $MESOS_SANDBOX && -w $MESOS_SANDBOX ]] || die "the sandbox $MESOS_SANDBOX is not a writable directory"
[[ -f $SIDECAR_EXECUTOR_PATH ]] ||
  die "no executor at $SIDECAR_EXECUTOR_PATH (set SIDECAR_EXECUTOR_PATH to the installed sidecar-executor)"
[[ -r $SIDECAR_EXECUTOR_PATH ]] || die "the executor $SIDECAR_EXECUTOR_PATH is not readable"

name=$(basename "$SIDECAR_EXECUTOR_PATH")
executor="$MESOS_SANDBOX/$name"
say "Copying $SIDECAR_EXECUTOR_PATH to sandbox $MESOS_SANDBOX"

# Copied under a temporary name and renamed once verified, so the sandbox
# never holds a partial binary under the executor's name.
partial=$(mktemp "$MESOS_SANDBOX/.$name.XXXXXX") || die "cannot create a file in the sandbox $MESOS_SANDBOX"
trap 'rm -f "$partial"' EXIT
cp "$SIDECAR_EXECUTOR_PATH" "$partial" || die "copying $SIDECAR_EXECUTOR_PATH to $partial failed"
source_sum=$(sha256_of "$SIDECAR_EXECUTOR_PATH") || die "cannot read $SIDECAR_EXECUTOR_PATH"
copy_sum=$(sha256_of "$partial") || die "cannot read the copy $partial"
[[ $copy_sum == "$source_sum" ]] ||
  die "the copy of $SIDECAR_EXECUTOR_PATH has sha256 $copy_sum, the original $source_sum (was it being replaced?); not starting it"
if [[ -f $SIDECAR_EXECUTOR_PATH.sha256 ]]; then
  expected=$(< "$SIDECAR_EXECUTOR_PATH.sha256") || die "cannot read $SIDECAR_EXECUTOR_PATH.sha256"
  expected=${expected%%[[:space:]]*}  # sha256sum's format: "<digest>  <name>"
  [[ $source_sum == "${expected,,}" ]] ||
    die "checksum mismatch: $SIDECAR_EXECUTOR_PATH has sha256 $source_sum but $SIDECAR_EXECUTOR_PATH.sha256 says $expected; not starting it"
fi
chmod 0755 "$partial"
mv -f "$partial" "$executor"
trap - EXIT

say "Starting $executor"
# No padding argument for the process title, as upstream passed: the
# executor makes room for its title itself.
exec "$executor" "$@"
