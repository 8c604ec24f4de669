"""What the deputy handlers call. Each method is one transaction: check who may act (a deputy only
for their own constituency, a citizen only for their own message), change, queue the messages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import tzinfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.deputies import service
from bot.deputies.points import PointAction
from bot.deputies.service import DeputyView
from bot.domain.enums import ActorRole, EventKind, LinkKind, NotifyMode
from bot.domain.lifecycle import IssueStatus
from bot.domain.notices import (
    CitizenWroteToDeputy,
    ContactAsked,
    ContactShared,
    DeputyAnswered,
    IssueSupervised,
    Notifier,
)
from bot.i18n import Translator
from bot.issues import service as issues
from bot.issues.draft import IssueDraft
from bot.issues.facts import issue_facts
from bot.issues.flows import IssueFlows, IssueSummary, NotAllowed, Timeline
from bot.issues.service import Actor
from bot.privacy import ERASED_CITIZEN
from storage.database import Database
from storage.models import (
    Category,
    Deputy,
    DeputyContact,
    DeputyGrid,
    Grid,
    Issue,
    Station,
    StationTheme,
    User,
    Visit,
    VisitMatter,
)

MAX_LISTED = 20  # deputies shown by 找代表


@dataclass(frozen=True)
class ContactLink:
    contact_id: int
    kind: LinkKind


@dataclass(frozen=True)
class Delivered:
    deputy: DeputyView
    linked: bool  # False: the deputy has no Telegram account yet; the message waits for them


class DeputyFlows:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        tz: tzinfo,
        notifier: Notifier,
        translator: Translator,
        issue_flows: IssueFlows,
        default_day: int,
        points: dict[str, int],
        admin_ids: frozenset[int],
        settled: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.tz = tz
        self.notifier = notifier
        self.translator = translator
        self.issue_flows = issue_flows
        self.default_day = default_day
        self.points = points
        self.admin_ids = admin_ids
        self._settled = settled

    def _points(self, s: AsyncSession, deputy: Deputy, action: PointAction, note: str = "") -> None:
        assert deputy.id is not None
        service.add_points(
            s,
            deputy_id=deputy.id,
            action=action.value,
            points=self.points.get(action.value, 0),
            now=self.clock.now(),
            note=note,
        )

    async def _me(self, s: AsyncSession, user_id: int) -> Deputy:
        deputy = await service.deputy_by_user(s, user_id)
        if deputy is None:
            raise NotAllowed(f"user {user_id} is not a linked deputy")
        return deputy

    # -- finding a deputy ------------------------------------------------------------------------

    async def by_code(self, code: str) -> DeputyView | None:
        async with self.db.session() as s:
            deputy = await service.deputy_by_code(s, code)
            return await service.view(s, deputy, default_day=self.default_day) if deputy else None

    async def by_id(self, deputy_id: int) -> DeputyView | None:
        async with self.db.session() as s:
            deputy = await s.get(Deputy, deputy_id)
            return await service.view(s, deputy, default_day=self.default_day) if deputy else None

    async def for_citizen(self, user_id: int) -> list[DeputyView]:
        """The deputies of the citizen's grid (the one they last reported in), else all of them."""
        async with self.db.session() as s:
            user = await s.get(User, user_id)
            if user is not None and user.last_grid_id is not None:
                deputies = await service.deputies_covering(s, user.last_grid_id)
            else:
                deputies = []
            if not deputies:
                deputies = list((await s.exec(select(Deputy).order_by(col(Deputy.id)).limit(MAX_LISTED))).all())
            return [await service.view(s, d, default_day=self.default_day) for d in deputies[:MAX_LISTED]]

    async def me(self, user_id: int) -> tuple[DeputyView, NotifyMode] | None:
        async with self.db.session() as s:
            deputy = await service.deputy_by_user(s, user_id)
            if deputy is None:
                return None
            return await service.view(s, deputy, default_day=self.default_day), deputy.notify_mode

    # -- the citizen ⇄ deputy conversation -------------------------------------------------------

    async def contact(self, *, deputy_id: int, citizen: Actor, text: str) -> Delivered:
        assert citizen.id is not None
        async with self.db.transaction() as s:
            now = self.clock.now()
            deputy = await s.get(Deputy, deputy_id)
            if deputy is None:
                raise NotAllowed(f"no deputy {deputy_id}")
            contact = DeputyContact(deputy_id=deputy_id, citizen_id=citizen.id, text=text, created_at=now)
            s.add(contact)
            await s.flush()
            await self.notifier.notify(
                s,
                CitizenWroteToDeputy(
                    deputy=deputy, contact=contact, text=text, citizen_name=citizen.name or "", first=True, now=now
                ),
            )
            view = await service.view(s, deputy, default_day=self.default_day)
        return Delivered(view, view.linked)

    async def find_link(self, *, chat_id: int, message_id: int) -> ContactLink | None:
        link = await self._find_link(chat_id, message_id)
        if link is None and self._settled is not None:
            await self._settled(chat_id)  # sent a moment ago, not yet recorded
            link = await self._find_link(chat_id, message_id)
        return link

    async def _find_link(self, chat_id: int, message_id: int) -> ContactLink | None:
        async with self.db.session() as s:
            link = await service.find_contact_link(s, chat_id=chat_id, message_id=message_id)
        return ContactLink(link.contact_id, link.kind) if link else None

    async def deputy_reply(self, *, contact_id: int, user_id: int, text: str) -> str:
        """The deputy answers a citizen's message; returns the deputy's name."""
        async with self.db.transaction() as s:
            now = self.clock.now()
            deputy = await self._me(s, user_id)
            contact = await service.get_contact(s, contact_id)
            if contact is None or contact.deputy_id != deputy.id:
                raise NotAllowed(f"message {contact_id} is not for deputy {deputy.id}")
            if contact.citizen_id == ERASED_CITIZEN:
                raise CitizenGone(contact_id)
            await self.notifier.notify(s, DeputyAnswered(deputy=deputy, contact=contact, text=text, now=now))
            note = f"contact:{contact_id}"
            assert deputy.id is not None
            if not await service.has_points(s, deputy_id=deputy.id, action=PointAction.REPLY.value, note=note):
                self._points(s, deputy, PointAction.REPLY, note)
            name = deputy.name
        return name

    async def citizen_followup(self, *, contact_id: int, citizen: Actor, text: str) -> str:
        async with self.db.transaction() as s:
            now = self.clock.now()
            contact = await service.get_contact(s, contact_id)
            if contact is None or contact.citizen_id != citizen.id:
                raise NotAllowed(f"message {contact_id} is not citizen {citizen.id}'s")
            deputy = await s.get(Deputy, contact.deputy_id)
            assert deputy is not None
            await self.notifier.notify(
                s,
                CitizenWroteToDeputy(
                    deputy=deputy, contact=contact, text=text, citizen_name=citizen.name or "", first=False, now=now
                ),
            )
            name = deputy.name
        return name

    async def convert(self, *, contact_id: int, user_id: int) -> IssueSummary:
        """转为诉求: the message becomes an issue in the grid's normal flow, the deputy supervising.

        The citizen wrote to a deputy, not to the grid's group: the issue starts as an anonymous
        report (no name on the timeline, no phone on the card) and the citizen is asked whether
        the grid may see them (share_contact)."""
        async with self.db.transaction() as s:
            deputy = await self._me(s, user_id)
            contact = await service.get_contact(s, contact_id, for_update=True)
            if contact is None or contact.deputy_id != deputy.id:
                raise NotAllowed(f"message {contact_id} is not for deputy {deputy.id}")
            if contact.converted_at is not None:
                raise AlreadyConverted(contact_id)
            if contact.citizen_id == ERASED_CITIZEN:
                raise CitizenGone(contact_id)
            user = await s.get(User, contact.citizen_id)
            grid_id = await self._grid_for(s, deputy, user.last_grid_id if user else None)
            draft = IssueDraft(
                grid_id=grid_id,
                category_id=await _other_category(s),
                description=contact.text,
                anonymous=True,
            )
            # Claimed first, so a double press cannot create two issues.
            contact.converted_at = self.clock.now()
            s.add(contact)
            assert deputy.id is not None
            deputy_id = deputy.id
        citizen = Actor(ActorRole.CITIZEN, contact.citizen_id, user.full_name if user else None)
        try:
            summary = await self.issue_flows.submit(draft=draft, citizen=citizen, supervisor_deputy_id=deputy_id)
        except Exception:
            async with self.db.transaction() as s:
                row = await service.get_contact(s, contact_id)
                if row is not None:
                    row.converted_at = None
                    s.add(row)
            raise
        async with self.db.transaction() as s:
            row = await service.get_contact(s, contact_id)
            deputy = await s.get(Deputy, deputy_id)
            assert row is not None and deputy is not None
            row.issue_id = summary.id
            s.add(row)
            self._points(s, deputy, PointAction.CONVERTED, f"issue:{summary.ref}")
            issue = await issues.get_issue(s, summary.id)
            await self.notifier.notify(s, ContactAsked(issue=issue, now=self.clock.now(), deputy_name=deputy.name))
        return summary

    async def share_contact(self, *, issue_id: int, citizen: Actor, share: bool) -> str:
        """The citizen's answer to ContactAsked. Yes: the grid sees their name and phone, as for an
        ordinary report. No: nothing changes. Returns the issue's ref."""
        async with self.db.transaction() as s:
            issue = await issues.get_issue(s, issue_id, for_update=True)
            if issue.citizen_id != citizen.id:
                raise NotAllowed(f"issue {issue_id} is not citizen {citizen.id}'s")
            if await service.contact_of_issue(s, issue_id) is None:
                raise NotAllowed(f"issue {issue_id} was not made from a message to a deputy")
            if share and issue.anonymous:
                now = self.clock.now()
                user = await s.get(User, citizen.id)
                issue.anonymous = False
                issue.phone = user.phone if user else None
                issue.updated_at = now
                await issues.name_the_citizen(s, issue_id=issue_id, name=user.full_name if user else citizen.name)
                await self.notifier.notify(s, ContactShared(issue=issue, now=now))
            ref = issue.ref
        return ref

    async def _grid_for(self, s: AsyncSession, deputy: Deputy, citizen_grid: int | None) -> int:
        """The citizen's grid if it lies in the constituency, else the constituency's first grid."""
        assert deputy.id is not None
        covered = await service.covered_grids(s, deputy.id)
        if citizen_grid is not None and citizen_grid in covered:
            return citizen_grid
        query = (
            select(DeputyGrid.grid_id)
            .join(Grid, col(Grid.id) == DeputyGrid.grid_id)
            .where(DeputyGrid.deputy_id == deputy.id)
            .order_by(col(Grid.position))
        )
        first = (await s.exec(query)).first()
        if first is None:
            raise NotAllowed(f"deputy {deputy.id} has no constituency")
        return int(first)

    # -- issues of the constituency ----------------------------------------------------------------

    async def _covered_issue(
        self, s: AsyncSession, issue_id: int, deputy: Deputy, *, for_update: bool = False
    ) -> Issue:
        """A deputy may act on the issues of their constituency, and on those they supervise."""
        issue = await issues.get_issue(s, issue_id, for_update=for_update)
        assert deputy.id is not None
        if issue.supervised_by_deputy_id != deputy.id and issue.grid_id not in await service.covered_grids(
            s, deputy.id
        ):
            raise NotAllowed(f"issue {issue_id} is outside deputy {deputy.id}'s constituency")
        return issue

    async def supervise(self, *, issue_id: int, user_id: int) -> str:
        """督办: the group and the responsible person are told; the deputy follows every later step."""
        async with self.db.transaction() as s:
            now = self.clock.now()
            deputy = await self._me(s, user_id)
            issue = await self._covered_issue(s, issue_id, deputy, for_update=True)
            if issue.status == IssueStatus.CLOSED:
                raise NotAllowed(f"issue {issue_id} is closed")
            if issue.supervised_by_deputy_id is not None:
                raise AlreadySupervised(issue.ref)
            issue.supervised_by_deputy_id = deputy.id
            issue.updated_at = now
            await issues.record(
                s, issue=issue, kind=EventKind.SUPERVISED, actor=Actor(ActorRole.DEPUTY, user_id, deputy.name), now=now
            )
            await self.notifier.notify(
                s, IssueSupervised(issue=issue, now=now, deputy_name=deputy.name, deputy_level=deputy.level)
            )
            self._points(s, deputy, PointAction.SUPERVISE, f"issue:{issue.ref}")
            ref = issue.ref
        return ref

    async def timeline(self, *, issue_id: int, user_id: int) -> Timeline:
        async with self.db.session() as s:
            deputy = await self._me(s, user_id)
            issue = await self._covered_issue(s, issue_id, deputy)
            return Timeline(issue, await issue_facts(s, issue), await issues.timeline(s, issue_id))

    async def set_mode(self, *, user_id: int, mode: NotifyMode) -> None:
        async with self.db.transaction() as s:
            deputy = await self._me(s, user_id)
            deputy.notify_mode = mode
            s.add(deputy)

    # -- the duty day: visits and themes --------------------------------------------------------

    async def log_visit(
        self, *, user_id: int, residents: int, places: str, notes: str, matters: list[str]
    ) -> list[tuple[int, str]]:
        """记录走访; returns the matters with their ids, each of which can become an issue."""
        async with self.db.transaction() as s:
            now = self.clock.now()
            deputy = await self._me(s, user_id)
            assert deputy.id is not None
            visit = Visit(deputy_id=deputy.id, residents=residents, places=places, notes=notes, at=now)
            s.add(visit)
            await s.flush()
            assert visit.id is not None
            rows = [VisitMatter(visit_id=visit.id, text=text) for text in matters]
            s.add_all(rows)
            await s.flush()
            self._points(s, deputy, PointAction.VISIT, f"visit:{visit.id}")
            return [(row.id, row.text) for row in rows if row.id is not None]

    async def matter_to_issue(self, *, matter_id: int, user_id: int) -> IssueSummary:
        """A matter from a visit becomes an issue on the spot, reported by the deputy."""
        async with self.db.transaction() as s:
            deputy = await self._me(s, user_id)
            matter = await s.get(VisitMatter, matter_id, with_for_update=True)
            visit = await s.get(Visit, matter.visit_id) if matter else None
            if matter is None or visit is None or visit.deputy_id != deputy.id:
                raise NotAllowed(f"matter {matter_id} is not deputy {deputy.id}'s")
            if matter.issue_id is not None:
                raise AlreadyConverted(matter_id)
            draft = IssueDraft(
                grid_id=await self._grid_for(s, deputy, None),
                category_id=await _other_category(s),
                description=matter.text,
            )
            assert deputy.id is not None
            deputy_id, name = deputy.id, deputy.name
        summary = await self.issue_flows.submit(
            draft=draft, citizen=Actor(ActorRole.CITIZEN, user_id, name), supervisor_deputy_id=deputy_id
        )
        async with self.db.transaction() as s:
            matter = await s.get(VisitMatter, matter_id)
            deputy = await s.get(Deputy, deputy_id)
            assert matter is not None and deputy is not None
            matter.issue_id = summary.id
            s.add(matter)
            self._points(s, deputy, PointAction.CONVERTED, f"issue:{summary.ref}")
        return summary

    async def set_theme(self, *, station_code: str, period: str, theme: str, admin_id: int) -> str | None:
        """每月主题 of a station; returns the station's name, None for an unknown code."""
        async with self.db.transaction() as s:
            station = (await s.exec(select(Station).where(Station.code == station_code))).first()
            if station is None or station.id is None:
                return None
            row = (
                await s.exec(
                    select(StationTheme).where(StationTheme.station_id == station.id, StationTheme.period == period)
                )
            ).first()
            row = row or StationTheme(station_id=station.id, period=period, theme=theme, set_at=self.clock.now())
            row.theme, row.set_by, row.set_at = theme, admin_id, self.clock.now()
            s.add(row)
            return station.name

    async def stations(self) -> list[tuple[str, str]]:
        async with self.db.session() as s:
            return [(st.code, st.name) for st in (await s.exec(select(Station).order_by(col(Station.code)))).all()]


class AlreadyConverted(Exception):
    pass


class AlreadySupervised(Exception):
    pass


class CitizenGone(Exception):
    """The citizen erased their personal data (/privacy): their message is empty, nobody to answer."""


async def _other_category(s: AsyncSession) -> int:
    """Issues made from a deputy's message go under 其他 (the grid re-sorts them when assessing)."""
    category = (await s.exec(select(Category).where(Category.code == "other"))).first()
    category = category or (await s.exec(select(Category).order_by(col(Category.position)))).first()
    assert category is not None and category.id is not None
    return category.id
