"""What a channel can be asked to say. `bot/notify/audience.py` decides who is told; a channel
renders it for its medium and queues it on the outbox in the caller's transaction.

Arguments are raw values (text, datetimes): each channel escapes and formats them for its own
markup. A channel that cannot
reach an audience (a send-only WeCom robot has no citizens) does nothing for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.notices import AlertKind, ExtensionRequested, PersonalNote, UnitDigest, Urgency
from storage.models import Deputy, DeputyContact, Issue, IssueAttachment


@dataclass(frozen=True)
class GridDesk:
    """The work place of a grid's level: its group, or the nearest one above it."""

    grid_id: int


@dataclass(frozen=True)
class DepartmentDesk:
    """An assigned 职能部门's own work group."""

    department_id: int


@dataclass(frozen=True)
class PersonDesk:
    """One person's private chat (a department's liaison works there)."""

    user_id: int


Desk = GridDesk | DepartmentDesk | PersonDesk


class Channel:
    """The base of every channel: each method says nothing, so a channel overrides what it can say
    (a send-only WeCom robot has no citizens, no deputies, no cards to edit)."""

    # -- the people working on an issue ---------------------------------------------------------
    async def post_card(
        self,
        s: AsyncSession,
        *,
        issue: Issue,
        desk: Desk,
        headline: str,
        now: datetime,
        files: list[IssueAttachment] | None = None,
        note: str | None = None,
    ) -> bool:
        """The issue's card (with its media, and `note` under it); False if this channel has no way to that desk."""
        return False

    async def refresh_cards(self, s: AsyncSession, *, issue: Issue, now: datetime) -> None:
        return None

    async def relay_to_cards(
        self, s: AsyncSession, *, issue: Issue, text: str | None, photo: str | None, now: datetime
    ) -> None:
        """A citizen's follow-up, under the issue's cards."""
        return None

    async def say_under_cards(self, s: AsyncSession, *, issue: Issue, key: str, now: datetime, **args: object) -> None:
        return None

    async def tell_person(self, s: AsyncSession, *, user_id: int, key: str, now: datetime, **args: object) -> None:
        return None

    async def tell_admins(self, s: AsyncSession, *, key: str, now: datetime, **args: object) -> None:
        return None

    async def extension_card(self, s: AsyncSession, *, notice: ExtensionRequested) -> None:
        """延期申请: a card with 同意 / 不同意 for the approving group (or each administrator)."""
        return None

    async def alerts(
        self, s: AsyncSession, *, kind: AlertKind, items: list[tuple[Issue, list[Desk]]], now: datetime
    ) -> None:
        """Due-soon or overdue alerts, each issue for its desks, gathered per recipient."""
        return None

    async def desks(self, s: AsyncSession) -> tuple[set[int], set[int]]:
        """The grids and the departments this channel has a place of their own for (digests)."""
        return set(), set()

    async def digest(self, s: AsyncSession, *, digest: UnitDigest) -> bool:
        """False if this channel has no way to the digest's unit."""
        return False

    # -- the citizen ------------------------------------------------------------------------------
    async def ask_contact(self, s: AsyncSession, *, issue: Issue, deputy_name: str, now: datetime) -> None:
        """Ask the citizen whether the grid may see their name and phone (a deputy's 转为诉求)."""
        return None

    async def push_citizen(
        self, s: AsyncSession, *, issue: Issue, key: str, now: datetime, rating: bool = False, **args: str
    ) -> None:
        return None

    async def push_follower(
        self, s: AsyncSession, *, issue: Issue, user_id: int, key: str, now: datetime, **args: object
    ) -> None:
        """The citizen's progress message, to someone who follows the issue (关注)."""
        return None

    async def ask_lookback(self, s: AsyncSession, *, issue: Issue, ask: int, now: datetime) -> None:
        """回访: 问题解决了吗？ with 已解决 / 没解决 / 不清楚."""
        return None

    async def relay_to_citizen(
        self,
        s: AsyncSession,
        *,
        issue: Issue,
        text: str | None,
        photo: str | None,
        now: datetime,
        department: str | None = None,
    ) -> None:
        return None

    # -- deputies ---------------------------------------------------------------------------------
    async def push_deputy(
        self, s: AsyncSession, *, deputy: Deputy, issue: Issue, urgency: Urgency, detail: str | None, now: datetime
    ) -> None:
        return None

    async def to_deputy(
        self,
        s: AsyncSession,
        *,
        deputy: Deputy,
        contact: DeputyContact,
        text: str,
        citizen_name: str,
        first: bool,
        now: datetime,
    ) -> None:
        """A citizen's message in the deputy's inbox; the deputy answers it from there."""
        return None

    async def deputy_answer(
        self, s: AsyncSession, *, deputy: Deputy, contact: DeputyContact, text: str, now: datetime
    ) -> None:
        return None

    async def personal_note(self, s: AsyncSession, *, note: PersonalNote) -> None:
        return None
