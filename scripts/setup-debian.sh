#!/usr/bin/env bash
# Prepares a Debian 12 machine (as root) for building, testing and running
# sidecar-executor: installs the packages, starts dockerd when no daemon
# answers, and builds the local busybox image the example and tests run.
# Idempotent: a prepared machine passes through in a second or two.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libspdlog-dev libfmt-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  docker.io busybox-static
  docker-registry apache2-utils  # a real registry with htpasswd auth for pull tests
  clang libclang-rt-14-dev       # libFuzzer (scripts/fuzz.sh)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "--> Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! timeout 10 docker info >/dev/null 2>&1; then
  echo "--> No Docker daemon answers; starting dockerd (log: /var/log/dockerd.log)"
  setsid nohup dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    timeout 5 docker info >/dev/null 2>&1 && break
    sleep 1
  done
  timeout 10 docker info >/dev/null 2>&1 || { echo "dockerd did not come up; see /var/log/dockerd.log" >&2; exit 1; }
fi

# A tiny image built FROM scratch with Debian's static busybox: nothing is
# pulled from the internet, by the example or by the tests.
image=sidecar-executor-test/busybox:1
if ! docker image inspect "$image" >/dev/null 2>&1; then
  echo "--> Building $image"
  context=$(mktemp -d)
  trap 'rm -rf "$context"' EXIT
  cp /bin/busybox "$context/busybox"
  cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin
CMD ["sh"]
DOCKERFILE
  DOCKER_BUILDKIT=0 docker build -q -t "$image" "$context" >/dev/null
fi
