"""Benchmarks: build time of the flagship course and of a large synthetic course,
and the size of the runtime shipped in every package (budget: 20 KB gzipped).

Run: python3 -m bench.bench_build
"""

from __future__ import annotations

import gzip
import shutil
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from coursepack.build import build

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"


def timed_build(course: Path, out: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        build(course, ["scorm12", "scorm2004", "xapi", "cmi5"], out)
        times.append(time.perf_counter() - start)
    return times


def synthetic_course(folder: Path, modules: int, lessons: int) -> Path:
    shutil.copytree(COURSE, folder)
    body = (
        (COURSE / "lessons" / "m1-03-contacts-nuisibles.md").read_text("utf-8").split("---", 2)[2]
    )
    lines = [
        "id: synthetic",
        'version: "1"',
        "language: fr",
        "title: Synthetic",
        "description: x",
        "base_iri: https://example.org/courses",
        "modules:",
    ]
    for m in range(modules):
        lines += [f"  - id: mod{m}", f"    title: Module {m}", "    lessons:"]
        for n in range(lessons):
            name = f"lessons/gen-{m}-{n}.md"
            (folder / name).write_text(
                f"---\nid: l{m}_{n}\ntitle: Lesson {m}.{n}\n---\n{body}", "utf-8"
            )
            lines.append(f"      - {name}")
    (folder / "course.yml").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def runtime_size() -> dict[str, int]:
    """Gzipped size of the runtime JS + CSS one package ships, per format."""
    from coursepack.targets import TARGETS

    sizes = {}
    with tempfile.TemporaryDirectory() as tmp:
        result = build(ROOT / "tests" / "fixtures" / "minimal", list(TARGETS), Path(tmp))
        for package in result.packages:
            with zipfile.ZipFile(package.path) as archive:
                payload = b"".join(
                    archive.read(n)
                    for n in sorted(archive.namelist())
                    if n.endswith((".js", ".css"))
                )
            sizes[package.format] = len(gzip.compress(payload, compresslevel=9))
    return sizes


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        flagship = timed_build(COURSE, work / "out1", runs=5)
        print(
            f"flagship build (4 formats): median {statistics.median(flagship) * 1000:.0f} ms over 5 runs"
        )
        big = synthetic_course(work / "big", modules=20, lessons=25)
        times = timed_build(big, work / "out2", runs=3)
        print(
            f"synthetic 500-lesson course (4 formats): median {statistics.median(times):.2f} s over 3 runs"
        )
    for name, size in runtime_size().items():
        print(f"{name}: runtime JS + CSS {size:,} bytes gzipped (budget 20,480)")


if __name__ == "__main__":
    main()
