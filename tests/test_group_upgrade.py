"""A work group upgraded to a supergroup gets a new chat id. Its cards must keep coming: the
bindings (grid group, department group) and the queued messages follow the new id, whether the
bot learns of it from Telegram's service message or from a send refused with `migrate_to_chat_id`,
and the administrators are told."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.clock import SystemClock
from bot.outbox.queue import enqueue
from storage.database import Database
from storage.models import Department, GroupChat, OutboxMessage, OutboxStatus
from tests.fake_telegram import FakeTelegram
from tests.harness import ADMIN_ID, Person, RunningBot, enlist, known_user
from tests.test_core_loop import WORKER, card_in_group, report

OLD, NEW = -4001, -1004001  # a basic group's id, and the supergroup's it becomes
DEPT_OLD, DEPT_NEW = -4002, -1004002


async def bind_basic_group(fake: FakeTelegram, chat_id: int, command: str, code: str) -> Person:
    group = fake.group(chat_id, f"{code} 工作群", type="group")
    admin = Person(fake, known_user(fake, ADMIN_ID, "管理员"), group.id)
    await admin.say(f"/{command} {code}", expect="已绑定")
    return admin


async def bindings(running: RunningBot) -> tuple[list[int], dict[str, int | None]]:
    assert running.app is not None
    async with running.app.db.session() as s:
        groups = [g.chat_id for g in (await s.exec(select(GroupChat))).all()]
        depts = {d.code: d.chat_id for d in (await s.exec(select(Department))).all()}
    return groups, depts


async def test_a_send_refused_with_the_new_id_moves_the_group(running: RunningBot, fake: FakeTelegram) -> None:
    """No service message seen (the bot was down, or it came late): the first card to the old id is
    refused with the new id; the card goes there, and so does everything after it."""
    await bind_basic_group(fake, OLD, "bind", "GC01")
    await enlist(fake, known_user(fake, *WORKER), "worker", "GC01")
    admin = Person(fake, known_user(fake, ADMIN_ID, "管理员"))
    await fake.upgrade_group(OLD, NEW, by=admin.user, announce=False)
    alice = Person(fake, fake.user(1001, "Alice"))

    mark = fake.mark()
    await report(alice, text="小区门口的垃圾三天没人清运了", photos=["photo-1"])
    refused = await fake.wait_for("sendMessage", chat_id=OLD, since=mark, ok=False)
    assert refused.error is not None and "upgraded to a supergroup" in refused.error[1]
    card = await card_in_group(fake, since=mark, chat_id=NEW)
    photo = await fake.wait_for("sendPhoto", chat_id=NEW, since=mark, ok=True)
    assert photo.result["reply_to_message"]["message_id"] == card["message_id"]
    notice = await admin.screen(["已升级为超级群", str(OLD), str(NEW)], since=mark)
    assert "GC01 工作群" in notice["text"] and "南大街社区" in notice["text"]
    assert (await bindings(running))[0] == [NEW]

    # The new group works as the old one did: its worker claims the card there.
    bob = Person(fake, known_user(fake, *WORKER), NEW)
    pressed = fake.mark()
    await bob.press_for_alert(card, "认领")
    await bob.screen(["办理中", "王芳"], since=pressed)

    # The next card goes straight to the new id.
    mark = fake.mark()
    await report(Person(fake, fake.user(1002, "Bea")), text="路灯坏了一个星期")
    await card_in_group(fake, since=mark, chat_id=NEW)
    await fake.assert_nothing(None, chat_id=OLD, since=mark)


async def test_the_service_message_moves_grid_and_department_groups(running: RunningBot, fake: FakeTelegram) -> None:
    """Telegram's migrate_to/migrate_from messages move the bindings before anything is sent."""
    await bind_basic_group(fake, OLD, "bind", "GC01")
    await bind_basic_group(fake, DEPT_OLD, "binddept", "CK-ZJ")
    admin = Person(fake, known_user(fake, ADMIN_ID, "管理员"))

    mark = fake.mark()
    await fake.upgrade_group(DEPT_OLD, DEPT_NEW, by=admin.user)
    notice = await admin.screen(["已升级为超级群", "县住建委", str(DEPT_NEW)], since=mark)
    assert "GC01" not in notice["text"]
    mark = fake.mark()
    await fake.upgrade_group(OLD, NEW, by=admin.user)
    await admin.screen(["已升级为超级群", "南大街社区", str(NEW)], since=mark)
    groups, depts = await bindings(running)
    assert groups == [NEW] and depts["CK-ZJ"] == DEPT_NEW
    # Each upgrade comes as two service messages: the second finds nothing left to move.
    await fake.assert_nothing("sendMessage", chat_id=ADMIN_ID, since=fake.mark(), within=0.5)
    assert len([c for c in fake.requests[mark:] if c.chat_id == ADMIN_ID and c.method == "sendMessage"]) == 1

    mark = fake.mark()
    await report(Person(fake, fake.user(1001, "Alice")), text="小区门口的垃圾三天没人清运了")
    await card_in_group(fake, since=mark, chat_id=NEW)
    await fake.assert_nothing(None, chat_id=OLD, since=mark)


async def test_messages_that_failed_before_the_move_was_known_are_requeued(
    running: RunningBot, fake: FakeTelegram
) -> None:
    """A card refused for the old id by an earlier version (failed for good) reaches the new group;
    one that failed more than a day ago stays failed rather than arrive out of its time."""
    await bind_basic_group(fake, OLD, "bind", "GC01")
    admin = Person(fake, known_user(fake, ADMIN_ID, "管理员"))
    assert running.app is not None
    db: Database = running.app.db
    now = SystemClock().now()
    async with db.transaction() as s:
        for text, age in (("昨天的卡片", timedelta(hours=3)), ("上周的卡片", timedelta(days=7))):
            enqueue(s, chat_id=OLD, method="sendMessage", params={"text": text}, now=now - age)
    async with db.transaction() as s:
        for row in (await s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == OLD))).all():
            row.status, row.last_error = OutboxStatus.FAILED, "400: Bad Request: group chat was upgraded"
            s.add(row)

    mark = fake.mark()
    await fake.upgrade_group(OLD, NEW, by=admin.user)
    requeued = await fake.wait_for("sendMessage", chat_id=NEW, since=mark, ok=True)
    assert requeued.params["text"] == "昨天的卡片"
    await fake.assert_nothing(None, chat_id=NEW, since=fake.mark(), within=0.5)
    async with db.session() as s:
        stale = (await s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == OLD))).one()
    assert stale.status == OutboxStatus.FAILED and stale.params["text"] == "上周的卡片"
