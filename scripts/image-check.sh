#!/usr/bin/env bash
# Build the Docker image with whatever engine this host has, then check it as a user and an
# operator would (issue 21): one container (health, page, a trace, refusals, a worker crash,
# its user, HEALTHCHECK, a graceful stop), then three replicas sharing one Redis (one rate
# limit across them; one replica stopped mid-load fails only its own requests).
#
#   bash scripts/image-check.sh        # needs .venv (scripts/test.sh makes it) and root or sudo
#
# Engine: docker when its daemon answers, else podman (installed with apt when missing). The
# base image is pulled when a registry answers; otherwise a stand-in is made once from Debian's
# packages with debootstrap and kept as gradtrace-base:bookworm. Leaves gradtrace:check in the
# engine's store; removes its containers. Exits non-zero on any failure, with their logs.
set -euo pipefail
cd "$(dirname "$0")/.."
START=$SECONDS
TAG=gradtrace:check
BASE=docker.io/library/python:3.11-slim-bookworm
STANDIN=localhost/gradtrace-base:bookworm
TORCH_INDEX=https://download.pytorch.org/whl/cpu
PORT=18700                      # the single container; replicas use PORT+1..PORT+3
REDIS_PORT=18799
NAMES=(gtcheck-one gtcheck-r1 gtcheck-r2 gtcheck-r3)
WORK=$(mktemp -d)
PY=.venv/bin/python
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
REDIS_PID=""

say() { printf '[image-check %4ss] %s\n' $((SECONDS - START)) "$*"; }
die() { say "FAIL: $*"; exit 1; }
eng() { "${ENGINE[@]}" "$@"; }

