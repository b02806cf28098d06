"""A new user's first command works on a fresh machine, and every runtime import is declared.

The README's first command runs verbatim, in a copy of the checkout as a fresh clone
would have it, with a new virtual environment's ``python3`` first on the PATH: only
what ``pyproject.toml`` declares gets installed, so an undeclared dependency fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORMATS = ("scorm12", "scorm2004", "xapi", "cmi5")


def readme_commands() -> list[str]:
    """The two set-up commands: the first fenced bash block of the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"```bash\n(.*?)```", text, re.DOTALL)
    assert match, "the README opens with a ```bash block"
    return [line for line in match.group(1).splitlines() if line.strip()]


def _checkout_files() -> list[str]:
    if (ROOT / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        return sorted(name for name in listed.split("\0") if name and (ROOT / name).is_file())
    skip = {"node_modules", ".git", "dist", ".venv-test", ".venv"}
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*")
        if path.is_file() and not skip & set(path.relative_to(ROOT).parts)
    )


@pytest.fixture(scope="module")
def fresh(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    work = tmp_path_factory.mktemp("fresh-machine")
    clone = work / "coursepack"
    for name in _checkout_files():
        target = clone / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    result = subprocess.run(
        ["bash", "-c", readme_commands()[0]],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return clone, venv, result


def test_readme_opens_with_two_commands_one_builds_one_tests() -> None:
    first, second = readme_commands()
    assert "coursepack build course --out dist" in first
    assert second == "bash scripts/test.sh"


def test_readme_first_command_builds_the_four_flagship_packages_in_a_fresh_venv(
    fresh: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    clone, _venv, result = fresh
    assert result.returncode == 0, result.stderr[-3000:]
    built = sorted(p.name for p in (clone / "dist").glob("*.zip"))
    assert built == sorted(f"securite_jeunes_wikimediens-1.0.0-{fmt}.zip" for fmt in FORMATS)
    for name in built:
        with zipfile.ZipFile(clone / "dist" / name) as archive:
            assert archive.testzip() is None


def test_every_module_imports_with_only_the_declared_dependencies(
    fresh: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    _clone, venv, result = fresh
    assert result.returncode == 0, result.stderr[-3000:]
    script = (
        "import importlib, pkgutil, coursepack\n"
        "failed = []\n"
        "for info in pkgutil.walk_packages(coursepack.__path__, 'coursepack.'):\n"
        "    if info.name.endswith('__main__'):\n"
        "        continue\n"
        "    try:\n"
        "        importlib.import_module(info.name)\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{info.name}: {exc!r}')\n"
        "print('\\n'.join(failed))\n"
        "raise SystemExit(1 if failed else 0)\n"
    )
    imported = subprocess.run(
        [str(venv / "bin" / "python"), "-I", "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert (
        "site-packages"
        in subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-I",
                "-c",
                "import coursepack; print(coursepack.__file__)",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
