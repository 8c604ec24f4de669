"""The WeCom (企业微信) channel: a grid's or a department's group robot gets the cards, the
due-soon and overdue alerts and the 09:00 digest as markdown messages. A robot is send-only: the
card says where the work is done (the level's Telegram group). Citizens and deputies are not
reached here; what this channel cannot say, it leaves to the others."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import local_text
from bot.domain.notices import AlertKind, UnitDigest
from bot.i18n import Translate, Translator
from bot.issues.facts import issue_facts
from bot.notify.channel import Channel, DepartmentDesk, Desk, GridDesk
from bot.organisation.service import grid_path
from bot.outbox.queue import enqueue
from bot.telegram.texts import status_label
from bot.wecom.robots import robot_for_department, robot_for_grid
from storage.models import Issue, IssueAttachment, WeComRobot

CHANNEL = "wecom"
ALERTS_PER_MESSAGE = 15
PREVIEW = 500  # characters of the description on a card: the robot's message is capped at 4,096 bytes

# Characters WeCom's markdown reads as markup, shown as their full-width twins in user text.
_MARKUP = str.maketrans({"*": "＊", "_": "＿", "`": "｀", "[": "［", "]": "］", "#": "＃", "<": "＜", ">": "＞"})
_BOLD = re.compile(r"</?b>")
_TAG = re.compile(r"<[^>]+>")


def md(text: str | None) -> str:
    """Untrusted text made inert in WeCom markdown (one line per line, no markup)."""
    return (text or "").translate(_MARKUP)


def from_html(text: str) -> str:
    """A Fluent message written for Telegram's HTML, as WeCom markdown: bold kept, other tags dropped."""
    return _TAG.sub("", _BOLD.sub("**", text)).replace("&lt;", "＜").replace("&gt;", "＞").replace("&amp;", "&")


class WeComChannel(Channel):
    """Cards, alerts and digests for the staff robots; every other notice is the base's silence."""

    def __init__(self, translator: Translator, tz: tzinfo) -> None:
        self.translator = translator
        self.tz = tz

    def t(self) -> Translate:
        return self.translator.bind(None)

    def say(self, s: AsyncSession, robot: WeComRobot, text: str, now: datetime) -> None:
        assert robot.id is not None
        enqueue(s, channel=CHANNEL, chat_id=robot.id, method="markdown", params={"content": text}, now=now)

    async def robot_of(self, s: AsyncSession, desk: Desk) -> WeComRobot | None:
        """A grid's level: its own robot or the nearest one above, as cards find Telegram groups."""
        if isinstance(desk, GridDesk):
            path = [g.id for g in reversed(await grid_path(s, desk.grid_id))]
            robots = {
                r.grid_id: r for r in (await s.exec(select(WeComRobot).where(col(WeComRobot.grid_id).in_(path)))).all()
            }
            return next((robots[g] for g in path if g in robots), None)
        if isinstance(desk, DepartmentDesk):
            return await robot_for_department(s, desk.department_id)
        return None  # a person's private chat is not a robot's

    # -- the people working on an issue ----------------------------------------------------------

    async def post_card(
        self,
        s: AsyncSession,
        *,
        issue: Issue,
        desk: Desk,
        headline: str,
        now: datetime,
        files: list[IssueAttachment] | None = None,
        note: str | None = None,
    ) -> bool:
        robot = await self.robot_of(s, desk)
        if robot is None:
            return False
        t = self.t()
        facts = await issue_facts(s, issue)
        lines = [
            from_html(t(headline, ref=facts.ref)),
            "> " + t("card-category", category=md(facts.category)),
            "> " + t("card-grid", grid=md(facts.grid_path)),
            "> " + t("card-received-at", time=local_text(issue.created_at, self.tz)),
            "> " + t("card-status", status=status_label(t, issue.status)),
        ]
        if facts.department:
            lines.append("> " + t("card-department", department=md(facts.department)))
        if issue.deadline:
            lines.append("> " + t("card-deadline", deadline=local_text(issue.deadline, self.tz)))
        if facts.holder_name:
            lines.append("> " + from_html(t("card-held-by", level=md(facts.holder_name))))
        if issue.supervision_level != "normal":  # 黄牌 / 红牌督办 (issue 18)
            lines.append("> " + from_html(t(f"card-level-{issue.supervision_level}")))
        description = issue.description if len(issue.description) <= PREVIEW else issue.description[:PREVIEW] + "…"
        lines += ["", md(description)]
        if note:
            lines += ["", t("card-move-note", note=md(note))]
        if files or issue.latitude is not None:
            lines.append(t("wecom-card-media"))
        lines += ["", f'<font color="comment">{t("wecom-card-where")}</font>']
        self.say(s, robot, "\n".join(lines), now)
        return True

    async def alerts(
        self, s: AsyncSession, *, kind: AlertKind, items: list[tuple[Issue, list[Desk]]], now: datetime
    ) -> None:
        """One message per robot: the issues it should hear of, capped."""
        t = self.t()
        by_robot: dict[int, tuple[WeComRobot, list[str]]] = {}
        for issue, desks in items:
            facts = await issue_facts(s, issue)
            text = from_html(
                t(
                    kind.value,
                    ref=issue.ref,
                    category=md(facts.category),
                    grid=md(facts.grid_name),
                    deadline=local_text(issue.deadline, self.tz) if issue.deadline else "",
                    who=md(issue.assignee_name or facts.department),
                )
            )
            for desk in desks:
                robot = await self.robot_of(s, desk)
                if robot is not None and robot.id is not None:
                    texts = by_robot.setdefault(robot.id, (robot, []))[1]
                    if text not in texts:
                        texts.append(text)
        for robot, texts in by_robot.values():
            if len(texts) == 1:
                self.say(s, robot, texts[0], now)
                continue
            lines = [from_html(t(f"{kind.value}-many", count=str(len(texts))))]
            lines += [f"{n}. {text}" for n, text in enumerate(texts[:ALERTS_PER_MESSAGE], start=1)]
            if len(texts) > ALERTS_PER_MESSAGE:
                lines.append(from_html(t("remind-more", count=str(len(texts) - ALERTS_PER_MESSAGE))))
            self.say(s, robot, "\n".join(lines), now)

    async def desks(self, s: AsyncSession) -> tuple[set[int], set[int]]:
        robots = (await s.exec(select(WeComRobot))).all()
        return (
            {r.grid_id for r in robots if r.grid_id is not None},
            {r.department_id for r in robots if r.department_id is not None},
        )

    async def digest(self, s: AsyncSession, *, digest: UnitDigest) -> bool:
        t = self.t()
        numbers = {k: str(v) for k, v in digest.numbers.items()}
        if digest.department_id is not None:
            robot = await robot_for_department(s, digest.department_id)
            text = t("digest-department", department=md(digest.name), date=digest.day.isoformat(), **numbers)
        else:
            assert digest.grid_id is not None
            robot = await robot_for_grid(s, digest.grid_id)
            text = t("digest", grid=md(digest.name), date=digest.day.isoformat(), **numbers)
        if robot is None:
            return False
        self.say(s, robot, from_html(text), digest.now)
        return True
