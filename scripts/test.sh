#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what it needs, then runs
# formatting, lint, type checks and every test (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update
  apt-get install -y chromium
fi
npm ci --no-audit --no-fund --loglevel=error
python3 -m pip install --quiet --root-user-action=ignore ".[test]"

python3 -m ruff format --check src tests bench
python3 -m ruff check src tests bench
python3 -m mypy
python3 -m pytest "$@"
