"""Every action against every role, allowed and refused, through the real bot.

Roles come only from ADMIN_IDS and from invitation links (tests.harness.enlist walks the real path:
the administrator's /invite, then the person opens the link). Buttons are pressed with callback
data built by hand, so a refused row is also a tampered press: the button for that action is not
what the person was shown, or the id is another issue's. Every refusal must be polite and logged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import select

from bot.domain.enums import ActorRole
from bot.issues.service import Actor
from bot.sandbox.botapi import FakeTelegram, FakeUser
from bot.triage.flows import Deadline
from handlers.callbacks import LedgerCb
from storage.database import Database
from storage.models import Department
from tests.harness import ADMIN_ID, Person, RunningBot, enlist, known_user
from tests.test_core_loop import GROUP_ID, WORKER, bind_group, card_in_group, report
from tests.triage_helpers import LIAISON_ID, TOWNSHIP_GROUP, bind, ref_of

OTHER_GROUP = -100202  # GC02's group, the neighbouring community
REFUSED = "无权"
FAILED = ("无权", "没有找到", "不能进行", "出错", "按钮已失效")

# Everyone in the table. Citizens and the stranger hold no role; the stranger is a member of the
# grid's group all the same: membership grants nothing.
PEOPLE = {
    "admin": (ADMIN_ID, "管理员"),
    "worker": WORKER,  # worker of GC01, the issue's grid
    "official": (3001, "张镇"),  # official of GC, the township above GC01
    "other_worker": (2102, "邻居网格员"),  # worker of GC02
    "liaison": (LIAISON_ID, "城管小周"),  # liaison of GC-CG, the township's 城管办
    "other_liaison": (5001, "住建刘"),  # liaison of CK-ZJ, a county department
    "deputy": (7001, "张建国"),  # D001: constituency GC01, GC02
    "other_deputy": (7003, "赵志强"),  # D003: constituency XQ01
    "citizen": (1001, "Alice"),  # reported the issues in the table
    "other_citizen": (1666, "Mallory"),
    "stranger": (3003, "路人"),
}
EVERYONE = tuple(PEOPLE)
GRID_STAFF = {"admin", "worker", "official"}


@dataclass(frozen=True)
class Row:
    action: str
    allowed: frozenset[str]
    tried_by: tuple[str, ...] = EVERYONE

    def cases(self) -> Iterable[tuple[str, bool]]:
        """Refused people first: an allowed press may change what the next one finds."""
        refused = [(who, False) for who in self.tried_by if who not in self.allowed]
        return [*refused, *((who, True) for who in self.tried_by if who in self.allowed)]


def row(action: str, allowed: Iterable[str], tried_by: Iterable[str] = EVERYONE) -> Row:
    return Row(action, frozenset(allowed), tuple(tried_by))


class World:
    def __init__(self, running: RunningBot, fake: FakeTelegram) -> None:
        self.running, self.fake = running, fake
        self.users: dict[str, FakeUser] = {}
        self.refusals: list[str] = []  # callback data of every refused press, to find in the log

    async def build(self) -> None:
        fake = self.fake
        for name, (user_id, full_name) in PEOPLE.items():
            self.users[name] = known_user(fake, user_id, full_name)
        await bind_group(fake)  # GC01's group; the administrator invites 王芳
        await bind(fake, TOWNSHIP_GROUP, "GC")  # invites 张镇 as an official of GC
        await bind_group(fake, "GC02", OTHER_GROUP, workers=[PEOPLE["other_worker"]])
        await enlist(fake, self.users["liaison"], "liaison", "GC-CG")
        await enlist(fake, self.users["other_liaison"], "liaison", "CK-ZJ")
        await enlist(fake, self.users["deputy"], "deputy", "D001")
        await enlist(fake, self.users["other_deputy"], "deputy", "D003")
        for name in ("citizen", "other_citizen"):
            await Person(fake, self.users[name]).say("/start", expect="民情直通车")

    def person(self, name: str, chat_id: int | None = None) -> Person:
        return Person(self.fake, self.users[name], chat_id)

    async def report(self, name: str, text: str) -> tuple[int, str, dict]:
        mark = self.fake.mark()
        ref = ref_of(await report(self.person(name), text=text))
        card = await card_in_group(self.fake, since=mark)
        return _issue_id(card), ref, card

    async def neighbour_reports(self, user_id: int, text: str) -> tuple[int, str, dict]:
        """A citizen outside the table, reporting for the first time."""
        mark = self.fake.mark()
        ref = ref_of(await report(Person(self.fake, self.fake.user(user_id, f"邻居{user_id}")), text=text))
        card = await card_in_group(self.fake, since=mark)
        return _issue_id(card), ref, card

    async def press(self, name: str, message: dict, data: str) -> str:
        """Press forged data on a message; the text of the answer (alert or toast)."""
        fake = self.fake
        query = await fake.press(self.users[name], message, data, require_button=False)
        answer = await fake.wait_for(
            "answerCallbackQuery", where=lambda c: c.params["callback_query_id"] == query["id"], timeout=10
        )
        return answer.params.get("text", "")

    async def press_in_private(self, name: str, data: str) -> str:
        anchor = self.fake.last_message(self.users[name].id)
        assert anchor is not None, name
        return await self.press(name, anchor, data)

    def judge(self, action: str, who: str, allowed: bool, answer: str, data: str | None = None) -> None:
        if allowed:
            assert not any(word in answer for word in FAILED), (action, who, answer)
        else:
            assert REFUSED in answer, (action, who, answer)
            if data is not None:
                self.refusals.append(data)


def _issue_id(card: dict) -> int:
    return int(card["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[-1])


async def test_every_action_against_every_role(
    running: RunningBot, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    world = World(running, fake)
    await world.build()
    issue, _, card = await world.report("citizen", "小区门口的路灯坏了一个月")

    # -- the card's buttons, pressed in GC01's group ----------------------------------------------
    for action in ("detail", "triage", "resolve"):
        for who, allowed in row(action, GRID_STAFF).cases():
            data = f"c1:{action}:{issue}"
            world.judge(action, who, allowed, await world.press(who, card, data), data)

    # /ledger in the group: the group's own record.
    for who, allowed in row("ledger", GRID_STAFF).cases():
        # A wrong outcome shows as the expected answer never coming.
        await world.person(who, GROUP_ID).say("/ledger", expect="台账" if allowed else REFUSED)

    # Claim changes the issue: each grid role claims its own issue, after every refusal.
    second, _, card2 = await world.neighbour_reports(1101, "垃圾桶满了没人清")
    third, _, card3 = await world.neighbour_reports(1102, "楼道堆放杂物")
    claimed_by = {"worker": (issue, card), "official": (second, card2), "admin": (third, card3)}
    for who, allowed in row("claim", GRID_STAFF).cases():
        target, message = claimed_by.get(who, (issue, card))
        data = f"c1:claim:{target}"
        world.judge("claim", who, allowed, await world.press(who, message, data), data)

    # The full phone number: only the responsible person (who claimed it), not even an administrator.
    for who, allowed in row("phone", {"worker"}).cases():
        data = f"ph1:{issue}"
        world.judge("phone", who, allowed, await world.press(who, card, data), data)

    # Another issue's id: GC02's worker, in GC02's own group, names GC01's issue.
    other_card = fake.last_message(OTHER_GROUP)
    assert other_card is not None
    for action in ("claim", "detail", "resolve", "triage"):
        data = f"c1:{action}:{issue}"
        world.judge(action, "other_worker", False, await world.press("other_worker", other_card, data), data)

    # -- private chats ----------------------------------------------------------------------------
    private = [who for who in EVERYONE if who != "stranger"]  # the stranger never wrote to the bot
    for who, allowed in row("my-issue", {"citizen"}, private).cases():
        data = f"my1:0:{issue}"
        world.judge("my-issue", who, allowed, await world.press_in_private(who, data), data)
    # A deputy sees and supervises the issues of their own constituency only.
    for action in ("det", "sup"):
        for who, allowed in row(action, {"deputy"}, private).cases():
            data = f"dp1:{action}:{issue}:"
            world.judge(action, who, allowed, await world.press_in_private(who, data), data)

    # -- a department's issue, worked by its liaison in a private chat ----------------------------
    dept_issue = await _assigned_to_township_department(world)
    for action in ("detail", "resolve"):
        for who, allowed in row(action, {"liaison"}, private).cases():
            data = f"c1:{action}:{dept_issue}"
            world.judge(action, who, allowed, await world.press_in_private(who, data), data)

    # -- the rating: only the citizen who reported, once it is resolved ----------------------------
    await running.app.services.flows.resolve(  # type: ignore[union-attr]
        issue_id=issue,
        worker=Actor(ActorRole.GRID, WORKER[0], WORKER[1]),
        chat_id=GROUP_ID,
        note="已更换灯泡",
        photo=None,
    )
    for who, allowed in row("rate", {"citizen"}, private).cases():
        data = f"rt1:{issue}:satisfied"
        world.judge("rate", who, allowed, await world.press_in_private(who, data), data)

    # -- administrator-only commands --------------------------------------------------------------
    for who, allowed in row("invite", {"admin"}, private).cases():
        await world.person(who).say("/invite worker GC01", expect="邀请链接" if allowed else "只有管理员")
    for who, allowed in row("bind", {"admin"}, ("admin", "worker", "official", "stranger")).cases():
        fake.group(-100999, "新群")
        await world.person(who, -100999).say("/bind XQ01", expect="已绑定" if allowed else "只有管理员")

    logged = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    for data in world.refusals:
        assert any(repr(data) in line for line in logged), (data, logged[-5:])


async def test_a_revoked_role_opens_nothing_and_an_invitation_works_once(
    running: RunningBot, fake: FakeTelegram
) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    worker = Person(fake, known_user(fake, *WORKER), GROUP_ID)
    admin = Person(fake, known_user(fake, ADMIN_ID, "管理员"))
    mark = fake.mark()
    await report(alice, text="下水道堵了")
    card = await card_in_group(fake, since=mark)
    issue = _issue_id(card)
    assert REFUSED not in (await worker.press_for_alert(card, "", data=f"c1:detail:{issue}")).params.get("text", "")

    listed = await admin.say("/roles", expect="已授权")
    assert "王芳" in listed["text"] and "GC01" in listed["text"]
    await admin.say(f"/revoke {WORKER[0]} worker GC01", expect="已收回")
    refused = await worker.press_for_alert(card, "", data=f"c1:detail:{issue}")
    assert REFUSED in refused.params["text"]
    mine = await Person(fake, worker.user).say("/whoami", expect="您的用户ID")
    assert "群众" in mine["text"]

    # A link works once: the second person to open it gets nothing.
    created = await admin.say("/invite official GC", expect="邀请链接")
    token = created["text"].split("start=")[1].split()[0].split("<")[0]
    await Person(fake, fake.user(3001, "张镇")).say(f"/start {token}", expect="绑定成功")
    await Person(fake, fake.user(3002, "冒名者")).say(f"/start {token}", expect="已经使用过")
    await admin.say("/invite mayor GC", expect="用法")
    await admin.say("/invite liaison NOPE", expect="没有找到")


async def _assigned_to_township_department(world: World) -> int:
    """An issue escalated from GC01 to the township and assigned to its 城管办 (set up through the
    services, as the triage tests walk these steps through the chat already)."""
    issue, _, _ = await world.neighbour_reports(1103, "夜市摊位占道经营")
    services = world.running.app.services  # type: ignore[union-attr]
    worker = Actor(ActorRole.GRID, WORKER[0], WORKER[1])
    official = Actor(ActorRole.GRID, *PEOPLE["official"])
    await services.triage.escalate(issue_id=issue, actor=worker, chat_id=GROUP_ID, reason="需街道城管处理")
    db = Database(world.running.settings.database_url)
    try:
        async with db.session() as s:
            dept = (await s.exec(select(Department).where(Department.code == "GC-CG"))).one()
    finally:
        await db.dispose()
    mark = world.fake.mark()
    await services.triage.assign(
        issue_id=issue,
        worker=official,
        chat_id=TOWNSHIP_GROUP,
        department_id=dept.id,
        deadline=Deadline(working_days=3),
    )
    await world.person("liaison").screen("交办督办", since=mark)  # the card reaches the liaison
    return issue


def test_the_organisation_file_grants_no_accounts() -> None:
    """Roles come only through invitations: a file naming Telegram accounts is refused, saying why."""
    from pydantic import ValidationError

    from bot.organisation.schema import DepartmentSpec, StaffSpec

    with pytest.raises(ValidationError, match="invitation link"):
        StaffSpec(name="王芳", grid="GC01", telegram_id=2002)
    with pytest.raises(ValidationError, match="invitation link"):
        DepartmentSpec(code="GC-CG", name="城管办", grid="GC", liaisons=[6001])
    assert StaffSpec(name="王芳", grid="GC01").telegram_id is None


async def _department_id(world: World, code: str) -> int:
    db = Database(world.running.settings.database_url)
    try:
        async with db.session() as s:
            dept = (await s.exec(select(Department).where(Department.code == code))).one()
    finally:
        await db.dispose()
    assert dept.id is not None
    return dept.id


async def test_the_refusals_the_table_lacked(
    running: RunningBot, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """Each refusal is first seen answered (an alert, or a reply in the chat), then found in the log."""
    from handlers.callbacks import DeputyAction, DeputyCb, TriageCb, TriageStep

    caplog.set_level(logging.WARNING)
    world = World(running, fake)
    await world.build()
    issue, _, card = await world.report("citizen", "井盖丢了很危险")
    outsiders = [who for who in EVERYONE if who not in GRID_STAFF]
    refused_senders: list[int] = []  # refused messages (commands, replies): found by user in the log

    async def refused_message(who: str, text: str, expect: str, chat_id: int | None = None, **kwargs) -> None:
        await world.person(who, chat_id).say(text, expect=expect, **kwargs)
        refused_senders.append(world.users[who].id)

    # -- 上报 and 退回 by someone who does not hold the issue ---------------------------------------
    for action in ("escalate", "send_back"):
        for who in outsiders:
            data = f"c1:{action}:{issue}"
            world.judge(action, who, False, await world.press(who, card, data), data)

    # -- every 研判 step: by outsiders, then with forged values by the worker who holds it ------------
    far, foreign_dept = date(2099, 12, 31), await _department_id(world, "GC-CG")  # the township's
    steps = [
        TriageCb(step=TriageStep.EXPLAIN, issue_id=issue),
        TriageCb(step=TriageStep.HANDLE, issue_id=issue),
        TriageCb(step=TriageStep.HANDLE_DATES, issue_id=issue),
        TriageCb(step=TriageStep.HANDLE_DEADLINE, issue_id=issue, days=3),
        TriageCb(step=TriageStep.PERSON, issue_id=issue, days=3, responsible_id=WORKER[0]),
        TriageCb(step=TriageStep.ASSIGN, issue_id=issue),
        TriageCb(step=TriageStep.CANCEL, issue_id=issue),
    ]
    for step in steps:
        for who in ("stranger", "other_worker", "liaison", "deputy", "citizen"):
            world.judge(step.step.name, who, False, await world.press(who, card, step.pack()), step.pack())
    forged = {
        "person": TriageCb(step=TriageStep.PERSON, issue_id=issue, days=3, responsible_id=PEOPLE["stranger"][0]),
        "department": TriageCb(step=TriageStep.DEPARTMENT, issue_id=issue, department_id=foreign_dept),
        "department dates": TriageCb(step=TriageStep.ASSIGN_DATES, issue_id=issue, department_id=foreign_dept),
        "assigned": TriageCb(step=TriageStep.ASSIGN_DEADLINE, issue_id=issue, department_id=foreign_dept, days=3),
        "date": TriageCb(step=TriageStep.HANDLE_DEADLINE, issue_id=issue, day=far),
        "date and person": TriageCb(step=TriageStep.PERSON, issue_id=issue, day=far, responsible_id=WORKER[0]),
        "days": TriageCb(step=TriageStep.PERSON, issue_id=issue, days=45, responsible_id=WORKER[0]),
    }
    for what, step in forged.items():
        world.judge(what, "worker", False, await world.press("worker", card, step.pack()), step.pack())

    # -- replies: to the card by an outsider, to a prompt by someone it was not addressed to ---------
    mark = fake.mark()
    await fake.send_text(world.users["stranger"], "我来答复", chat=fake.chats[GROUP_ID], reply_to=card)
    await world.person("stranger", GROUP_ID).screen(REFUSED, since=mark)
    refused_senders.append(PEOPLE["stranger"][0])
    for action, not_yours in (("resolve", "请由点「办结」的同事回复"), ("escalate", "请由点按钮的同事回复")):
        mark = fake.mark()
        await fake.press(world.users["worker"], card, f"c1:{action}:{issue}", require_button=False)
        prompt = await world.person("worker", GROUP_ID).screen("回复本消息", since=mark)
        for who in ("official", "stranger"):
            await refused_message(who, "这件我来办", not_yours, GROUP_ID, reply_to=prompt)

    # -- administrators' commands ------------------------------------------------------------------
    for who in ("worker", "official", "stranger"):
        await refused_message(who, "/unbind", "只有管理员", GROUP_ID)
        await refused_message(who, "/binddept GC-CG", "只有管理员", GROUP_ID)
    for who in ("worker", "citizen", "deputy"):
        await refused_message(who, "/roles", "只有管理员")
        await refused_message(who, f"/revoke {WORKER[0]} worker GC01", "只有管理员")
    await world.person("admin").say("/roles", expect="王芳")  # nothing was revoked or unbound

    # -- a deputy's convert, matter and mode, pressed by someone else -------------------------------
    await world.person("citizen").say("/start d_D001", expect="张建国")
    mark = fake.mark()
    await world.person("citizen").say("小区门口积水", expect="已转达给张建国代表")
    inbox = await world.person("deputy").screen("小区门口积水", since=mark)
    [[convert]] = inbox["reply_markup"]["inline_keyboard"]
    services = running.app.services  # type: ignore[union-attr]
    [(matter, _)] = await services.deputies.log_visit(
        user_id=PEOPLE["deputy"][0], residents=3, places="活动室", notes="", matters=["路灯不亮"]
    )
    deputy_presses = {
        "convert": convert["callback_data"],
        "matter": DeputyCb(action=DeputyAction.MATTER, id=matter).pack(),
        "mode": DeputyCb(action=DeputyAction.MODE, value="off").pack(),
    }
    for action, data in deputy_presses.items():
        for who in ("other_deputy", "citizen", "worker") if action != "mode" else ("citizen", "worker"):
            world.judge(action, who, False, await world.press_in_private(who, data), data)
    assert (await services.deputies.me(PEOPLE["deputy"][0]))[1].value == "default"  # type: ignore[index]

    # -- the ledger's page button, pressed by a stranger in the group --------------------------------
    ledger = await world.person("worker", GROUP_ID).say("/ledger", expect="台账")
    mark = fake.mark()
    page = LedgerCb(page=1).pack()
    world.judge("ledger page", "stranger", False, await world.press("stranger", ledger, page), page)
    assert [c for c in fake.requests[mark:] if c.method == "editMessageText" and c.chat_id == GROUP_ID] == []

    # -- the phone number, once the responsible person's role is revoked ----------------------------
    assert "无权" not in await world.press("worker", card, f"c1:claim:{issue}")
    assert "13812345678" in await world.press("worker", card, f"ph1:{issue}")
    await world.person("admin").say(f"/revoke {WORKER[0]} worker GC01", expect="已收回")
    answer = await world.press("worker", card, f"ph1:{issue}")
    assert "13812345678" not in answer
    world.judge("phone", "worker", False, answer, f"ph1:{issue}")

    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused")]
    for data in world.refusals:
        assert any(repr(data) in line for line in logged), (data, logged[-5:])
    for user_id in refused_senders:
        assert any(f"(user {user_id}" in line for line in logged), (user_id, logged[-5:])
    assert len(logged) >= len(world.refusals) + len(refused_senders)
