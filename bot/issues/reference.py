"""Human-friendly reference numbers: GL-<yy><mm>-<sequence in that month>, e.g. GL-2611-0042."""

from __future__ import annotations

import re
from datetime import datetime

PREFIX = "GL"
REF_PATTERN = re.compile(r"^GL-\d{4}-\d{4,}$")


def period_of(local_time: datetime) -> str:
    """The counter period, in the configured time zone: the month a citizen sees on the calendar."""
    return local_time.strftime("%y%m")


def format_ref(period: str, sequence: int) -> str:
    return f"{PREFIX}-{period}-{sequence:04d}"


def looks_like_ref(text: str) -> bool:
    return bool(REF_PATTERN.match(text.strip().upper()))
