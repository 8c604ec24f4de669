"""Who hears of the follow-through notices (issue 18): 🟡 warnings, 延期申请 and its decision, 督办
levels. A mixin of `Audience`, kept apart so the notices of each area read in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import SupervisionLevel
from bot.domain.notices import (
    ExtensionDecided,
    ExtensionRequested,
    SupervisionRaised,
    TimeLimitWarning,
    Urgency,
)
from bot.issues import service
from bot.notify.channel import GridDesk
from bot.triage import service as triage

if TYPE_CHECKING:
    from bot.deputies.notify import DeputyAudience
    from bot.notify.channel import Channel


class FollowupAudience:
    channels: list[Channel]
    deputies: DeputyAudience

    def followup_handlers(self) -> dict[type, object]:
        return {
            TimeLimitWarning: self.time_limit_warning,
            ExtensionRequested: self.extension_requested,
            ExtensionDecided: self.extension_decided,
            SupervisionRaised: self.supervision_raised,
        }

    async def time_limit_warning(self, s: AsyncSession, n: TimeLimitWarning) -> None:
        """🟡 on the cards; the 责任人 in their private chat, else under the cards where it is worked."""
        for channel in self.channels:
            await channel.refresh_cards(s, issue=n.issue, now=n.now)
            args = {"ref": n.issue.ref, "deadline": n.issue.deadline}
            if n.issue.assignee_id is not None:
                await channel.tell_person(s, user_id=n.issue.assignee_id, key="warn-yellow-person", now=n.now, **args)
            else:
                await channel.say_under_cards(
                    s, issue=n.issue, key="warn-yellow-group", now=n.now, deadline=args["deadline"]
                )

    async def extension_requested(self, s: AsyncSession, n: ExtensionRequested) -> None:
        for channel in self.channels:
            await channel.extension_card(s, notice=n)
            await channel.say_under_cards(
                s, issue=n.issue, key="ext-asked-under-card", now=n.now, days=str(n.days), who=n.requester
            )

    async def extension_decided(self, s: AsyncSession, n: ExtensionDecided) -> None:
        key = "ext-approved-requester" if n.approved else "ext-refused-requester"
        for channel in self.channels:
            await channel.tell_person(
                s,
                user_id=n.requester_id,
                key=key,
                now=n.now,
                ref=n.issue.ref,
                deadline=n.issue.deadline,
                by=n.by,
                reason=n.reason,
            )
            if n.approved:
                await channel.refresh_cards(s, issue=n.issue, now=n.now)
                await channel.push_citizen(s, issue=n.issue, key="push-extended", now=n.now, deadline=n.issue.deadline)

    async def supervision_raised(self, s: AsyncSession, n: SupervisionRaised) -> None:
        """The cards show the level; the holding group and the 责任人 hear why. A 红牌 also goes to
        the county's group (a card, unless one stands there already) and to the deputies at once."""
        level = SupervisionLevel(n.issue.supervision_level)
        for channel in self.channels:
            await channel.refresh_cards(s, issue=n.issue, now=n.now)
            await channel.say_under_cards(
                s, issue=n.issue, key=f"level-raised-{level.value}", now=n.now, reason=n.reason, who=n.by
            )
            if n.issue.assignee_id is not None:
                await channel.tell_person(
                    s,
                    user_id=n.issue.assignee_id,
                    key=f"level-raised-{level.value}",
                    now=n.now,
                    ref=n.issue.ref,
                    reason=n.reason,
                    who=n.by,
                )
        if level != SupervisionLevel.RED:
            return
        county = (await triage.issue_path(s, n.issue))[0].grid_id
        group = await service.holding_group(s, grid_id=county)
        assert n.issue.id is not None
        if group is not None and group.chat_id not in await service.card_chats(s, issue_id=n.issue.id):
            for channel in self.channels:
                await channel.post_card(
                    s, issue=n.issue, desk=GridDesk(county), headline="card-red-card", now=n.now, note=n.reason
                )
        for deputy in await self.deputies.to_tell(s, issue=n.issue, urgency=Urgency.RED_CARD, now=n.now):
            for channel in self.channels:
                await channel.push_deputy(
                    s, deputy=deputy, issue=n.issue, urgency=Urgency.RED_CARD, detail=None, now=n.now
                )
