"""State of the fake Telegram world and builders for Bot API JSON objects.

Everything here is plain data; the HTTP layer lives in ``server.py`` and the
test-facing facade in ``fake.py``. Objects are built as the JSON dicts the
real Bot API returns so that aiogram parses them with its own models.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]


def now_unix() -> int:
    return int(time.time())


def file_unique_id(file_id: str) -> str:
    """Stable, short, distinct from file_id -- like Telegram's."""
    return "AQAD" + hashlib.sha1(file_id.encode()).hexdigest()[:12]


def photo_sizes(file_id: str) -> list[Json]:
    """Two PhotoSize objects, largest last; the largest carries ``file_id``."""
    return [
        {
            "file_id": f"{file_id}_thumb",
            "file_unique_id": file_unique_id(f"{file_id}_thumb"),
            "width": 90,
            "height": 67,
            "file_size": 1_234,
        },
        {
            "file_id": file_id,
            "file_unique_id": file_unique_id(file_id),
            "width": 1280,
            "height": 960,
            "file_size": 98_765,
        },
    ]


def media_object(kind: str, file_id: str, **extra: Any) -> Any:
    """The Message field for a media kind (photo is a list of sizes)."""
    if kind == "photo":
        return photo_sizes(file_id)
    base: Json = {"file_id": file_id, "file_unique_id": file_unique_id(file_id)}
    if kind == "voice":
        base.update(duration=int(extra.get("duration") or 1), mime_type="audio/ogg")
    elif kind == "audio":
        base.update(duration=int(extra.get("duration") or 1), mime_type="audio/mpeg")
    elif kind in ("video", "animation"):
        base.update(width=640, height=480, duration=int(extra.get("duration") or 1))
    elif kind == "video_note":
        base.update(length=240, duration=int(extra.get("duration") or 1))
    elif kind == "sticker":
        base.update(type="regular", width=512, height=512, is_animated=False, is_video=False)
        if extra.get("emoji"):
            base["emoji"] = extra["emoji"]
    elif kind == "document":
        if extra.get("file_name"):
            base["file_name"] = extra["file_name"]
        if extra.get("mime_type"):
            base["mime_type"] = extra["mime_type"]
    if extra.get("file_size") is not None and kind != "sticker":
        base["file_size"] = extra["file_size"]
    return base


MEDIA_KINDS = ("photo", "video", "animation", "audio", "voice", "video_note", "document", "sticker")


@dataclass
class FakeUser:
    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_json(self) -> Json:
        data: Json = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class FakeChat:
    id: int
    type: str  # "private" | "group" | "supergroup" | "channel"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    def to_json(self) -> Json:
        data: Json = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class Fault:
    """A scripted failure: the next ``times`` matching calls answer this error.

    ``method``/``chat_id`` None match anything (but a method=None fault never
    hits getUpdates, so the polling loop cannot silently eat it). ``delay``
    hangs before answering; without ``error_code`` the call then runs
    normally, i.e. the bot's client may time out although it was delivered.
    """

    method: str | None = None
    chat_id: int | str | None = None
    error_code: int | None = None
    description: str | None = None
    retry_after: int | None = None
    times: int | None = 1  # None = forever
    delay: float = 0.0
    where: Callable[[Json], bool] | None = None  # extra predicate on decoded params
    hits: int = 0

    def matches(self, method: str, params: Json) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.method is None:
            if method == "getUpdates":
                return False
        elif self.method.lower() != method.lower():
            return False
        if self.chat_id is not None and str(params.get("chat_id")) != str(self.chat_id):
            return False
        return self.where is None or bool(self.where(params))


