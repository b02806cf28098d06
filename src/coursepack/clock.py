"""The only source of time: ``build_time`` for everything a build writes, so that
builds are reproducible, and ``now`` for what happens while a course is played
(the preview's LRS stamps statements with it), never for build output.

``build_time`` honours ``SOURCE_DATE_EPOCH`` (reproducible-builds.org). Without it the build uses a
fixed date: packages must be byte-identical from one build to the next, and the
wall clock or file modification times (which git does not preserve) would break that.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from coursepack.errors import UsageError

# The earliest date a ZIP entry can hold (MS-DOS time starts in 1980).
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


def build_time(environ: dict[str, str] | None = None) -> datetime:
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return ZIP_EPOCH
    try:
        moment = datetime.fromtimestamp(int(raw), tz=UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {raw!r}"
        ) from exc
    return max(moment, ZIP_EPOCH)


def now() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(UTC)
