"""Splitting a long HTML text into messages within Telegram's 4,096-character limit.

Telegram counts the text after entity parsing, in UTF-16 code units; measuring the raw HTML in
UTF-16 units is an upper bound of that, so every piece fits. Pieces end at a line break when one
is near; tags open at a cut are closed at its end and reopened at the next piece's start, and a
cut never falls inside a tag or an `&...;` entity.
"""

from __future__ import annotations

import re

TEXT_LIMIT = 4096
TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|[\s\S]", re.UNICODE)
TAG = re.compile(r"<\s*(/)?\s*([a-zA-Z-]+)")


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    if _units(text) <= limit:
        return [text]
    pieces: list[str] = []
    current: list[str] = []  # tokens of the piece being built
    size = 0
    open_tags: list[tuple[str, str]] = []  # (name, the opening tag as written)
    last_break = -1  # index in `current` just after the latest newline

    def closing() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(open_tags))

    def reserve() -> int:
        return _units(closing())

    def cut(at: int) -> None:
        """End the piece after current[:at]; the rest starts the next one."""
        nonlocal current, size, last_break
        head, tail = current[:at], current[at:]
        # Tags opened in the head and still open must be closed there and reopened after.
        stack: list[tuple[str, str]] = []  # the head starts with the reopened tags itself
        for token in head:
            _track(stack, token)
        pieces.append("".join(head) + "".join(f"</{name}>" for name, _ in reversed(stack)))
        prefix = [tag for _, tag in stack]
        reopen[:] = stack
        current = prefix + tail
        size = sum(_units(t) for t in current)
        last_break = -1

    reopen: list[tuple[str, str]] = []  # tags open at the start of the current piece
    for token in TOKEN.findall(text):
        _track(open_tags, token)
        current.append(token)
        size += _units(token)
        if token == "\n":
            last_break = len(current)
        while size + reserve() > limit and len(current) > len(reopen) + 1:
            # Prefer a line break in the second half of the piece; else cut before this token.
            at = last_break if last_break > len(current) // 2 else len(current) - 1
            cut(at)
    if current:
        pieces.append("".join(current))
    return [piece for piece in (p.strip("\n") for p in pieces) if _visible(piece)]


def _track(stack: list[tuple[str, str]], token: str) -> None:
    if not token.startswith("<"):
        return
    match = TAG.match(token)
    if match is None:
        return
    closing, name = match.group(1), match.group(2).lower()
    if closing:
        for index in range(len(stack) - 1, -1, -1):
            if stack[index][0] == name:
                del stack[index:]
                break
    elif not token.endswith("/>"):
        stack.append((name, token))


def _visible(piece: str) -> bool:
    return bool(re.sub(r"<[^>]*>", "", piece).strip())


def truncate_html(text: str, limit: int = TEXT_LIMIT, ellipsis: str = "…") -> str:
    """The first piece only, marked as cut (for edits, which cannot become two messages)."""
    pieces = split_html(text, limit - len(ellipsis))
    return pieces[0] + ellipsis if len(pieces) > 1 else text
