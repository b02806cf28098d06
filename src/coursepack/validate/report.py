"""Turning validation reports into text, JSON, JUnit XML or GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence

from lxml import etree

from coursepack.validate.engine import Finding, PackageReport
from coursepack.validate.rules import RULES, Level, reference
from coursepack.xmlutil import to_bytes

FORMATS = ("text", "json", "junit", "github", "sarif")
SARIF_LEVELS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}


def where(report: PackageReport, finding: Finding) -> str:
    text = report.path
    if finding.member:
        text += f"!{finding.member}"
        if finding.line:
            text += f":{finding.line}"
    return text


def summary(reports: Sequence[PackageReport]) -> str:
    errors = sum(r.count(Level.ERROR) for r in reports)
    warnings = sum(r.count(Level.WARNING) for r in reports)
    infos = sum(r.count(Level.INFO) for r in reports)
    return f"{len(reports)} package(s): {errors} error(s), {warnings} warning(s), {infos} info"


def text(reports: Sequence[PackageReport], *, show_info: bool = True) -> str:
    lines: list[str] = []
    for report in reports:
        for finding in report.findings:
            if finding.level is Level.INFO and not show_info:
                continue
            lines.append(
                f"{where(report, finding)}: {finding.level.value}: {finding.message} [{finding.code}]"
            )
            lines.append(f"    fix: {finding.fix}")
    lines.append(summary(reports))
    return "\n".join(lines) + "\n"


def as_json(reports: Sequence[PackageReport]) -> str:
    document = {
        "packages": [
            {
                "path": report.path,
                "type": report.kind,
                "findings": [
                    {
                        "code": f.code,
                        "level": f.level.value,
                        "message": f.message,
                        "member": f.member,
                        "line": f.line,
                        "rule": RULES[f.code].title,
                        "fix": f.fix,
                    }
                    for f in report.findings
                ],
            }
            for report in reports
        ],
        "summary": {
            "packages": len(reports),
            "errors": sum(r.count(Level.ERROR) for r in reports),
            "warnings": sum(r.count(Level.WARNING) for r in reports),
            "info": sum(r.count(Level.INFO) for r in reports),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def junit(reports: Sequence[PackageReport]) -> str:
    """One test suite per package, one failing test case per error or warning."""
    suites = etree.Element("testsuites", name="coursepack validate")
    for report in reports:
        shown = [f for f in report.findings if f.level is not Level.INFO]
        failures = len(shown)
        suite = etree.SubElement(
            suites,
            "testsuite",
            name=report.path,
            tests=str(max(failures, 1)),
            failures=str(failures),
        )
        if not shown:
            etree.SubElement(suite, "testcase", classname=report.path, name="package is valid")
        for finding in shown:
            case = etree.SubElement(
                suite,
                "testcase",
                classname=report.path,
                name=f"{finding.code} {where(report, finding)}",
            )
            failure = etree.SubElement(
                case, "failure", type=finding.level.value, message=finding.message
            )
            failure.text = f"{finding.message}\nfix: {finding.fix}"
    return to_bytes(suites).decode("utf-8")


def github(reports: Sequence[PackageReport]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    kinds = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}
    for report in reports:
        for finding in report.findings:
            if finding.level is Level.INFO:
                continue
            properties = f"file={report.path}"
            if finding.line:
                properties += f",line={finding.line}"
            properties += f",title={finding.code}"
            message = f"{where(report, finding)}: {finding.message} (fix: {finding.fix})"
            message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            lines.append(f"::{kinds[finding.level]} {properties}::{message}")
    lines.append(summary(reports))
    return "\n".join(lines) + "\n"


def sarif(reports: Sequence[PackageReport], paths: Sequence[str] | None = None) -> str:
    """SARIF 2.1.0: one result per finding. A finding in an unpacked package points at
    the member file and line, so code-scanning tools annotate it inline; in a zip it
    points at the zip, with the member as a logical location."""
    from coursepack import __version__

    used = sorted({f.code for r in reports for f in r.findings})
    index = {code: i for i, code in enumerate(used)}
    rules = [
        {
            "id": code,
            "name": code.replace("-", ""),
            "shortDescription": {"text": RULES[code].title},
            "help": {"text": RULES[code].fix},
            "defaultConfiguration": {"level": SARIF_LEVELS[RULES[code].level]},
        }
        for code in used
    ]
    results = []
    for position, report in enumerate(reports):
        given = paths[position] if paths and position < len(paths) else report.path
        folder = not given.lower().endswith((".zip", ".xml"))
        for finding in report.findings:
            target = given
            if folder and finding.member:
                target = f"{given.rstrip('/')}/{finding.member}"
            physical: dict[str, object] = {"artifactLocation": {"uri": _uri(target)}}
            if finding.line and (folder or given.lower().endswith(".xml")):
                physical["region"] = {"startLine": finding.line}
            location: dict[str, object] = {"physicalLocation": physical}
            if finding.member:
                location["logicalLocations"] = [
                    {"fullyQualifiedName": f"{report.path}!{finding.member}", "kind": "module"}
                ]
            results.append(
                {
                    "ruleId": finding.code,
                    "ruleIndex": index[finding.code],
                    "level": SARIF_LEVELS[finding.level],
                    "message": {"text": f"{finding.message}. Fix: {finding.fix}"},
                    "locations": [location],
                }
            )
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "coursepack validate",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/coursepack/",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _uri(path: str) -> str:
    """A SARIF artifact URI: file:// for an absolute path, a relative reference otherwise."""
    from pathlib import Path, PurePosixPath
    from urllib.parse import quote

    if Path(path).is_absolute():
        return Path(path).as_uri()
    return quote(PurePosixPath(Path(path).as_posix()).as_posix())


def catalogue(profile: str = "default") -> str:
    """Every rule: code, severity (per profile), title and fix, as a text table."""
    lines = []
    for code, rule in RULES.items():
        level = rule.level
        if rule.moodle and profile == "moodle" and level is not Level.INFO:
            level = Level.ERROR
        moodle = " (error under --profile moodle)" if rule.moodle and profile != "moodle" else ""
        lines.append(f"{code:7} {level.value:7} {rule.title}{moodle}")
        lines.append(f"        why: {reference(code)}")
        lines.append(f"        fix: {rule.fix}")
    return "\n".join(lines) + "\n"


def render(reports: Sequence[PackageReport], fmt: str, paths: Sequence[str] | None = None) -> str:
    if fmt == "sarif":
        return sarif(reports, paths)
    if fmt == "json":
        return as_json(reports)
    if fmt == "junit":
        return junit(reports)
    if fmt == "github":
        return github(reports)
    return text(reports)
