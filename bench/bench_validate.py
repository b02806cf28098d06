"""Benchmark: validating a 10,000-entry package and a 1 GB package (mostly stored
media), each in a fresh process so peak memory is the validator's own.

Targets (issue 5): under 1 s and 100 MB peak for the first; the second bounded by
reading only what the rules need.  Run: python3 -m bench.bench_validate
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from tests.corpus import MANIFEST_12, PAGE

MEASURE = """
import json, sys, time
from pathlib import Path
from coursepack.validate.engine import Options, validate_path
start = time.perf_counter()
report = validate_path(Path(sys.argv[1]), Options(profile="moodle"))
elapsed = time.perf_counter() - start
# VmHWM, not ru_maxrss, which Linux keeps across execve from the parent process.
peak = int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM"))) / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, "findings": len(report.findings)}))
"""


def many_entries(path: Path, count: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST_12)
        archive.writestr("index.html", PAGE)
        for i in range(count):
            archive.writestr(f"media/page{i:05d}.html", PAGE)


def one_gigabyte(path: Path) -> None:
    chunk = os.urandom(8 * 1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST_12)
        archive.writestr("index.html", PAGE)
        for i in range(16):
            with archive.open(f"media/video{i:02d}.mp4", "w", force_zip64=True) as member:
                for _ in range(8):  # 16 x 64 MiB
                    member.write(chunk)


def measure(path: Path) -> dict[str, float]:
    # Imports coursepack from the installed package; python's own start-up is
    # included in peak memory (about 10 MB) but not in the time.
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, check=True
    )
    data: dict[str, float] = json.loads(result.stdout)
    return data


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "many.zip"
        many_entries(small, 10_000)
        figures = measure(small)
        print(
            f"10,000 entries ({small.stat().st_size / 1e6:.1f} MB): {figures['seconds']:.2f} s, peak {figures['peak_mb']:.0f} MB"
        )
        big = Path(tmp) / "big.zip"
        one_gigabyte(big)
        figures = measure(big)
        print(
            f"1 GB package ({big.stat().st_size / 1e9:.2f} GB): {figures['seconds']:.2f} s, peak {figures['peak_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
