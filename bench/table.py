"""coursepack's performance table (issue 17), every figure measured in this run.

Build times are ratios to a floor measured in the same run: zipping the very files
of the built packages with the same settings (coursepack.packaging.write_zip), which
no build can beat. Run it on a quiet machine:

    python3 -m bench.table            # 50 to 4,000 lessons, 500 MB video, 1 GB package
    python3 -m bench.table --quick    # small sizes, for the test suite

Columns: what was measured, the figure, and the target from issue 17.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ["scorm12", "scorm2004", "xapi", "cmi5"]
PYTHON = sys.executable

Row = tuple[str, str, str]


# ------------------------------------------------------------ synthetic course


def synthetic_course(folder: Path, lessons: int, video_bytes: int = 0) -> Path:
    """N lessons in modules of 10, each module with a 3-question quiz; SVG, PNG and
    JPEG images; optionally one large video (sparse: no disk cost to make)."""
    from PIL import Image

    media = folder / "media"
    (folder / "lessons").mkdir(parents=True)
    (folder / "quizzes").mkdir()
    media.mkdir()
    (media / "d.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" '
        'height="10"/></svg>',
        "utf-8",
    )
    Image.new("RGB", (640, 360), "teal").save(media / "p.png")
    Image.new("RGB", (640, 360), "navy").save(media / "j.jpg")
    if video_bytes:
        with (media / "film.mp4").open("wb") as handle:
            handle.truncate(video_bytes)
        (media / "film.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour.\n", "utf-8")
    body = (
        "## Une section\n\nUn paragraphe avec du **gras**, un [lien](#une-section) et "
        "une liste :\n\n- un ;\n- deux.\n\n> [!NOTE]\n> Une note.\n\n"
        "![Un schéma](../media/d.svg)\n\n![Une photo](../media/p.png)\n\n"
        "![Une autre](../media/j.jpg)\n"
    )
    lines = [
        "id: synthetic", 'version: "1"', "language: fr", "title: Synthetique",
        "description: Un cours genere.", "base_iri: https://example.org/courses",
        # Thousands of lessons outgrow what one SCO can track in Moodle (CP601, CP602):
        # the benchmark measures the build, so those are warnings here.
        "tracking: {state_limit: warning}", "modules:",
    ]  # fmt: skip
    for m in range((lessons + 9) // 10):
        lines += [f"  - id: mod{m}", f"    title: Module {m}", "    lessons:"]
        for n in range(min(10, lessons - 10 * m)):
            name = f"lessons/l{m}-{n}.md"
            extra = "\n![Un film](../media/film.mp4)\n" if video_bytes and m == n == 0 else ""
            (folder / name).write_text(
                f"---\nid: l{m}_{n}\ntitle: Leçon {m}.{n}\n---\n{body}{extra}", "utf-8"
            )
            lines.append(f"      - {name}")
        quiz = f"quizzes/q{m}.yml"
        questions = "".join(
            f"  - id: q{m}_{k}\n    type: single_choice\n    prompt: Question {k} ?\n"
            "    options:\n      - {id: a, text: Oui, correct: true}\n      - {id: b, text: Non}\n"
            for k in range(3)
        )
        (folder / quiz).write_text(f"id: quiz{m}\ntitle: Quiz {m}\nquestions:\n{questions}")
        lines.append(f"    quiz: {quiz}")
    (folder / "course.yml").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


# ---------------------------------------------------------------- measurements


def best_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def floor_seconds(packages: Sequence[Path], runs: int) -> float:
    """Zip the built packages' own files again, with the same writer and settings."""
    from coursepack.packaging import write_zip

    contents = []
    for package in packages:
        with zipfile.ZipFile(package) as archive:
            contents.append({name: archive.read(name) for name in archive.namelist()})
    when = datetime(2020, 1, 1)

    def rezip() -> None:
        for files in contents:
            write_zip(files, when, io.BytesIO())

    return best_of(runs, rezip)


def build_ratio(course: Path, out: Path, formats: list[str], runs: int) -> tuple[float, float]:
    from coursepack.build import build

    seconds = best_of(runs, lambda: build(course, formats, out))
    packages = sorted(out.glob("*.zip"))
    return seconds, floor_seconds(packages, runs)


def peak_memory_mb(course: Path, out: Path) -> float:
    """A whole build in a fresh process: its peak resident memory (VmHWM)."""
    script = (
        "import sys; from pathlib import Path; from coursepack.build import build; "
        f"build(Path(sys.argv[1]), {FORMATS!r}, Path(sys.argv[2])); "
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    done = subprocess.run(
        [PYTHON, "-c", script, str(course), str(out)], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1]) / 1024


