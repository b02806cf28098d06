#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what it needs, then runs
# formatting, lint, type checks and every test (browser tests included).
#
# coursepack is installed the way a new user gets it: a wheel is built from this
# checkout and installed, with the `test` extra, into a virtual environment that
# this script recreates on every run (.venv-test/). Nothing the machine already has,
# apart from Python, Node and Chromium, can make a test pass.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update
  apt-get install -y chromium
fi
npm ci --no-audit --no-fund --loglevel=error

VENV=.venv-test
python3 -m venv --clear "$VENV"
PY="$VENV/bin/python"
"$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
rm -rf "$VENV/wheel"
"$PY" -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir "$VENV/wheel" .
WHEEL=$(ls "$VENV"/wheel/coursepack-*.whl)
"$PY" -m pip install --quiet --disable-pip-version-check "${WHEEL}[test]"

"$PY" -m ruff format --check src tests bench
"$PY" -m ruff check src tests bench
"$PY" -m mypy
# The checkout's src/ must not shadow the installed wheel: pytest runs with the
# repository root (for `tests.*`) on the path, never src/. Two workers (pytest-xdist),
# one test file each at a time: module fixtures are built once per file, and the
# browser tests spend much of their time waiting on Chromium (14 min -> 9 min here).
"$PY" -m pytest -n "${COURSEPACK_TEST_WORKERS:-2}" --dist loadfile "$@"
