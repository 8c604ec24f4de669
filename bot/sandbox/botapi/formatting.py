"""Telegram text formatting: the HTML parse mode, entities and length rules.

The HTML parser mirrors tdlib's ``parse_html`` (the code behind the Bot API):
a tiny tag tokenizer, not a browser-grade parser, so it rejects exactly the
kind of input that makes the real server answer "can't parse entities" --
most importantly unescaped ``<`` coming from user text.
"""

from __future__ import annotations

import re
from typing import Any

# Tag -> MessageEntity type. ``span`` is only valid as <span class="tg-spoiler">.
_TAG_ENTITY: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

# The only named entities Telegram understands; everything else is numeric.
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NUMERIC_ENTITY = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_NAMED_ENTITY = re.compile(r"&([a-zA-Z]{1,10});")
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@/])")

MAX_TEXT = 4096
MAX_CAPTION = 1024


class EntityParseError(ValueError):
    """Raised for malformed markup; the text becomes the API error description."""


def utf16_len(text: str) -> int:
    """Entity offsets/lengths are counted in UTF-16 code units, like the Bot API."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(src: str, index: int) -> int:
    # tdlib reports positions as UTF-8 byte offsets.
    return len(src[:index].encode("utf-8"))


def _decode_entity(src: str, i: int) -> tuple[str, int] | None:
    """Decode an HTML entity starting at src[i] == '&' -> (text, next index)."""
    m = _NUMERIC_ENTITY.match(src, i)
    if m:
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code), m.end()
        return None
    m = _NAMED_ENTITY.match(src, i)
    if m and m.group(1) in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[m.group(1)], m.end()
    return None


class _HtmlParser:
    """One-shot parser: ``_HtmlParser(src, strict_entities).run() -> (text, entities)``."""

    def __init__(self, src: str, strict_entities: bool) -> None:
        self.src = src
        self.strict = strict_entities
        self.out: list[str] = []
        self.pos16 = 0  # UTF-16 length of the visible text produced so far
        # Open tags: (tag name, utf16 start, attributes, source index of '<')
        self.stack: list[tuple[str, int, dict[str, str], int]] = []
        self.entities: list[dict[str, Any]] = []

    def fail(self, message: str, index: int | None = None) -> EntityParseError:
        if index is not None:
            message += f" at byte offset {_byte_offset(self.src, index)}"
        return EntityParseError(message)

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.pos16 += utf16_len(text)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src, i = self.src, 0
        while i < len(src):
            ch = src[i]
            if ch == "&":
                decoded = _decode_entity(src, i)
                if decoded is None:
                    if self.strict:
                        # Real Telegram shows a stray '&' literally; strict mode
                        # flags it because it means text was not html-escaped.
                        named = _NAMED_ENTITY.match(src, i)
                        what = f'Unsupported HTML entity "{named.group(0)}"' if named else 'Unescaped "&"'
                        raise self.fail(what, i)
                    decoded = ("&", i + 1)
                self.emit(decoded[0])
                i = decoded[1]
            elif ch == "<":
                i = self.end_tag(i) if src.startswith("</", i) else self.start_tag(i)
            else:
                j = i
                while j < len(src) and src[j] not in "&<":
                    j += 1
                self.emit(src[i:j])
                i = j
        if self.stack:
            raise self.fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def start_tag(self, begin: int) -> int:
        src, i = self.src, begin + 1
        while i < len(src) and not src[i].isspace() and src[i] != ">":
            i += 1
        if i >= len(src):
            raise self.fail("Unclosed start tag", begin)
        name = src[begin + 1 : i].lower()
        if name not in _TAG_ENTITY:
            raise self.fail(f'Unsupported start tag "{name}"', begin)
        attrs: dict[str, str] = {}
        while True:
            while i < len(src) and src[i].isspace():
                i += 1
            if i >= len(src):
                raise self.fail("Unclosed start tag", begin)
            if src[i] == ">":
                break
            i = self.attribute(name, begin, i, attrs)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self.fail('Tag "span" must have class "tg-spoiler"', begin)
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise self.fail('Tag "tg-emoji" must have attribute "emoji-id"', begin)
        self.stack.append((name, self.pos16, attrs, begin))
        return i + 1

    def attribute(self, tag: str, begin: int, i: int, attrs: dict[str, str]) -> int:
        src = self.src
        start = i
        while i < len(src) and not src[i].isspace() and src[i] not in "=>":
            i += 1
        attr = src[start:i].lower()
        if not attr:
            raise self.fail(f'Empty attribute name in the tag "{tag}"', begin)
        while i < len(src) and src[i].isspace():
            i += 1
        if i >= len(src) or src[i] != "=":
            if tag == "blockquote" and attr == "expandable":
                attrs[attr] = ""
                return i
            raise self.fail(f'Expected equal sign in declaration of an attribute of the tag "{tag}"', begin)
        i += 1
        while i < len(src) and src[i].isspace():
            i += 1
        if i >= len(src):
            raise self.fail("Unclosed start tag", begin)
        if src[i] in "\"'":
            quote, i = src[i], i + 1
            value: list[str] = []
            while i < len(src) and src[i] != quote:
                decoded = _decode_entity(src, i) if src[i] == "&" else None
                value.append(decoded[0] if decoded else src[i])
                i = decoded[1] if decoded else i + 1
            if i >= len(src):
                raise self.fail("Unclosed start tag", begin)
            attrs[attr] = "".join(value)
            return i + 1
        m = _NAME_TOKEN.match(src, i)
        assert m is not None  # the pattern matches the empty string
        end = m.end()
        if end >= len(src) or not (src[end].isspace() or src[end] == ">"):
            raise self.fail("Unexpected end of name token", i)
        attrs[attr] = src[i:end].lower()
        return end

    def end_tag(self, begin: int) -> int:
        src = self.src
        if not self.stack:
            raise self.fail("Unexpected end tag", begin)
        i = begin + 2
        while i < len(src) and not src[i].isspace() and src[i] != ">":
            i += 1
        found = src[begin + 2 : i].lower()
        while i < len(src) and src[i].isspace():
            i += 1
        if i >= len(src) or src[i] != ">":
            raise self.fail("Unclosed end tag", begin)
        name, start16, attrs, _ = self.stack[-1]
        if found and found != name:
            raise self.fail(
                f'Unmatched end tag at byte offset {_byte_offset(src, begin)}, expected "</{name}>", found "</{found}>"'
            )
        self.stack.pop()
        self.close_entity(name, start16, attrs)
        return i + 1

    def close_entity(self, name: str, start16: int, attrs: dict[str, str]) -> None:
        length = self.pos16 - start16
        parent = self.stack[-1] if self.stack else None
        if name == "code" and parent is not None and parent[0] == "pre":
            # <pre><code class="language-x"> is one pre entity with a language.
            cls = attrs.get("class", "")
            if cls.startswith("language-"):
                parent[2]["language"] = cls[len("language-") :]
            return
        if length <= 0:
            return
        entity: dict[str, Any] = {"type": _TAG_ENTITY[name], "offset": start16, "length": length}
        if name == "a":
            if not attrs.get("href"):
                return
            entity["url"] = attrs["href"]
        elif name == "pre" and attrs.get("language"):
            entity["language"] = attrs["language"]
        elif name == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        elif name == "tg-emoji":
            entity["custom_emoji_id"] = attrs["emoji-id"]
        self.entities.append(entity)


def parse_html(src: str, *, strict_entities: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Return (visible text, entities) or raise EntityParseError."""
    return _HtmlParser(src, strict_entities).run()


def trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram strips surrounding whitespace; shift and clip entities to match."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    fixed: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            fixed.append({**entity, "offset": start, "length": end - start})
    return stripped, fixed


def format_text(
    text: str | None,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None,
    *,
    strict_entities: bool = True,
) -> tuple[str, list[dict[str, Any]]]:
    """Apply parse_mode / explicit entities the way sendMessage does."""
    text = text or ""
    if entities:
        return trim(text, list(entities))
    mode = (parse_mode or "").lower()
    if mode == "html":
        return trim(*parse_html(text, strict_entities=strict_entities))
    if mode in ("", "markdown", "markdownv2"):
        # Markdown is passed through unparsed (the fake only models HTML).
        return trim(text, [])
    raise ValueError("unsupported parse_mode")  # not an entity error: no prefix


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity Telegram adds for a leading /command[@bot]."""
    m = _COMMAND.match(text)
    if not m:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))}]
