"""What a channel's transport answers for one outbox row; the sender acts on it (no channel SDK here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from storage.models import OutboxMessage


@dataclass(frozen=True)
class Sent:
    message_ids: list[int] = field(default_factory=list)  # to link to the row's issue/contact (link_kind)


@dataclass(frozen=True)
class RetryAfter:
    seconds: float  # the service asked to wait exactly this long
    error: str


@dataclass(frozen=True)
class Retry:
    error: str  # transient (network, timeout, 5xx): back off


@dataclass(frozen=True)
class Gone:
    error: str  # the destination takes nothing more (blocked, removed, robot deleted)


@dataclass(frozen=True)
class Moved:
    to_chat_id: int  # the destination lives on under this id (a group upgraded to a supergroup)
    error: str


@dataclass(frozen=True)
class Refused:
    error: str  # this one message is refused for good


Delivery = Sent | RetryAfter | Retry | Gone | Moved | Refused


class Transport(Protocol):
    channel: str  # the outbox rows (OutboxMessage.channel) this transport delivers

    async def deliver(self, row: OutboxMessage) -> Delivery: ...
