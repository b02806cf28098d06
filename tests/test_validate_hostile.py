"""Hostile packages: each finishes in under 10 s and 300 MB (measured in a subprocess,
VmHWM) and becomes findings, never a hang, a crash or a false "clean"."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from coursepack.cli import app
from coursepack.validate.engine import FINDINGS_PER_RULE, Options, validate_bytes
from tests.corpus import BASES, PAGE

MEASURE = (
    "import sys, time, json\n"
    "from pathlib import Path\n"
    "from coursepack.validate.engine import Options, validate_path\n"
    "t = time.perf_counter()\n"
    "r = validate_path(Path(sys.argv[1]), Options(check_crc=sys.argv[2] == '1'))\n"
    "peak = int(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
    "print(json.dumps({'seconds': time.perf_counter() - t, 'peak_mb': peak / 1024,\n"
    "    'codes': sorted({f.code for f in r.findings}), 'count': len(r.findings),\n"
    "    'messages': [f.message for f in r.findings][:5]}))\n"
)


def measure(path: Path, *, crc: bool = False) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), "1" if crc else "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found: dict[str, object] = json.loads(result.stdout)
    assert float(found["seconds"]) < 10, found  # type: ignore[arg-type]
    assert float(found["peak_mb"]) < 300, found  # type: ignore[arg-type]
    return found


def scorm_zip(path: Path, extra: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", BASES["scorm12"]["imsmanifest.xml"])
        archive.writestr("index.html", PAGE)
        for name, data in extra:
            archive.writestr(name, data)
    return path


def test_an_entry_named_with_a_leading_slash_ends(tmp_path: Path) -> None:
    """'/x' once looped forever (posixpath.dirname('/') is '/')."""
    path = tmp_path / "abs.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("placeholder")
        info.filename = "/x"  # the constructor would strip the leading '/'
        archive.writestr(info, b"")
    found = measure(path)
    assert "Z4" in found["codes"]  # type: ignore[operator]


def test_very_long_nested_names_are_reported_in_bounded_memory(tmp_path: Path) -> None:
    name = "/".join(["d" * 30] * 2100) + "/f.txt"  # about 65,000 characters
    extra = [(f"{i}/{name}", b"") for i in range(300)]
    found = measure(scorm_zip(tmp_path / "deep.zip", extra))
    assert "Z4" in found["codes"]  # type: ignore[operator]
    assert any("characters long (at most 1,024)" in m for m in found["messages"])  # type: ignore[union-attr]


def test_millions_of_findings_are_capped_per_rule(tmp_path: Path) -> None:
    items = "".join(
        f'<item identifier="i{i}" identifierref="missing"><title>t</title></item>'
        for i in range(50_000)
    )
    manifest = BASES["scorm12"]["imsmanifest.xml"].replace(
        "</organization>", items + "</organization>", 1
    )
    path = tmp_path / "items.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest)
        archive.writestr("index.html", PAGE)
    found = measure(path)
    assert int(found["count"]) < 20 * FINDINGS_PER_RULE  # type: ignore[call-overload]


def test_the_cap_says_how_many_more(tmp_path: Path) -> None:
    extra = [(f"backup{i}.txt~", b"") for i in range(FINDINGS_PER_RULE + 7)]
    data = scorm_zip(tmp_path / "junk.zip", extra).read_bytes()
    report = validate_bytes("junk.zip", data, Options())
    junk = [f for f in report.findings if f.code == "Z11"]
    assert len(junk) == FINDINGS_PER_RULE + 1
    assert junk[-1].message == "and 7 more like these"


def test_many_records_on_one_huge_entry_are_checked_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", BASES["scorm12"]["imsmanifest.xml"])
        archive.writestr("index.html", PAGE)
        archive.writestr("big.bin", bytes(120 * 1024 * 1024))
    data = bytearray(path.read_bytes())
    # Duplicate the central-directory record of big.bin 40 times (same local header).
    eocd = data.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack("<II", data[eocd + 12 : eocd + 20])
    cd = bytes(data[cd_offset : cd_offset + cd_size])
    start = cd.find(b"PK\x01\x02", cd.find(b"big.bin") - 46)
    record = cd[start : start + 46 + len("big.bin")]
    new_cd = cd + record * 40
    entries = struct.unpack("<H", data[eocd + 10 : eocd + 12])[0] + 40
    tail = bytearray(data[eocd:])
    tail[8:10] = struct.pack("<H", entries)
    tail[10:12] = struct.pack("<H", entries)
    tail[12:16] = struct.pack("<I", len(new_cd))
    path.write_bytes(bytes(data[:cd_offset]) + new_cd + bytes(tail))
    found = measure(path, crc=True)
    assert "Z5" in found["codes"]  # type: ignore[operator]


def test_control_characters_and_undecodable_names_never_break_reports(tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    folder.mkdir()
    for name, content in BASES["scorm12"].items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
    (folder / "index.html").write_text(PAGE if isinstance(PAGE, str) else PAGE.decode(), "utf-8")
    Path(str(folder) + "/caf\udce9 \x1b[31m\x01.png").write_bytes(b"")
    for fmt in ("text", "json", "junit", "github"):
        out = tmp_path / f"report.{fmt}"
        result = CliRunner().invoke(
            app, ["validate", str(folder), "--format", fmt, "--output", str(out)]
        )
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        text = out.read_text("utf-8")
        assert "\x01" not in text and "\udce9" not in text


@pytest.mark.parametrize("count", [1, 3])
def test_generated_zip_structures_stay_bounded(tmp_path: Path, count: int) -> None:
    """Nested, absolute and duplicate names together."""
    extra = [("/abs.txt", b""), ("a/../../up.txt", b"")] * count
    extra += [(("n/" * 200) + "leaf", b"")] * count
    path = tmp_path / "mix.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("imsmanifest.xml", BASES["scorm12"]["imsmanifest.xml"])
        archive.writestr("index.html", PAGE)
        for name, data in extra:
            info = zipfile.ZipInfo("placeholder")
            info.filename = name
            archive.writestr(info, data)
    found = measure(path)
    assert "Z4" in found["codes"]  # type: ignore[operator]


NAME_PART = st.text(alphabet="ab./\\:~ \x01é", min_size=1, max_size=6)
NAMES = st.one_of(
    st.lists(NAME_PART, min_size=1, max_size=60).map("/".join),  # nested
    NAME_PART.map(lambda n: "/" + n),  # absolute
    st.sampled_from(["index.html", "imsmanifest.xml", "x/", "/", "..", "a/../../b", ""]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(NAMES, max_size=25))
def test_generated_zip_structures_never_crash_or_hang(names: list[str]) -> None:
    """Nested, absolute, empty and duplicate names together (the bounded-memory cases
    above measure the worst shapes in a subprocess)."""
    import io
    import time
    import warnings

    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore", UserWarning)  # duplicates are the point
        archive.writestr("imsmanifest.xml", BASES["scorm12"]["imsmanifest.xml"])
        archive.writestr("index.html", PAGE)
        for name in names:
            info = zipfile.ZipInfo("placeholder")
            info.filename = name
            archive.writestr(info, b"x")
    started = time.monotonic()
    report = validate_bytes("gen.zip", buffer.getvalue(), Options(profile="moodle"))
    assert time.monotonic() - started < 5
    assert report.kind in {"scorm12", "scorm", "unknown"}
    assert len(report.findings) <= 40 * (FINDINGS_PER_RULE + 1)