def command_seconds(args: list[str], runs: int = 5) -> float:
    return statistics.median(
        best_of(1, lambda: subprocess.run(args, capture_output=True, check=True))
        for _ in range(runs)
    )


def runtime_bytes() -> dict[str, tuple[int, int]]:
    """JavaScript each package ships for a plain course: raw and gzipped bytes."""
    from coursepack.build import build

    sizes = {}
    with tempfile.TemporaryDirectory() as tmp:
        result = build(ROOT / "tests" / "fixtures" / "minimal", FORMATS, Path(tmp))
        for package in result.packages:
            with zipfile.ZipFile(package.path) as archive:
                js = b"".join(
                    archive.read(n) for n in sorted(archive.namelist()) if n.endswith(".js")
                )
            sizes[package.format] = (len(js), len(gzip.compress(js, 9)))
    return sizes


def validator_ratio(entries: int) -> tuple[float, float]:
    """Validating a package of many small files, against listing its directory."""
    from coursepack.validate.engine import Options, validate_path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "many.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("imsmanifest.xml", _manifest(entries))
            for i in range(entries):
                archive.writestr(f"files/f{i}.txt", "x")
        seconds = best_of(3, lambda: validate_path(path, Options(profile="moodle")))
        listing = best_of(3, lambda: zipfile.ZipFile(path).infolist())
    return seconds, listing


