"""``coursepack explain``: what a package sends to the LMS, element by element, and when.

Each target describes its own behaviour as rows; a browser test checks the rows
against the data elements a complete run really sets, so this never drifts from
the runtime.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    when: str
    element: str
    value: str


# The moments of a session, in order, shared by every target's explanation.
LAUNCH = "launch"
PROGRESS = "page turn / answer (committed within 2 s)"
STATUS = "status or score change (committed at once)"
SUBMIT = "quiz submitted, per question"
EXIT = "save and exit, or page closed"


def format_rows(title: str, rows: list[Row]) -> str:
    width_when = max(len(r.when) for r in rows)
    width_element = max(len(r.element) for r in rows)
    lines = [title, ""]
    previous = ""
    for row in rows:
        when = row.when if row.when != previous else ""
        previous = row.when
        lines.append(f"{when:<{width_when}}  {row.element:<{width_element}}  {row.value}")
    return "\n".join(lines) + "\n"
