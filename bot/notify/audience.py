"""Who is told what, one function per notice. The flows emit notices; this decides the audience
(the citizen, the desk holding the issue, a department, deputies of the constituency,
administrators) and asks every channel to tell them. Nothing here knows a channel's medium."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deputies.notify import DeputyAudience
from bot.domain.enums import Disposition, EventKind
from bot.domain.lifecycle import IssueStatus
from bot.domain.notices import (
    CitizenReplied,
    CitizenWroteToDeputy,
    ContactAsked,
    ContactShared,
    DeadlineAlerts,
    DeadlinePassed,
    DeputyAnswered,
    IssueAnswered,
    IssueAssigned,
    IssueClaimed,
    IssueExplained,
    IssueHandled,
    IssueMoved,
    IssueNotice,
    IssueRated,
    IssueReceived,
    IssueResolved,
    IssueSupervised,
    Notice,
    PersonalNote,
    UnitDigest,
    Urgency,
)
from bot.followthrough.notices import IssueDuplicated, IssueFollowed, LookbackAnswered, LookbackDue
from bot.followthrough.service import followers
from bot.issues.facts import issue_facts
from bot.notify.channel import Channel, DepartmentDesk, Desk, GridDesk, PersonDesk
from bot.notify.followup import FollowupAudience
from bot.triage import service as triage
from storage.models import Issue

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


class Audience(FollowupAudience):
    """The one `Notifier` of the application: every notice passes here."""

    def __init__(self, channels: Sequence[Channel], deputies: DeputyAudience) -> None:
        self.channels = list(channels)
        self.deputies = deputies
        self._handlers: dict[type, Callable[[AsyncSession, Any], Awaitable[None]]] = {
            IssueReceived: self.received,
            CitizenReplied: self.citizen_replied,
            IssueRated: self.rated,
            IssueClaimed: self.claimed,
            IssueAnswered: self.answered,
            IssueResolved: self.resolved,
            IssueExplained: self.explained,
            IssueHandled: self.handled,
            IssueAssigned: self.assigned,
            IssueMoved: self.moved,
            IssueSupervised: self.supervised,
            ContactAsked: self.contact_asked,
            ContactShared: self.contact_shared,
            DeadlinePassed: self.deadline_passed,
            DeadlineAlerts: self.alerts,
            UnitDigest: self.digest,
            CitizenWroteToDeputy: self.wrote_to_deputy,
            DeputyAnswered: self.deputy_answered,
            PersonalNote: self.personal_note,
            IssueFollowed: self.followed,
            IssueDuplicated: self.duplicated,
            LookbackDue: self.lookback_due,
            LookbackAnswered: self.lookback_answered,
            **self.followup_handlers(),  # type: ignore[dict-item]
        }

    async def notify(self, session: AsyncSession, notice: Notice) -> None:
        await self._handlers[type(notice)](session, notice)

    # -- one function per notice ---------------------------------------------------------------

    async def received(self, s: AsyncSession, n: IssueReceived) -> None:
        await self._card(s, n, GridDesk(n.issue.grid_id), headline="card-new", files=n.files)
        await self._citizen(s, n, "push-received")
        await self._deputies(s, n, Urgency.SUBMITTED)

    async def contact_asked(self, s: AsyncSession, n: ContactAsked) -> None:
        for channel in self.channels:
            await channel.ask_contact(s, issue=n.issue, deputy_name=n.deputy_name, now=n.now)

    async def contact_shared(self, s: AsyncSession, n: ContactShared) -> None:
        await self._refresh(s, n)
        for channel in self.channels:
            await channel.say_under_cards(s, issue=n.issue, key="contact-shared-group", now=n.now)

    async def citizen_replied(self, s: AsyncSession, n: CitizenReplied) -> None:
        for channel in self.channels:
            await channel.relay_to_cards(s, issue=n.issue, text=n.text, photo=n.photo, now=n.now)
        await self._deputies(s, n, Urgency.STEP, EventKind.CITIZEN_REPLIED)

    async def rated(self, s: AsyncSession, n: IssueRated) -> None:
        if n.issue.status == IssueStatus.REOPENED:  # 不满意: back to the holding level on a fresh card
            await self._refresh(s, n)
            await self._card(s, n, GridDesk(triage.holder_grid_id(n.issue)), headline="card-reopened", unrouted=False)
            await self._citizen(s, n, "push-reopened")
            await self._deputies(s, n, Urgency.UNSATISFIED)
            return
        await self._citizen(s, n, "push-closed")
        await self._refresh(s, n)
        await self._deputies(s, n, Urgency.STEP, EventKind.RATED)

    async def claimed(self, s: AsyncSession, n: IssueClaimed) -> None:
        await self._citizen(s, n, "push-claimed")
        await self._refresh(s, n)
        await self._deputies(s, n, Urgency.STEP, EventKind.CLAIMED)

    async def answered(self, s: AsyncSession, n: IssueAnswered) -> None:
        for channel in self.channels:
            await channel.relay_to_citizen(
                s, issue=n.issue, text=n.text, photo=n.photo, now=n.now, department=n.department
            )
        await self._deputies(s, n, Urgency.STEP, EventKind.ANSWERED)

    async def resolved(self, s: AsyncSession, n: IssueResolved) -> None:
        if n.photo:
            for channel in self.channels:
                await channel.relay_to_citizen(s, issue=n.issue, text=None, photo=n.photo, now=n.now)
        await self._citizen(s, n, "push-resolved", rating=True, note=n.note, who=n.by)
        await self._refresh(s, n)
        await self._deputies(s, n, Urgency.STEP, EventKind.RESOLVED)

    async def explained(self, s: AsyncSession, n: IssueExplained) -> None:
        await self._deputies(s, n, Urgency.STEP, EventKind.EXPLAINED)
        await self._citizen(s, n, "push-explained", rating=True, note=n.note, who=n.by)
        await self._refresh(s, n)

    async def handled(self, s: AsyncSession, n: IssueHandled) -> None:
        await self._deputies(s, n, Urgency.STEP, EventKind.HANDLED)
        await self._citizen(
            s, n, "push-handled", where=n.where, who=n.issue.assignee_name or "", deadline=n.issue.deadline
        )
        await self._refresh(s, n)

    async def assigned(self, s: AsyncSession, n: IssueAssigned) -> None:
        await self._deputies(s, n, Urgency.STEP, EventKind.ASSIGNED)
        await self._refresh(s, n)
        await self._card(s, n, DepartmentDesk(n.department_id), headline="card-assigned", unrouted=False)
        for liaison in n.liaison_ids:  # each works on it from their private chat
            await self._card(s, n, PersonDesk(liaison), headline="card-assigned", unrouted=False)
        await self._citizen(s, n, "push-assigned", department=n.department, deadline=n.issue.deadline)

    async def moved(self, s: AsyncSession, n: IssueMoved) -> None:
        """上报 or 退回: the lower cards show where it is now; the new level gets a card with the note."""
        await self._deputies(s, n, Urgency.ESCALATED if n.escalated else Urgency.STEP, n.event)
        await self._refresh(s, n)
        headline = {
            EventKind.ESCALATED: "card-escalated",
            EventKind.AUTO_ESCALATED: "card-auto-escalated",
            EventKind.SENT_BACK: "card-sent-back",
        }[n.event]
        await self._card(s, n, GridDesk(triage.holder_grid_id(n.issue)), headline=headline, note=n.note)
        key = "push-escalated" if n.escalated else "push-sent-back"
        await self._citizen(s, n, key, where=n.where, deadline=n.issue.deadline)

    async def supervised(self, s: AsyncSession, n: IssueSupervised) -> None:
        """督办: the cards say which deputy follows the issue; the responsible person hears it too."""
        for channel in self.channels:
            await channel.say_under_cards(
                s, issue=n.issue, key="dep-supervising-grid", now=n.now, deputy=n.deputy_name, level=n.deputy_level
            )
            if n.issue.assignee_id is not None:
                await channel.tell_person(
                    s,
                    user_id=n.issue.assignee_id,
                    key="dep-supervising-assignee",
                    now=n.now,
                    ref=n.issue.ref,
                    deputy=n.deputy_name,
                )
        await self._refresh(s, n)

    async def deadline_passed(self, s: AsyncSession, n: DeadlinePassed) -> None:
        await self._deputies(s, n, Urgency.OVERDUE)
        await self._refresh(s, n)  # the cards turn 🔴

    async def alerts(self, s: AsyncSession, n: DeadlineAlerts) -> None:
        """The holding level's desk, the assigned department and its liaisons, the responsible person."""
        items = [(issue, await _working_on(s, issue)) for issue in n.issues]
        for channel in self.channels:
            await channel.alerts(s, kind=n.kind, items=items, now=n.now)

    async def desks(self, s: AsyncSession) -> tuple[set[int], set[int]]:
        """Every grid and department that some channel has a place of its own for."""
        grids: set[int] = set()
        departments: set[int] = set()
        for channel in self.channels:
            g, d = await channel.desks(s)
            grids |= g
            departments |= d
        return grids, departments

    async def digest(self, s: AsyncSession, n: UnitDigest) -> None:
        for channel in self.channels:
            await channel.digest(s, digest=n)

    async def wrote_to_deputy(self, s: AsyncSession, n: CitizenWroteToDeputy) -> None:
        for channel in self.channels:
            if n.deputy.telegram_user_id is not None:
                await channel.to_deputy(
                    s,
                    deputy=n.deputy,
                    contact=n.contact,
                    text=n.text,
                    citizen_name=n.citizen_name,
                    first=n.first,
                    now=n.now,
                )
            elif n.first:  # kept for the deputy; the station staff (administrators) see it now
                await channel.tell_admins(
                    s, key="dep-admin-unlinked", now=n.now, deputy=n.deputy.name, number=n.contact.id
                )

    async def deputy_answered(self, s: AsyncSession, n: DeputyAnswered) -> None:
        for channel in self.channels:
            await channel.deputy_answer(s, deputy=n.deputy, contact=n.contact, text=n.text, now=n.now)

    async def personal_note(self, s: AsyncSession, n: PersonalNote) -> None:
        for channel in self.channels:
            await channel.personal_note(s, note=n)

    # -- the audiences -------------------------------------------------------------------------

    async def _card(
        self,
        s: AsyncSession,
        n: IssueNotice,
        desk: Desk,
        *,
        headline: str,
        files: list | None = None,
        note: str | None = None,
        unrouted: bool = True,
    ) -> None:
        """The card at a desk, through every channel that reaches it. When none does and `unrouted`
        (no group is bound anywhere above the grid), the administrators are told."""
        reached = False
        for channel in self.channels:
            reached |= await channel.post_card(
                s, issue=n.issue, desk=desk, headline=headline, now=n.now, files=files, note=note
            )
        if not reached and unrouted:
            facts = await issue_facts(s, n.issue)
            for channel in self.channels:
                await channel.tell_admins(s, key="admin-unrouted", now=n.now, ref=n.issue.ref, grid=facts.grid_path)

    # -- duplicates, followers, 回访 (bot/followthrough) -----------------------------------------

    async def followed(self, s: AsyncSession, n: IssueFollowed) -> None:
        await self._refresh(s, n)  # the cards count one more 关注

    async def duplicated(self, s: AsyncSession, n: IssueDuplicated) -> None:
        """The duplicate's cards show it closed; its citizen hears which issue they follow now."""
        await self._refresh(s, n)
        await self._citizen(s, n, "dup-closed-push", original=n.original_ref, who=n.by)
        original = await s.get(Issue, n.original_id)
        if original is not None:
            for channel in self.channels:
                await channel.refresh_cards(s, issue=original, now=n.now)
        await self._deputies(s, n, Urgency.STEP, EventKind.MARKED_DUPLICATE)

    async def lookback_due(self, s: AsyncSession, n: LookbackDue) -> None:
        for channel in self.channels:
            await channel.ask_lookback(s, issue=n.issue, ask=n.ask, now=n.now)

    async def lookback_answered(self, s: AsyncSession, n: LookbackAnswered) -> None:
        """没解决: back to the holding level on a fresh card with the reason, the supervising deputy
        (and those who follow 不满意 at once) told; otherwise the answer is only recorded."""
        if n.issue.status == IssueStatus.REOPENED:
            await self._refresh(s, n)
            await self._card(
                s, n, GridDesk(triage.holder_grid_id(n.issue)), headline="card-lookback-reopened", note=n.reason
            )
            if n.issue.deadline is not None:  # 重办 has a new deadline
                await self._citizen(s, n, "lookback-reopened-push-deadline", deadline=n.issue.deadline)
            else:
                await self._citizen(s, n, "lookback-reopened-push")
            await self._deputies(s, n, Urgency.UNSATISFIED, EventKind.LOOKBACK_ANSWERED)
            return
        await self._deputies(s, n, Urgency.STEP, EventKind.LOOKBACK_ANSWERED)

    async def _refresh(self, s: AsyncSession, n: IssueNotice) -> None:
        for channel in self.channels:
            await channel.refresh_cards(s, issue=n.issue, now=n.now)

    async def _citizen(
        self, s: AsyncSession, n: IssueNotice, key: str, *, rating: bool = False, **args: object
    ) -> None:
        for channel in self.channels:
            await channel.push_citizen(s, issue=n.issue, key=key, now=n.now, rating=rating, **args)
        assert n.issue.id is not None
        for user_id in await followers(s, n.issue.id):  # 关注: the same news, without the rating
            for channel in self.channels:
                await channel.push_follower(s, issue=n.issue, user_id=user_id, key=follower_key(key), now=n.now, **args)

    async def _deputies(
        self, s: AsyncSession, n: IssueNotice, urgency: Urgency, event: EventKind | None = None
    ) -> None:
        detail = event.value if event is not None else None
        for deputy in await self.deputies.to_tell(s, issue=n.issue, urgency=urgency, now=n.now, detail=detail):
            for channel in self.channels:
                await channel.push_deputy(s, deputy=deputy, issue=n.issue, urgency=urgency, detail=detail, now=n.now)


async def _working_on(s: AsyncSession, issue: Issue) -> list[Desk]:
    desks: list[Desk] = [GridDesk(triage.holder_grid_id(issue))]
    if issue.disposition == Disposition.ASSIGN and issue.department_id is not None:
        desks.append(DepartmentDesk(issue.department_id))
        dept = await triage.department(s, issue.department_id)
        desks += [PersonDesk(liaison) for liaison in (dept.liaison_ids if dept else [])]
    if issue.assignee_id is not None:
        desks.append(PersonDesk(issue.assignee_id))
    return desks
