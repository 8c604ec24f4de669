"""Who hears of the follow-through notices (the part of bot/notify/audience.py for them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import EventKind
from bot.domain.lifecycle import IssueStatus
from bot.domain.notices import Urgency
from bot.followthrough.notices import IssueDuplicated, IssueFollowed, LookbackAnswered, LookbackDue
from bot.notify.channel import GridDesk
from bot.triage import service as triage
from storage.models import Issue

if TYPE_CHECKING:
    from bot.notify.audience import Audience


# A citizen's push that reads wrong to someone who only follows the issue (it asks for a rating,
# thanks for one, or says "you") has a text of its own for followers; the others go as they are,
# under "您关注的诉求 … 有新进展".
FOLLOWER_KEYS = {
    "push-resolved": "follow-push-resolved",
    "push-explained": "follow-push-explained",
    "push-closed": "follow-push-closed",
    "push-reopened": "follow-push-reopened",
    "lookback-reopened-push": "follow-push-lookback-reopened",
    "lookback-reopened-push-deadline": "follow-push-lookback-reopened",
    "dup-closed-push": "follow-push-duplicate",
}


def follower_key(key: str) -> str:
    return FOLLOWER_KEYS.get(key, key)


def handlers(audience: Audience) -> dict[type, Callable[[AsyncSession, Any], Awaitable[None]]]:
    async def followed(s: AsyncSession, n: IssueFollowed) -> None:
        await audience._refresh(s, n)  # the cards count one more 关注

    async def duplicated(s: AsyncSession, n: IssueDuplicated) -> None:
        """The duplicate's cards show it closed; its citizen hears which issue they follow now."""
        await audience._refresh(s, n)
        await audience._citizen(s, n, "dup-closed-push", original=n.original_ref, who=n.by)
        original = await s.get(Issue, n.original_id)
        if original is not None:
            for channel in audience.channels:
                await channel.refresh_cards(s, issue=original, now=n.now)
        await audience._deputies(s, n, Urgency.STEP, EventKind.MARKED_DUPLICATE)

    async def lookback_due(s: AsyncSession, n: LookbackDue) -> None:
        for channel in audience.channels:
            await channel.ask_lookback(s, issue=n.issue, ask=n.ask, now=n.now)

    async def lookback_answered(s: AsyncSession, n: LookbackAnswered) -> None:
        """没解决: back to the holding level on a fresh card with the reason, the supervising deputy
        (and those who follow 不满意 at once) told; otherwise the answer is only recorded."""
        if n.issue.status == IssueStatus.REOPENED:
            await audience._refresh(s, n)
            await audience._card(
                s, n, GridDesk(triage.holder_grid_id(n.issue)), headline="card-lookback-reopened", note=n.reason
            )
            if n.issue.deadline is not None:  # 重办 has a new deadline
                await audience._citizen(s, n, "lookback-reopened-push-deadline", deadline=n.issue.deadline)
            else:
                await audience._citizen(s, n, "lookback-reopened-push")
            await audience._deputies(s, n, Urgency.UNSATISFIED, EventKind.LOOKBACK_ANSWERED)
            return
        await audience._deputies(s, n, Urgency.STEP, EventKind.LOOKBACK_ANSWERED)

    return {
        IssueFollowed: followed,
        IssueDuplicated: duplicated,
        LookbackDue: lookback_due,
        LookbackAnswered: lookback_answered,
    }
