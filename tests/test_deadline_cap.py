"""A deadline must be one the 研判 buttons offer: forged callback data, or any other caller of the
flows, cannot set 2099-12-31 (or 45 working days) and so escape the overdue alerts and escalation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from bot.config import Settings
from bot.domain.enums import ActorRole
from bot.issues.flows import NotAllowed
from bot.issues.service import Actor
from bot.triage.deadlines import CALENDAR_DAYS, offered
from bot.triage.flows import Deadline
from bot.triage.workdays import add_working_days
from handlers.callbacks import TriageCb, TriageStep
from storage.database import Database
from storage.models import Department, Issue
from tests.fake_telegram import FakeTelegram
from tests.harness import Person, RunningBot, make_settings
from tests.test_core_loop import card_in_group, report
from tests.triage_helpers import TOWNSHIP_GROUP, VILLAGE_GROUP, WORKER_ID, bind, org_file, ref_of

FAR = date(2099, 12, 31)


@pytest.fixture
def settings(tmp_path: Path, fake: FakeTelegram) -> Settings:
    return make_settings(tmp_path, fake, demo_org_file=org_file(tmp_path))


def test_the_offered_choices_are_what_is_accepted() -> None:
    today = date(2026, 12, 4)  # a Friday
    choices = offered(today=today, default_days=7)
    assert choices.days == (1, 3, 5, 7, 10)
    assert choices.dates[0] == date(2026, 12, 7) and choices.dates[-1] == add_working_days(today, CALENDAR_DAYS)
    for deadline in (Deadline(working_days=7), Deadline(day=choices.dates[-1]), Deadline(day=today), Deadline()):
        assert choices.check(deadline) == deadline
    for forged in (
        Deadline(working_days=45),
        Deadline(working_days=0),
        Deadline(day=FAR),
        Deadline(day=date(2026, 12, 5)),  # a Saturday: not on the calendar
        Deadline(day=add_working_days(today, CALENDAR_DAYS + 1)),
        Deadline(day=date(2026, 12, 3)),  # yesterday
    ):
        with pytest.raises(NotAllowed):
            choices.check(forged)


async def _issue(settings: Settings, ref: str) -> Issue:
    db = Database(settings.database_url)
    try:
        async with db.session() as s:
            return (await s.exec(select(Issue).where(Issue.ref == ref))).one()
    finally:
        await db.dispose()


async def test_forged_deadlines_are_refused_in_the_chat_and_by_the_flows(
    running: RunningBot, fake: FakeTelegram
) -> None:
    assert running.app is not None
    await bind(fake, VILLAGE_GROUP, "GC01")
    await bind(fake, TOWNSHIP_GROUP, "GC")
    alice = Person(fake, fake.user(1001, "Alice"))
    worker = Person(fake, fake.user(WORKER_ID, "王芳"), VILLAGE_GROUP)
    mark = fake.mark()
    ref = ref_of(await report(alice, text="楼道灯坏了"))
    card = await card_in_group(fake, since=mark, chat_id=VILLAGE_GROUP)
    issue = await _issue(running.settings, ref)
    assert issue.id is not None

    # Forged buttons: a date far away, or more working days than the picker offers.
    for forged in (
        TriageCb(step=TriageStep.PERSON, issue_id=issue.id, day=FAR, responsible_id=WORKER_ID),
        TriageCb(step=TriageStep.PERSON, issue_id=issue.id, days=45, responsible_id=WORKER_ID),
        TriageCb(step=TriageStep.HANDLE_DEADLINE, issue_id=issue.id, day=FAR),
    ):
        answer = await worker.press_for_alert(card, "", data=forged.pack())
        assert "无权" in answer.params["text"], forged

    # The same through the flows, as any other channel would call them.
    triage = running.app.services.triage
    actor = Actor(ActorRole.GRID, WORKER_ID, "王芳")
    with pytest.raises(NotAllowed):
        await triage.handle(
            issue_id=issue.id, worker=actor, chat_id=VILLAGE_GROUP, deadline=Deadline(day=FAR), responsible_id=WORKER_ID
        )
    await triage.escalate(issue_id=issue.id, actor=actor, chat_id=VILLAGE_GROUP, reason="需要街道处理")
    db = Database(running.settings.database_url)
    try:
        async with db.session() as s:
            dept = (await s.exec(select(Department).where(Department.code == "GC-CG"))).one()
    finally:
        await db.dispose()
    official = Actor(ActorRole.GRID, 3001, "张镇")
    for deadline in (Deadline(day=FAR), Deadline(working_days=45)):
        with pytest.raises(NotAllowed):
            await triage.assign(
                issue_id=issue.id, worker=official, chat_id=TOWNSHIP_GROUP, department_id=dept.id, deadline=deadline
            )
    kept = await _issue(running.settings, ref)
    assert kept.deadline is not None and kept.deadline.date() < date(2027, 12, 31)
    assert kept.department_id is None
