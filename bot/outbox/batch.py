"""Text messages queued for one chat faster than it takes them, combined (no channel SDK here).

A citizen writing ten quick lines about an issue would otherwise fill the group's 20 messages a
minute. Rows sharing a `batch_key` that wait for the same chat go out as one message: the first
row's text, then each later row's text, less a first line identical to the first row's (the
"🗣 The citizen adds (ref):" header), so the group reads the header once and every line after it.
"""

from __future__ import annotations

from typing import Any

from storage.models import OutboxMessage

MAX_ROWS = 20  # at most this many rows in one message
MAX_CHARS = 3500  # and about this much text: a Telegram message holds 4,096 characters
TEXT_KEYS = ("text", "content")  # Telegram's sendMessage, WeCom's markdown


def _text_key(row: OutboxMessage) -> str | None:
    return next((key for key in TEXT_KEYS if isinstance(row.params.get(key), str)), None)


def fitting(head: OutboxMessage, later: list[OutboxMessage]) -> list[OutboxMessage]:
    """The later rows that go with `head`: same method and text field, within the size limit, in order."""
    key = _text_key(head)
    if key is None:
        return []
    size = len(head.params[key])
    taken: list[OutboxMessage] = []
    for row in later[: MAX_ROWS - 1]:
        if row.method != head.method or _text_key(row) != key:
            break
        size += len(row.params[key])
        if size > MAX_CHARS:
            break
        taken.append(row)
    return taken


def combined(head: OutboxMessage, later: list[OutboxMessage]) -> dict[str, Any]:
    """The params of one message carrying the head's text and the later rows' texts."""
    key = _text_key(head)
    assert key is not None
    text: str = head.params[key]
    header = text.split("\n", 1)[0]
    parts = [text]
    for row in later:
        first, newline, rest = row.params[key].partition("\n")
        parts.append(rest if newline and first == header else row.params[key])
    return {**head.params, key: "\n".join(parts)}
