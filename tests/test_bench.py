"""The performance table (bench/table.py) at a small scale: it runs, prints every
row, and the runtime it reports stays within the guard of test_runtime_minified."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.browser
def test_the_quick_benchmark_prints_the_whole_table() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.table", "--quick", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    rows = json.loads(done.stdout)
    measures = [row[0] for row in rows]
    for expected in (
        "build, all formats, 20 lessons",
        "build, all formats, 80 lessons",
        "build, scorm12 alone, 80 lessons",
        "per-lesson cost, 80 → 80 lessons",
        "peak memory, 5 MB video, all formats",
        "rebuild after editing one lesson vs clean build",
        "coursepack --help vs import typer",
        "validate, 1,000 entries, vs listing them",
        "validate, 64 MB package (only its directory is read)",
        "validate --check-crc, 64 MB package, vs zipfile's testzip",
        "runtime JavaScript, scorm12",
        "Chromium ready, 80 vs 20 lessons",
    ):
        assert expected in measures
    assert all(row[1] for row in rows)
    memory = dict((row[0], row[1]) for row in rows)["peak memory, 5 MB video, all formats"]
    assert int(memory.split()[0]) < 150