cleanup() {
    local rc=$?
    if [ $rc -ne 0 ]; then
        for name in "${NAMES[@]}"; do
            eng container exists "$name" 2>/dev/null || eng inspect "$name" >/dev/null 2>&1 \
                || continue
            echo "----- logs of $name -----"; eng logs "$name" 2>&1 | tail -n 60
        done
    fi
    for name in "${NAMES[@]}"; do eng rm -f -t 0 "$name" >/dev/null 2>&1 || true; done
    [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null
    rm -rf "$WORK"
    say "total $((SECONDS - START)) s; exit $rc"
}

[ -x "$PY" ] || { echo "no .venv: run scripts/test.sh first" >&2; exit 1; }

# --- the engine -------------------------------------------------------------------------
if command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1; then
    ENGINE=(docker); LIMITS=()
else
    need=(); command -v podman >/dev/null || need+=(podman)
    # crun refuses a hybrid cgroup layout (v1 controllers plus a unified mount); runc runs.
    HYBRID=""; [ -d /sys/fs/cgroup/unified ] && HYBRID=1
    [ -n "$HYBRID" ] && ! command -v runc >/dev/null && need+=(runc)
    if [ ${#need[@]} -gt 0 ]; then
        say "installing ${need[*]} with apt"
        $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
    fi
    ENGINE=(podman); [ -n "$HYBRID" ] && ENGINE+=(--runtime runc --cgroup-manager cgroupfs)
    # podman's default rlimits exceed what this host may raise: ask for ones it can give.
    LIMITS=(); [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 1048576 ] \
        && LIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
fi
trap cleanup EXIT
# Containers left by a killed run would hold the names and ports.
for name in "${NAMES[@]}"; do eng rm -f -t 0 "$name" >/dev/null 2>&1 || true; done
say "engine: ${ENGINE[*]} ${LIMITS[*]}"

# --- the base image: pulled, or the cached stand-in, or a new stand-in ---------------------
if eng image inspect "$BASE" >/dev/null 2>&1 || timeout 120 "${ENGINE[@]}" pull -q "$BASE" \
        >/dev/null 2>&1; then
    say "base: $BASE"
elif eng image inspect "$STANDIN" >/dev/null 2>&1; then
    BASE=$STANDIN; say "base: $BASE (cached stand-in; no registry answers)"
else
    say "no registry answers: making the stand-in $STANDIN with debootstrap (about a minute)"
    command -v debootstrap >/dev/null || { $SUDO apt-get update -qq
        $SUDO apt-get install -y -qq debootstrap >/dev/null; }
    $SUDO debootstrap --variant=minbase \
        --include=python3.11,python3.11-venv,python3-pip,ca-certificates \
        bookworm "$WORK/rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 \
        || { tail -20 "$WORK/debootstrap.log"; die "debootstrap failed"; }
    $SUDO tar -C "$WORK/rootfs" -c . | eng import - "$STANDIN" >/dev/null
    $SUDO rm -rf "$WORK/rootfs"; BASE=$STANDIN
fi
eng run --rm "${LIMITS[@]}" "$BASE" true 2>"$WORK/smoke.err" \
    || { cat "$WORK/smoke.err"; die "${ENGINE[0]} cannot run a container on this host"; }

# --- build ------------------------------------------------------------------------------
BUILD=(build -t "$TAG" --build-arg "BASE_IMAGE=$BASE")
if ! timeout 15 curl -fsS -o /dev/null "$TORCH_INDEX/" 2>/dev/null; then
    # PyTorch's index is out of reach: PyPI only, plus the torch wheel in $PIP_FIND_LINKS.
    ls "${PIP_FIND_LINKS:-/nonexistent}"/torch-*cp311*.whl >/dev/null 2>&1 \
        || die "neither $TORCH_INDEX nor a torch wheel in \$PIP_FIND_LINKS is reachable"
    [ "${ENGINE[0]}" = podman ] || die "$TORCH_INDEX unreachable; only podman can mount wheels"
    printf '[global]\nfind-links = %s\ncert = /etc/ssl/certs/ca-certificates.crt\n' \
        "$PIP_FIND_LINKS" >"$WORK/pip.conf"
    BUILD+=(--build-arg TORCH_INDEX= --network host -v "$PIP_FIND_LINKS:$PIP_FIND_LINKS:ro"
            -v /etc/ssl/certs:/etc/ssl/certs:ro -v "$WORK/pip.conf:/etc/pip.conf:ro")
    say "torch: $TORCH_INDEX unreachable; wheel from $PIP_FIND_LINKS"
fi
[ "${ENGINE[0]}" = podman ] && BUILD+=(--format docker)   # OCI format drops HEALTHCHECK
OLD=$(eng image inspect -f '{{.Id}}' "$TAG" 2>/dev/null || true)
t0=$SECONDS
DOCKER_BUILDKIT=1 eng "${BUILD[@]}" "${LIMITS[@]}" . >"$WORK/build.log" 2>&1 \
    || { tail -40 "$WORK/build.log"; die "the image did not build"; }
SIZE=$(eng image inspect -f '{{.Size}}' "$TAG")
# The previous check's image would stay behind untagged (1.4 GB a run): remove it.
[ -n "$OLD" ] && [ "$OLD" != "$(eng image inspect -f '{{.Id}}' "$TAG")" ] \
    && eng rmi "$OLD" >/dev/null 2>&1
say "built $TAG in $((SECONDS - t0)) s; size $((SIZE / 1000000)) MB"

# --- one container, as a user and an operator -------------------------------------------
run() {  # run NAME PORT [ENV...]: a replica on the host's network, serving on PORT
    local name=$1 port=$2; shift 2
    local env=(-e "GRADTRACE_PORT=$port"); for kv in "$@"; do env+=(-e "$kv"); done
    eng run -d --name "$name" --init --network host "${LIMITS[@]}" "${env[@]}" "$TAG" \
        >/dev/null 2>>"$WORK/engine.err" || { cat "$WORK/engine.err"; die "$name did not start"; }
}
check() { "$PY" scripts/image_check.py "$@"; }
hostpid() { eng inspect -f '{{.State.Pid}}' "$1"; }

# As the README runs it: `docker run --init -p 8000:8000 gradtrace` (here on a free port).
# (podman without systemd complains that it cannot time the HEALTHCHECK: checked below.)
eng run -d --name gtcheck-one --init -p "127.0.0.1:$PORT:8000" "${LIMITS[@]}" "$TAG" \
    >/dev/null 2>>"$WORK/engine.err" || { cat "$WORK/engine.err"; die "it did not start"; }
check ready "$PORT" 90
check user "$PORT"
check crash "$PORT" "$(hostpid gtcheck-one)"
uids=$(eng exec gtcheck-one sh -c 'cat /proc/[0-9]*/status 2>/dev/null' | awk '/^Uid:/{print $2}' \
    | sort -u | tr '\n' ' ')
[ "$uids" = "10001 " ] || die "processes run as uids: $uids (want only 10001)"
say "every process in the container runs as uid 10001"
if [ "${ENGINE[0]}" = podman ]; then
    eng healthcheck run gtcheck-one >/dev/null || die "HEALTHCHECK is not healthy"
    health=healthy   # podman runs the image's HEALTHCHECK on demand (no systemd timers here)
else
    for _ in $(seq 60); do
        health=$(eng inspect -f '{{.State.Health.Status}}' gtcheck-one)
        [ "$health" = healthy ] && break; sleep 1
    done
    [ "$health" = healthy ] || die "HEALTHCHECK status: $health"
fi
say "HEALTHCHECK: $health"
pids=$(check family "$(hostpid gtcheck-one)")
t0=$SECONDS; eng stop -t 20 gtcheck-one >/dev/null 2>>"$WORK/engine.err"; took=$((SECONDS - t0))
[ "$took" -lt 20 ] || die "stop took $took s: the grace period ran out (SIGKILL)"
for pid in $pids; do [ ! -e "/proc/$pid" ] || die "process $pid outlived the container"; done
code=$(eng inspect -f '{{.State.ExitCode}}' gtcheck-one)
say "stop: $took s (grace 20 s), exit code $code, all $(wc -w <<<"$pids") processes gone"
eng logs gtcheck-one 2>&1 | grep -q "Finished server process" || die "no graceful shutdown in logs"

# --- three replicas, one port each, one Redis --------------------------------------------
command -v redis-server >/dev/null || { $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq redis-server >/dev/null; }
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
pong() { redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
for _ in $(seq 50); do pong && break; sleep 0.1; done
pong || die "redis-server did not start"
shared=(GRADTRACE_RATE_LIMIT=6/minute "GRADTRACE_RATE_LIMIT_STORAGE=redis://127.0.0.1:$REDIS_PORT/0"
        GRADTRACE_TRUST_FORWARDED_FOR=true GRADTRACE_TIME_LIMIT=30)  # load on 2 CPUs: no timeouts
for i in 1 2 3; do run "gtcheck-r$i" $((PORT + i)) "${shared[@]}"; done
for i in 1 2 3; do check ready $((PORT + i)) 90; done
check ratelimit 6 $((PORT + 1)) $((PORT + 2)) $((PORT + 3))
check midstop "${ENGINE[*]} stop -t 30 gtcheck-r2" $((PORT + 1)) $((PORT + 2)) $((PORT + 3))
say "all checks passed; image $TAG, $((SIZE / 1000000)) MB"
