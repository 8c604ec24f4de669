"""What handlers and the 回访 job call: duplicate suggestions and following at intake, 重复件 from
a card, and the 回访 look-back. Each change is one transaction ending in one notice, as in
bot/issues/flows.py (whose checks of who may act it reuses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import access
from bot.access import NotAllowed
from bot.domain.enums import ActorRole, EventKind
from bot.domain.lifecycle import Action, is_open, transition
from bot.followthrough import service
from bot.followthrough.notices import Answer, IssueDuplicated, IssueFollowed, LookbackAnswered, LookbackDue
from bot.followthrough.reopen import reopen_for_rework
from bot.followthrough.service import LOOKBACK_STATUSES, Suggestion
from bot.issues import service as issues
from bot.issues.flows import IssueFlows
from bot.issues.service import Actor, IssueNotFound
from storage.models import Issue, Lookback

ASKS_PER_RUN = 500  # 回访 questions queued by one run of the job; the next run takes the rest


class Changed(Exception):
    """The button was pressed on an older state of the issue (closed, reopened, already answered)."""

    def __init__(self, ref: str) -> None:
        super().__init__(f"issue {ref} has changed")
        self.ref = ref


@dataclass(frozen=True)
class DuplicateChoices:
    ref: str
    candidates: list[Suggestion]


@dataclass(frozen=True)
class LookbackOutcome:
    ref: str
    answer: Answer
    reopened: bool
    asked_again: bool


class FollowThroughFlows:
    def __init__(self, issues: IssueFlows, *, lookback_days: int) -> None:
        self.issues = issues
        self.db = issues.db
        self.clock = issues.clock
        self.tz = issues.tz
        self.notifier = issues.notifier
        self.lookback_after = timedelta(days=lookback_days)

    # -- at intake: 已有人反映过类似问题？ ------------------------------------------------------------

    async def suggestions(
        self, *, grid_id: int, category_id: int, text: str, location: tuple[float, float] | None, citizen_id: int
    ) -> list[Suggestion]:
        async with self.db.session() as s:
            return await service.similar_open(
                s,
                grid_id=grid_id,
                category_id=category_id,
                text=text,
                location=location,
                now=self.clock.now(),
                exclude_citizen=citizen_id,
            )

    async def follow(self, *, issue_id: int, citizen: Actor) -> str:
        """👍: the citizen follows an open issue instead of filing the same again. Raises Changed
        when it is no longer open (or no longer exists)."""
        assert citizen.id is not None
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self._existing(s, issue_id)
            if not is_open(issue.status) or issue.citizen_id == citizen.id:
                raise Changed(issue.ref)
            if await service.follow(s, issue_id=issue_id, user_id=citizen.id, now=now):
                await self.notifier.notify(s, IssueFollowed(issue=issue, now=now))
            return issue.ref

    # -- 重复件, from the card's 研判 menu ----------------------------------------------------------------

    async def duplicate_choices(self, *, issue_id: int, chat_id: int, user_id: int) -> DuplicateChoices:
        """The open issues this one may duplicate, for those holding it (the same rules as 研判)."""
        async with self.db.session() as s:
            issue = await self.issues.held_issue(s, issue_id, chat_id, user_id=user_id, roles=access.HOLDER_ONLY)
            transition(issue.status, Action.MARK_DUPLICATE)
            candidates = await service.similar_open(
                s,
                grid_id=issue.grid_id,
                category_id=issue.category_id,
                text="",  # newest first, then reordered by likeness to this issue
                location=_location(issue),
                now=self.clock.now(),
                exclude_issue=issue_id,
            )
            ranked = await service.similar_open(
                s,
                grid_id=issue.grid_id,
                category_id=issue.category_id,
                text=issue.description,
                location=_location(issue),
                now=self.clock.now(),
                exclude_issue=issue_id,
            )
            # The alike ones first; the newest others fill the list, so staff can still pick one.
            seen = {c.id for c in ranked}
            merged = [*ranked, *(c for c in candidates if c.id not in seen)][: service.MAX_SUGGESTIONS]
            return DuplicateChoices(issue.ref, merged)

    async def mark_duplicate(self, *, issue_id: int, original_id: int, worker: Actor, chat_id: int) -> tuple[str, str]:
        """Close `issue_id` as a duplicate of `original_id`: its citizen (and its followers) follow the
        original. The original must be another open issue of the same grid."""
        assert worker.id is not None
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self.issues.held_issue(
                s, issue_id, chat_id, user_id=worker.id, for_update=True, roles=access.HOLDER_ONLY
            )
            original = await self._existing(s, original_id)
            if original.id == issue.id or original.grid_id != issue.grid_id:
                raise NotAllowed(f"issue {original_id} cannot be the original of {issue_id}")
            if not is_open(original.status):
                raise Changed(original.ref)
            issues.apply(issue, Action.MARK_DUPLICATE, now=now)
            issue.duplicate_of_id = original.id
            issue.closed_at = now  # SLA: closed as a duplicate
            await issues.record(
                s, issue=issue, kind=EventKind.MARKED_DUPLICATE, actor=worker, now=now, text=original.ref
            )
            await issues.record(
                s, issue=original, kind=EventKind.DUPLICATE_JOINED, actor=worker, now=now, text=issue.ref
            )
            assert original.id is not None
            for user_id in [issue.citizen_id, *await service.followers(s, issue_id)]:
                if user_id != original.citizen_id:
                    await service.follow(s, issue_id=original.id, user_id=user_id, now=now)
            await self.notifier.notify(
                s,
                IssueDuplicated(
                    issue=issue, now=now, original_ref=original.ref, original_id=original.id, by=worker.name or ""
                ),
            )
            return issue.ref, original.ref

    # -- 回访 ----------------------------------------------------------------------------------------

    async def check_lookback(self, *, issue_id: int, citizen: Actor, ask: int) -> str:
        """The question is still open (raises Changed otherwise)."""
        async with self.db.session() as s:
            issue = await self._own(s, issue_id, citizen)
            await self._open_question(s, issue, ask)
            return issue.ref

    async def answer_lookback(
        self, *, issue_id: int, citizen: Actor, ask: int, answer: Answer, reason: str | None = None
    ) -> LookbackOutcome:
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self._own(s, issue_id, citizen, for_update=True)
            row = await self._open_question(s, issue, ask, for_update=True)
            if answer == Answer.NOT_SOLVED and not reason:
                raise ValueError("没解决 needs a reason")
            row.answer, row.answered_at, row.reason = answer.value, now, reason
            asked_again = answer == Answer.UNSURE and row.asks == 1
            row.next_ask_at = now + self.lookback_after if asked_again else None
            s.add(row)
            t = self.issues.translator.bind(None)
            line = t(f"lookback-answer-{answer.value.replace('_', '-')}")
            await issues.record(
                s,
                issue=issue,
                kind=EventKind.LOOKBACK_ANSWERED,
                actor=citizen if not issue.anonymous else Actor(citizen.role, citizen.id),
                now=now,
                text=f"{line}：{reason}" if reason else line,
            )
            reopened = answer == Answer.NOT_SOLVED
            if reopened:
                issues.apply(issue, Action.LOOKBACK_REOPEN, now=now)
                await reopen_for_rework(s, issue, now=now, tz=self.tz)
                await issues.record(s, issue=issue, kind=EventKind.REOPENED, actor=Actor(ActorRole.SYSTEM), now=now)
            await self.notifier.notify(s, LookbackAnswered(issue=issue, now=now, answer=answer, reason=reason))
            return LookbackOutcome(issue.ref, answer, reopened, asked_again)

    async def ask_due(self, now: datetime) -> tuple[int, int]:
        """The job: ask every citizen whose issue was resolved LOOKBACK_DAYS ago, once; ask again
        those who answered 不清楚. Each question is queued in the transaction that records it was
        asked, so no rerun, restart or catch-up asks twice. Returns (first asks, second asks)."""
        async with self.db.session() as s:
            first = [
                i.id for i in await service.first_asks_due(s, now=now, after=self.lookback_after, limit=ASKS_PER_RUN)
            ]
            second = [r.id for r in await service.second_asks_due(s, now=now, limit=ASKS_PER_RUN)]
        asked = [await self._ask_first(issue_id, now) for issue_id in first if issue_id is not None]
        again = [await self._ask_again(row_id, now) for row_id in second if row_id is not None]
        return sum(asked), sum(again)

    async def _ask_first(self, issue_id: int, now: datetime) -> bool:
        try:
            async with self.db.transaction() as s:
                issue = await issues.get_issue(s, issue_id, for_update=True)
                if issue.status not in LOOKBACK_STATUSES:
                    return False
                s.add(Lookback(issue_id=issue_id, asks=1, asked_at=now))
                await s.flush()  # a run at the same moment (the catch-up) stops here, on the unique key
                await self._ask(s, issue, 1, now)
        except IntegrityError:
            return False
        return True

    async def _ask_again(self, row_id: int, now: datetime) -> bool:
        async with self.db.transaction() as s:
            result = await s.exec(
                update(Lookback)  # type: ignore[call-overload]
                .where(col(Lookback.id) == row_id, col(Lookback.asks) == 1, col(Lookback.next_ask_at).is_not(None))
                .values(asks=2, asked_at=now, next_ask_at=None, answer=None, answered_at=None)
                .returning(col(Lookback.issue_id))
            )
            issue_id = result.scalar_one_or_none()
            if issue_id is None:
                return False  # another run took it
            issue = await issues.get_issue(s, int(issue_id), for_update=True)
            await self._ask(s, issue, 2, now)
        return True

    async def _ask(self, s: AsyncSession, issue: Issue, ask: int, now: datetime) -> None:
        await issues.record(s, issue=issue, kind=EventKind.LOOKBACK_ASKED, actor=Actor(ActorRole.SYSTEM), now=now)
        await self.notifier.notify(s, LookbackDue(issue=issue, now=now, ask=ask))

    # -- checks ----------------------------------------------------------------------------------

    async def _existing(self, s: AsyncSession, issue_id: int) -> Issue:
        try:
            return await issues.get_issue(s, issue_id, for_update=True)
        except IssueNotFound:
            raise Changed("") from None

    async def _own(self, s: AsyncSession, issue_id: int, citizen: Actor, *, for_update: bool = False) -> Issue:
        issue = await issues.get_issue(s, issue_id, for_update=for_update)
        if issue.citizen_id != citizen.id:
            raise NotAllowed(f"issue {issue_id} is not citizen {citizen.id}'s")
        return issue

    async def _open_question(self, s: AsyncSession, issue: Issue, ask: int, *, for_update: bool = False) -> Lookback:
        assert issue.id is not None
        row = await service.lookback_of(s, issue.id, for_update=for_update)
        if row is None:
            raise NotAllowed(f"no 回访 for issue {issue.id}")  # never asked: forged data
        if row.asks != ask or row.answer is not None or issue.status not in LOOKBACK_STATUSES:
            raise Changed(issue.ref)
        return row


def _location(issue: Issue) -> tuple[float, float] | None:
    return (issue.latitude, issue.longitude) if issue.latitude is not None and issue.longitude is not None else None
