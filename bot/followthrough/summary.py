"""A one-line summary of a description, for lists (duplicate suggestions, 重复件 candidates)."""

from __future__ import annotations

SUMMARY_CHARS = 40


def one_line(text: str, limit: int = SUMMARY_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
