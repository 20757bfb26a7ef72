#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run all checks.
# Used by README.md ("Test") and by CI (.ci/run), so what CI runs is what a developer runs.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]'

# System packages: Chromium for the browser tests, Graphviz for the benchmark baseline,
# Redis for the shared rate-limit tests. Installed only when missing.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v dot >/dev/null || missing+=(graphviz)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${missing[@]}"
fi

.venv/bin/ruff check gradtrace tests bench
.venv/bin/mypy
.venv/bin/pytest "$@"