class ApiError(Exception):
    """An error answer: {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(
        self, code: int, description: str, retry_after: int | None = None, *, migrate_to_chat_id: int | None = None
    ) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def to_json(self) -> Json:
        data: Json = {"ok": False, "error_code": self.code, "description": self.description}
        parameters: Json = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            data["parameters"] = parameters
        return data


@dataclass
class ApiCall:
    """One request the bot made, with decoded params and what it got back."""

    method: str
    params: Json
    at: float = field(default_factory=time.monotonic)
    result: Any = None
    error: tuple[int, str] | None = None
    done: bool = False  # False while the fake is still answering (e.g. a delay fault)
    fault: Fault | None = None  # the injected Fault that hit this call, if any

    @property
    def chat_id(self) -> int | str | None:
        return self.params.get("chat_id")

    @property
    def text(self) -> str:
        """The text or caption as sent (raw HTML if parse_mode was HTML)."""
        value = self.params.get("text", self.params.get("caption"))
        return value if isinstance(value, str) else ""

    @property
    def ok(self) -> bool:
        return self.done and self.error is None

    def describe(self, index: int | None = None) -> str:
        prefix = f"#{index} " if index is not None else ""
        line = f"{prefix}{self.method} chat_id={self.chat_id!r}"
        if self.text:
            line += f" text={self.text[:80]!r}"
        if self.error:
            line += f" -> error {self.error[0]} {self.error[1]!r}"
        elif not self.done:
            line += " (still pending)"
        return line


class Signal:
    """Wake every waiter on each change -- an event that re-arms itself.

    A waiter grabs ``signal.event`` *before* checking state, then awaits it;
    a change in between still wakes it, so there is no lost wake-up.
    """

    def __init__(self) -> None:
        self.event = asyncio.Event()

    def fire(self) -> None:
        event, self.event = self.event, asyncio.Event()
        event.set()


class MessageStore:
    """Messages per chat (user and bot ones), with per-chat message_id counters."""

    def __init__(self) -> None:
        self._chats: dict[int | str, dict[int, Json]] = {}
        self._next_id: dict[int | str, int] = {}
        self._by_bot: set[tuple[int | str, int]] = set()

    def allocate_id(self, chat_id: int | str) -> int:
        message_id = self._next_id.get(chat_id, 1)
        self._next_id[chat_id] = message_id + 1
        return message_id

    def put(self, message: Json, *, by_bot: bool) -> None:
        chat_id = message["chat"]["id"]
        self._chats.setdefault(chat_id, {})[message["message_id"]] = message
        if by_bot:
            self._by_bot.add((chat_id, message["message_id"]))

    def get(self, chat_id: int | str, message_id: int) -> Json | None:
        return self._chats.get(chat_id, {}).get(message_id)

    def is_bots(self, chat_id: int | str, message_id: int) -> bool:
        return (chat_id, message_id) in self._by_bot

    def delete(self, chat_id: int | str, message_id: int) -> bool:
        self._by_bot.discard((chat_id, message_id))
        return self._chats.get(chat_id, {}).pop(message_id, None) is not None

    def bot_messages(self, chat_id: int | str) -> list[Json]:
        chat = self._chats.get(chat_id, {})
        return [m for mid, m in chat.items() if (chat_id, mid) in self._by_bot]


def embedded(message: Json) -> Json:
    """A message as embedded in reply_to_message: a copy without its own reply."""
    inner = copy.deepcopy(message)
    inner.pop("reply_to_message", None)
    return inner


# Update types only delivered when allowed_updates names them explicitly.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    """getUpdates storage with the Bot API's offset-confirmation semantics."""

    def __init__(self, first_id: int = 100_000_001) -> None:
        # Entries: [update, forced, delivered]. "forced" updates (pushed raw)
        # are delivered once even below the confirmed offset, to simulate
        # Telegram re-delivering an update id the bot already saw.
        self._entries: list[list[Any]] = []
        self._next_id = first_id
        self._first_id = first_id
        self.confirmed = 0  # highest update_id confirmed via offset
        self.arrived = Signal()

    def push(self, update: Json, *, forced: bool = False) -> int:
        if "update_id" not in update:
            update = {"update_id": self._next_id, **update}
        self._next_id = max(self._next_id, update["update_id"] + 1)
        self._entries.append([update, forced, False])
        self.arrived.fire()
        return int(update["update_id"])

    @property
    def last_id(self) -> int:
        return self._next_id - 1 if self._next_id > self._first_id else 0

    def confirm(self, offset: int) -> None:
        if offset < 0:  # negative offset: keep only the last -offset updates
            keep = self._entries[offset:]
            if keep:
                self.confirmed = max(self.confirmed, keep[0][0]["update_id"] - 1)
            self._entries = keep
            return
        self.confirmed = max(self.confirmed, offset - 1)
        self._entries = [e for e in self._entries if e[0]["update_id"] >= offset or (e[1] and not e[2])]

    def take(self, limit: int, allowed: list[str] | None) -> list[Json]:
        """Updates to deliver now; drops those of types the bot did not ask for."""
        result: list[Json] = []
        kept: list[list[Any]] = []
        for entry in self._entries:
            update = entry[0]
            kind = next((k for k in update if k != "update_id"), "")
            if (kind not in allowed) if allowed else (kind in _OPT_IN_UPDATES):
                continue  # Telegram never creates updates of unwanted types
            kept.append(entry)
            pending = update["update_id"] > self.confirmed or (entry[1] and not entry[2])
            if pending and len(result) < limit:
                result.append(copy.deepcopy(update))
                entry[2] = True
        self._entries = kept
        return result

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
