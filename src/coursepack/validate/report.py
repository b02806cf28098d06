"""Turning validation reports into text, JSON, JUnit XML or GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence

from lxml import etree

from coursepack.validate.engine import Finding, PackageReport
from coursepack.validate.rules import RULES, Level
from coursepack.xmlutil import to_bytes

FORMATS = ("text", "json", "junit", "github")


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


def render(reports: Sequence[PackageReport], fmt: str) -> str:
    if fmt == "json":
        return as_json(reports)
    if fmt == "junit":
        return junit(reports)
    if fmt == "github":
        return github(reports)
    return text(reports)
