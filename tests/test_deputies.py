"""Deputies end to end: invitations, the 代表码 conversation and its reply relay, 转为诉求, 督办,
and the notification settings."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.invitations.service import Role
from bot.sandbox.botapi import FakeTelegram
from storage.database import Database
from storage.models import Deputy, Issue, PointEntry, RoleGrant
from tests.harness import Person, RunningBot, button_data
from tests.test_core_loop import GROUP_ID, bind_group, card_in_group, report

DEPUTY_ID = 7001


async def link_deputy(
    running: RunningBot, fake: FakeTelegram, code: str = "D001", user_id: int = DEPUTY_ID, name: str = "张建国"
) -> Person:
    assert running.app is not None
    created = await running.app.services.invitations.create(role=Role.DEPUTY, target=code, created_by="test")
    deputy = Person(fake, fake.user(user_id, name))
    await deputy.say(f"/start i_{created.token}", expect="绑定成功")
    return deputy


async def _rows(running: RunningBot, query):  # type: ignore[no-untyped-def]
    db = Database(running.settings.database_url)
    try:
        async with db.session() as s:
            return list((await s.exec(query)).all())
    finally:
        await db.dispose()


async def test_invitation_works_once_and_expires(running: RunningBot, fake: FakeTelegram) -> None:
    assert running.app is not None
    invitations = running.app.services.invitations
    await link_deputy(running, fake)
    deputies = await _rows(running, select(Deputy).where(Deputy.code == "D001"))
    assert deputies[0].telegram_user_id == DEPUTY_ID

    worker_link = await invitations.create(role=Role.WORKER, target="GC01", created_by="test")
    worker = Person(fake, fake.user(7101, "网格员小王"))
    await worker.say(f"/start i_{worker_link.token}", expect=["绑定成功", "南大街社区"])
    intruder = Person(fake, fake.user(7102, "别人"))
    await intruder.say(f"/start i_{worker_link.token}", expect="已经使用过")
    stale = await invitations.create(role=Role.OFFICIAL, target="GC", created_by="test", ttl=timedelta(seconds=-1))
    await intruder.say(f"/start i_{stale.token}", expect="已过期")
    await intruder.say("/start i_no-such-token", expect="无效")

    grants = {(g.user_id, g.role, g.scope) for g in await _rows(running, select(RoleGrant))}
    assert grants == {(DEPUTY_ID, "deputy", str(deputies[0].id)), (7101, "worker", "GC01")}
    assert await invitations.roles_of(7102) == []


async def test_deputy_code_conversation_relay_and_convert(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    deputy = await link_deputy(running, fake)
    alice = Person(fake, fake.user(1001, "Alice"))

    intro = await alice.say("/start d_D001", expect=["张建国", "葛城街道人大代表联络站", "南大街社区"])
    assert "每月10日" in intro["text"]
    await alice.say("<b>不</b> 小区路灯坏了一个月", expect="已转达给张建国代表")
    inbox = await deputy.screen(["群众留言", "小区路灯坏了一个月", "<b>不</b>"], since=0)

    # The deputy answers by replying; the answer reaches the citizen, and her reply comes back.
    mark = fake.mark()
    await fake.send_text(deputy.user, "我明天去现场看看", reply_to=inbox)
    answer = await alice.screen(["张建国代表答复", "我明天去现场看看"], since=mark)
    await deputy.screen("已转达给群众", since=mark)
    mark = fake.mark()
    await fake.send_text(alice.user, "谢谢代表，在3栋门口", reply_to=answer)
    await deputy.screen(["群众补充", "3栋门口"], since=mark)
    await alice.screen("已转达给张建国代表", since=mark)

    # A stranger cannot act through the deputy's message: a press of its button is refused, and a
    # reply to it (from the stranger's own chat) reaches neither the citizen nor the deputy.
    mallory = Person(fake, fake.user(1666, "Mallory"))
    refused = await mallory.press_for_alert(inbox, "", data=button_data(inbox, "转为诉求"))
    assert "无权" in refused.params["text"]
    mark = fake.mark()
    await fake.send_text(mallory.user, "我替代表答复", reply_to=inbox)
    await mallory.screen("不是关于某条诉求的", since=mark)  # answered: the update was handled
    assert [c for c in fake.requests[mark:] if c.chat_id in (alice.user.id, DEPUTY_ID)] == []
    mark = fake.mark()
    call = await deputy.press_for_alert(inbox, "转为诉求")
    assert "已转为诉求 GL-" in call.params["text"]
    card = await card_in_group(fake, since=mark)
    assert "人大代表督办中" in card["text"] and "小区路灯坏了一个月" in card["text"]
    await alice.screen("已受理", since=mark)
    again = await deputy.press_for_alert(inbox, "", data=button_data(inbox, "转为诉求"))
    assert "已经转为诉求" in again.params["text"]

    # The supervising deputy gets every later step.
    mark = fake.mark()
    worker = Person(fake, fake.user(2002, "王芳"), GROUP_ID)
    await worker.press_for_alert(card, "认领")
    await deputy.screen(["选区诉求", "已认领", "您正在督办"], since=mark)
    await fake.press(worker.user, card, button_data(card, "办结"))
    prompt = await worker.screen("办结说明", since=mark)
    mark = fake.mark()
    await fake.send_text(worker.user, "路灯已修好", chat=worker.chat, reply_to=prompt)
    await deputy.screen(["选区诉求", "已办结"], since=mark)

    issues = await _rows(running, select(Issue))
    assert issues[0].supervised_by_deputy_id is not None
    points = {(p.action, p.points) for p in await _rows(running, select(PointEntry))}
    assert points == {("reply", 1), ("converted", 2), ("supervised_resolved", 3)}


async def test_supervise_from_a_push(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    deputy = await link_deputy(running, fake)
    other = await link_deputy(running, fake, code="D003", user_id=7003, name="赵志强")

    # Everything at once, chosen in /settings.
    settings = await deputy.say("/settings", expect="推送方式")
    saved = await deputy.press_for_alert(settings, "全部即时推送")
    assert saved.params["text"] == "已保存"
    alice = Person(fake, fake.user(1001, "Alice"))
    mark = fake.mark()
    await report(alice, text="楼道堆满杂物有消防隐患")
    card = await card_in_group(fake, since=mark)
    push = await deputy.screen(["选区诉求", "新诉求", "楼道堆满杂物"], since=mark)

    # A deputy of another constituency cannot supervise it, even with the button's data.
    refused = await other.press_for_alert(push, "", data=button_data(push, "督办"))
    assert "无权" in refused.params["text"]

    mark = fake.mark()
    done = await deputy.press_for_alert(push, "督办")
    assert "您已督办" in done.params["text"]
    notice = await fake.wait_for(
        "sendMessage", chat_id=GROUP_ID, since=mark, ok=True, where=lambda c: "正在督办" in c.params.get("text", "")
    )
    assert notice.result["reply_to_message"]["message_id"] == card["message_id"]
    edited = await fake.wait_for("editMessageText", chat_id=GROUP_ID, since=mark, ok=True)
    assert "人大代表督办中" in edited.params["text"]

    detail = await deputy.press(push, "详情", expect="提交诉求")
    assert "督办" in detail["text"]


async def test_duty_day_visit_log_and_quarterly_file(running: RunningBot, fake: FakeTelegram) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.jobs.registry import catalogue
    from bot.jobs.scheduler import run_job
    from tests.harness import ADMIN_ID

    assert running.app is not None
    services = running.app.services
    await bind_group(fake)
    deputy = await link_deputy(running, fake)
    shanghai = ZoneInfo("Asia/Shanghai")
    mark = fake.mark()
    str(await run_job(catalogue()["duty-day"], services, datetime(2026, 12, 10, 8, 30, tzinfo=shanghai)))
    reminder = await deputy.screen(["集中履职日", "办理中"], since=mark)

    await deputy.press(reminder, "记录走访", expect="多少位群众")
    await deputy.say("十二", expect="请输入一个数字")
    await deputy.say("12", expect="哪些地点")
    await deputy.say("南大街社区活动室", expect="走访情况")
    await deputy.say("群众反映停车难", expect="收集到的群众诉求")
    noted = await deputy.say("3栋楼道灯坏了", expect="已记下第 1 条")
    mark = fake.mark()
    await fake.press(deputy.user, noted, button_data(noted, "完成"))
    await deputy.screen("走访已记录", since=mark)
    matter = await deputy.screen("3栋楼道灯坏了", since=mark)
    mark = fake.mark()
    converted = await deputy.press_for_alert(matter, "转为诉求")
    assert "已转为诉求" in converted.params["text"]
    card = await card_in_group(fake, since=mark)
    assert "3栋楼道灯坏了" in card["text"] and "人大代表督办中" in card["text"]

    # The quarter's table reaches the administrator as an Excel file, through the outbox.
    mark = fake.mark()
    str(await run_job(catalogue()["deputy-quarterly"], services, datetime(2027, 1, 1, 9, tzinfo=shanghai)))
    document = await fake.wait_for("sendDocument", chat_id=ADMIN_ID, since=mark, ok=True)
    assert document.result["document"]["file_name"].endswith(".xlsx")
    await deputy.screen(["履职积分", "2026Q4"], since=mark)


async def test_default_mode_unsatisfied_at_once_the_rest_in_the_digest(running: RunningBot, fake: FakeTelegram) -> None:
    from datetime import datetime

    from bot.jobs.registry import catalogue
    from bot.jobs.scheduler import run_job
    from tests.test_core_loop import _data

    assert running.app is not None
    await bind_group(fake)
    deputy = await link_deputy(running, fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    worker = Person(fake, fake.user(2002, "王芳"), GROUP_ID)
    mark = fake.mark()
    await report(alice, text="垃圾桶满了没人清")
    card = await card_in_group(fake, since=mark)
    await worker.press_for_alert(card, "认领")
    await fake.press(worker.user, card, _data(card, "办结"))
    prompt = await worker.screen("办结说明", since=mark)
    await fake.send_text(worker.user, "已清理", chat=worker.chat, reply_to=prompt)
    rate = await alice.screen("已办结", since=mark)
    assert [m for m in fake.sent_messages(DEPUTY_ID) if "选区诉求" in m.get("text", "")] == []  # nothing urgent yet

    await alice.press(rate, "不满意", expect="哪里没有解决好")
    mark = fake.mark()
    await alice.say("还是满的", expect="已记录您对")
    await deputy.screen(["选区诉求", "群众不满意", "垃圾桶满了没人清"], since=mark)

    # The evening digest has the steps that were not urgent, once.
    tonight = datetime.now(running.settings.tz).replace(hour=20, minute=30)
    mark = fake.mark()
    summary = str(await run_job(catalogue()["deputy-digest"], running.app.services, tonight))
    assert "queued 1" in summary
    digest = await deputy.screen("每日汇总", since=mark)
    assert "重新办理" in digest["text"] and "已办结" not in digest["text"].split("\n")[0]
    assert "queued 0" in str(await run_job(catalogue()["deputy-digest"], running.app.services, tonight))


async def test_find_a_deputy_from_the_menu_and_set_a_theme(running: RunningBot, fake: FakeTelegram) -> None:
    from tests.harness import ADMIN_ID, labels

    alice = Person(fake, fake.user(1001, "Alice"))
    menu = await alice.say("/start", expect="民情直通车")
    listing = await alice.press(menu, "找代表", expect="请选择您要联系的人大代表")
    assert any("张建国" in label and "南大街社区" in label for label in labels(listing))
    await alice.press(listing, "赵志强", expect=["修齐镇人大代表联络站", "每月15日", "请直接输入"])
    await alice.say("/cancel", expect="已取消")
    await alice.say("/start d_NOPE", expect="没有找到这个代表码")
    await alice.say("/settings", expect="仅供已绑定的人大代表")
    await alice.say("/theme S-GC 老旧小区改造", expect="只有管理员")

    admin = Person(fake, fake.user(ADMIN_ID, "管理员"))
    await admin.say("/theme", expect=["用法", "S-GC"])
    await admin.say(
        "/theme S-GC 2026-12 冬季<b>防火</b>", expect=["葛城街道人大代表联络站", "2026-12", "冬季<b>防火</b>"]
    )
    await admin.say("/theme NOPE 主题", expect="没有代码为 NOPE 的联络站")


async def test_convert_asks_the_citizen_before_the_group_sees_name_and_phone(
    running: RunningBot, fake: FakeTelegram
) -> None:
    """转为诉求: the citizen wrote to a deputy, not to the grid's group. The issue starts hidden as
    an anonymous report; the citizen is asked, and only their yes shows the name and phone."""
    await bind_group(fake)
    deputy = await link_deputy(running, fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    worker = Person(fake, fake.user(2002, "王芳"), GROUP_ID)
    await report(alice, text="上个月的事", phone="13812345678")  # the phone on file
    await alice.say("/start d_D001", expect="张建国")
    await alice.say("小区路灯坏了一个月", expect="已转达给张建国代表")
    inbox = await deputy.screen("小区路灯坏了一个月", since=0)

    mark = fake.mark()
    await deputy.press_for_alert(inbox, "转为诉求")
    card = await card_in_group(fake, since=mark)
    ask = await alice.screen("是否同意", since=mark)
    assert "5678" not in card["text"]
    timeline = await worker.press(card, "详情", expect="提交诉求")
    assert "Alice" not in timeline["text"]

    # Someone else's yes opens nothing; the refusal is the answer to the press.
    mallory = Person(fake, fake.user(1666, "Mallory"))
    await mallory.say("/start", expect="民情直通车")
    refused = await mallory.press_for_alert(fake.last_message(mallory.user.id), "", data=button_data(ask, "同意提供"))
    assert "无权" in refused.params["text"]

    mark = fake.mark()
    await alice.press(ask, "同意提供", expect="已向网格提供")
    await worker.screen("同意提供联系方式", since=mark)
    edited = await fake.wait_for(
        "editMessageText", chat_id=GROUP_ID, since=mark, ok=True, where=lambda c: "138****5678" in c.params["text"]
    )
    assert "小区路灯坏了一个月" in edited.params["text"]
    timeline = await worker.press(card, "详情", expect=["Alice", "提交诉求"])
    assert "13812345678" not in timeline["text"]


async def test_a_citizen_who_says_no_stays_hidden(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    deputy = await link_deputy(running, fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    worker = Person(fake, fake.user(2002, "王芳"), GROUP_ID)
    await report(alice, text="上个月的事", phone="13812345678")
    await alice.say("/start d_D001", expect="张建国")
    await alice.say("楼下噪音扰民", expect="已转达给张建国代表")
    inbox = await deputy.screen("楼下噪音扰民", since=0)
    mark = fake.mark()
    await deputy.press_for_alert(inbox, "转为诉求")
    card = await card_in_group(fake, since=mark)
    ask = await alice.screen("是否同意", since=mark)
    await alice.press(ask, "不提供", expect="看不到您的姓名和电话")
    timeline = await worker.press(card, "详情", expect="提交诉求")
    assert "Alice" not in timeline["text"] and "5678" not in timeline["text"]
    issues = await _rows(running, select(Issue).where(Issue.description == "楼下噪音扰民"))
    assert issues[0].anonymous and issues[0].phone is None
