"""The WeCom channel behind the same seam: a grid with a group robot gets the new issue's card as a
markdown row on the outbox (channel "wecom"), in the flow's own transaction, with the citizen's
text made inert; a grid without one is left to the other channels."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from bot.app import prepare_database
from bot.config import Settings
from bot.domain.enums import ActorRole
from bot.issues.draft import IssueDraft
from bot.issues.service import Actor
from bot.services import Services
from bot.wecom.robots import set_robot
from storage.models import Category, Grid, OutboxMessage

KEY = "0a1b2c3d-1111-2222-3333-444455556666"


async def test_a_new_issue_reaches_the_grids_robot_as_markdown(tmp_path: Path) -> None:
    services = Services.build(Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'w.db'}"))
    await prepare_database(services)
    try:
        async with services.db.transaction() as s:
            villages = (await s.exec(select(Grid).where(Grid.level == "village").order_by(col(Grid.id)))).all()
            with_robot, without = villages[0], villages[1]
            category = (await s.exec(select(Category))).first()
            assert category is not None and with_robot.id is not None and without.id is not None
            await set_robot(s, code=with_robot.code, key=KEY, now=services.clock.now())
        citizen = Actor(ActorRole.CITIZEN, 501, "张三")
        text = "路灯坏了 **urgent** [link](http://x) <b>"
        for grid_id in (with_robot.id, without.id):
            draft = IssueDraft(grid_id=grid_id, category_id=category.id, description=text)  # type: ignore[arg-type]
            await services.flows.submit(draft=draft, citizen=citizen)
        async with services.db.session() as s:
            rows = (await s.exec(select(OutboxMessage).where(OutboxMessage.channel == "wecom"))).all()
            telegram = (await s.exec(select(OutboxMessage).where(OutboxMessage.channel == "telegram"))).all()
    finally:
        await services.db.dispose()
    assert len(rows) == 1  # only the grid with a robot (and no robot above the other one)
    row = rows[0]
    assert row.method == "markdown"
    content = row.params["content"]
    assert "**新诉求**" in content and with_robot.name in content
    assert "路灯坏了 ＊＊urgent＊＊ ［link］(http://x) ＜b＞" in content  # the citizen's markup is inert
    assert KEY not in content
    assert len(content.encode()) <= 4096
    assert any(r.chat_id == 501 for r in telegram)  # the citizen's push still goes by Telegram


async def test_erasing_a_citizen_keeps_a_robots_rows_that_share_the_number(tmp_path: Path) -> None:
    """Outbox rows are addressed by channel and id: erasing Telegram user 1 drops what was queued for
    that person, not what was queued for WeCom robot 1."""
    from bot.outbox.queue import enqueue

    services = Services.build(Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'e.db'}"))
    await prepare_database(services)
    try:
        now = services.clock.now()
        async with services.db.transaction() as s:
            enqueue(s, chat_id=1, method="sendMessage", params={"text": "hi"}, now=now)
            enqueue(s, channel="wecom", chat_id=1, method="markdown", params={"content": "card"}, now=now)
        await services.personal.erase(1)
        async with services.db.session() as s:
            left = [(r.channel, r.chat_id) for r in (await s.exec(select(OutboxMessage))).all()]
    finally:
        await services.db.dispose()
    assert left == [("wecom", 1)]
