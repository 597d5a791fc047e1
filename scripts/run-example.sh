#!/usr/bin/env bash
# The main job: one example task through the executor, driven by the
# project's local agent, on the local Docker. Ctrl-C sends the task a KILL.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target sidecar-executor local-agent
exec build/local-agent \
  --image sidecar-executor-test/busybox:1 \
  --arg sh --arg -c --arg 'echo "hello from $SERVICE_NAME on port $MESOS_PORT_8080"; sleep 3; echo done' \
  --label ServiceName=hello --label Environment=example \
  --network bridge --port 8080:31080 \
  "$@"