def big_package_rows(size: int) -> list[Row]:
    """Validating a package holding one large video (stored, as coursepack stores
    media): against listing it, and with --check-crc against zipfile's own CRC test
    of every member (testzip), which reads the same bytes."""
    from coursepack.validate.engine import Options, validate_path

    label = f"{size // 1024**3} GB" if size >= 1024**3 else f"{size // 1024**2} MB"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.zip"
        chunk = bytes(range(256)) * 4096  # 1 MiB
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("imsmanifest.xml", _manifest(1).replace("f0.txt", "film.mp4"))
            archive.writestr("index.html", "<!DOCTYPE html><title>t</title>")
            with archive.open("files/film.mp4", "w", force_zip64=True) as member:
                for _ in range(size // len(chunk)):
                    member.write(chunk)
        listing = best_of(3, lambda: zipfile.ZipFile(path).infolist())
        plain = best_of(3, lambda: validate_path(path, Options(profile="moodle")))
        tested = best_of(1, lambda: zipfile.ZipFile(path).testzip())
        crc = best_of(1, lambda: validate_path(path, Options(profile="moodle", check_crc=True)))
    return [
        (f"validate, {label} package (only its directory is read)",
         f"{1000 * plain:.1f} ms (listing it: {1000 * listing:.2f} ms)", "—"),
        (f"validate --check-crc, {label} package, vs zipfile's testzip",
         f"{crc / tested:.2f}× ({crc:.2f} s)", "—"),
    ]  # fmt: skip


def _manifest(entries: int) -> str:
    files = "".join(f'<file href="files/f{i}.txt"/>' for i in range(entries))
    return (
        '<?xml version="1.0"?><manifest identifier="m" version="1" '
        'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
        'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"><metadata><schema>ADL SCORM'
        '</schema><schemaversion>1.2</schemaversion></metadata><organizations default="o">'
        '<organization identifier="o"><title>t</title><item identifier="i" identifierref="r">'
        "<title>t</title></item></organization></organizations><resources><resource "
        'identifier="r" type="webcontent" adlcp:scormtype="sco" href="index.html">'
        f'<file href="index.html"/>{files}</resource></resources></manifest>'
    )


def ready_seconds(package: Path, workdir: Path) -> float:
    """Chromium: from navigation to the course being usable (body[data-cp-ready])."""
    from playwright.sync_api import sync_playwright

    folder = workdir / package.stem
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
        times = []
        for _ in range(5):
            page = browser.new_page()
            start = time.perf_counter()
            page.goto((folder / "index.html").as_uri())
            page.wait_for_selector("body[data-cp-ready]", timeout=120_000)
            times.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return min(times)


# ----------------------------------------------------------------------- table


def run(quick: bool) -> list[Row]:
    sizes = [20, 80] if quick else [50, 500, 2000, 4000]
    video = 5 * 1024**2 if quick else 500 * 1024**2
    runs = 1 if quick else 3
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        courses = {n: synthetic_course(work / f"c{n}", n) for n in sizes}
        per_lesson: dict[int, float] = {}
        for n in sizes:
            seconds, floor = build_ratio(courses[n], work / f"o{n}", FORMATS, runs)
            per_lesson[n] = seconds / n
            rows.append((f"build, all formats, {n:,} lessons", f"{seconds / floor:.1f}× floor "
                         f"({seconds:.2f} s; {1000 * seconds / n:.1f} ms/lesson)", "≤ 2.5×"))  # fmt: skip
        for n in sorted({sizes[1], sizes[-1]}):
            seconds, floor = build_ratio(courses[n], work / f"s{n}", ["scorm12"], runs)
            rows.append((f"build, scorm12 alone, {n:,} lessons",
                         f"{seconds / floor:.1f}× floor ({seconds:.2f} s)", "≤ 2.5×"))  # fmt: skip
        low, high = per_lesson[sizes[1]], per_lesson[sizes[-1]]
        rows.append((f"per-lesson cost, {sizes[1]:,} → {sizes[-1]:,} lessons",
                     f"{100 * (high / low - 1):+.0f} %", "within ±20 %"))  # fmt: skip
        big = synthetic_course(work / "video", 10, video)
        rows.append((f"peak memory, {video // 1024**2} MB video, all formats",
                     f"{peak_memory_mb(big, work / 'ov'):.0f} MB", "≤ 150 MB"))  # fmt: skip
        rows.append(incremental_row(courses[sizes[1]], work / "inc", runs))
        typer = command_seconds([PYTHON, "-c", "import typer"])
        helped = command_seconds([PYTHON, "-m", "coursepack", "--help"])
        version = command_seconds([PYTHON, "-m", "coursepack", "--version"])
        rows.append(("coursepack --help vs import typer", f"{helped / typer:.2f}×", "≤ 1.3×"))
        rows.append(("coursepack --version vs import typer", f"{version / typer:.2f}×", "—"))
        entries = 1000 if quick else 10_000
        seconds, listing = validator_ratio(entries)
        rows.append((f"validate, {entries:,} entries, vs listing them",
                     f"{seconds / listing:.1f}× ({seconds:.2f} s)", "≤ 2.5×"))  # fmt: skip
        rows += big_package_rows(64 * 1024**2 if quick else 1024**3)
        for fmt, (raw, gz) in runtime_bytes().items():
            rows.append((f"runtime JavaScript, {fmt}", f"{raw:,} B raw, {gz:,} B gzip",
                         "≤ 10 KB gzip" if fmt.startswith("scorm") else "—"))  # fmt: skip
        rows += readiness_rows(work, sizes)
    return rows


def readiness_rows(work: Path, sizes: Sequence[int]) -> list[Row]:
    """Chromium's time to a usable course, each size against the smallest; issue 17's
    target is for 2,000 lessons (the largest size is reported beside it)."""
    small, larger = sizes[0], sizes[1:][-2:]
    ready = {
        n: ready_seconds(next((work / f"o{n}").glob("*-scorm12.zip")), work)
        for n in (small, *larger)
    }
    rows: list[Row] = []
    for n in larger:
        rows.append((f"Chromium ready, {n:,} vs {small:,} lessons",
                     f"{ready[n] / ready[small]:.1f}× ({ready[n]:.2f} s vs {ready[small]:.2f} s)",
                     "—" if n > 2000 else "≤ 2×"))  # fmt: skip
    return rows


def incremental_row(course: Path, out: Path, runs: int) -> Row:
    """A clean build, then one lesson edited and the course built again."""
    from coursepack.build import build

    cache = out.parent / f"{out.name}-cache"

    def clean_build() -> None:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        build(course, FORMATS, out, cache_dir=cache)

    clean = best_of(runs, clean_build)
    lesson = sorted((course / "lessons").glob("*.md"))[0]
    text = lesson.read_text("utf-8")

    def edit_and_build() -> None:
        lesson.write_text(text + f"\nÉdité à {time.perf_counter_ns()}.\n", "utf-8")
        build(course, FORMATS, out, cache_dir=cache)

    again = best_of(runs, edit_and_build)
    lesson.write_text(text, "utf-8")
    return ("rebuild after editing one lesson vs clean build", f"{100 * again / clean:.0f} %",
            "≤ 15 %")  # fmt: skip


def render_table(rows: Sequence[Row]) -> str:
    header = ("measure", "result", "target")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(header, widths, strict=True))]
    lines.append("-|-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join("| " + line + " |" for line in lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (the test suite)")
    parser.add_argument("--json", action="store_true", help="rows as JSON")
    args = parser.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "315532800")
    rows = run(args.quick)
    print(json.dumps(rows, ensure_ascii=False) if args.json else render_table(rows))


if __name__ == "__main__":
    main()
