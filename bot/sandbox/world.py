"""Who plays in the sandbox: the demo county's people and chats, and how they get their roles.

Roles are given the one way the product gives them (an invitation redeemed by the account), and
groups bound as /bind and /binddept bind them, before the bot starts; the chats are then known to
the sandbox's Bot API as Telegram would know them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.access import Role
from bot.organisation.groups import BindOutcome
from bot.sandbox.botapi import FakeTelegram
from bot.services import Services

ADMIN_ID = 9000


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    phone: str | None = None


@dataclass(frozen=True)
class Chat:
    """One entry of the page's chat list: a private chat with the bot, or a group and who speaks in it."""

    chat_id: int
    title: str
    kind: str  # citizen, grid, department, deputy, admin: the page groups and labels chats by it
    subtitle: str  # a message id (bot/locales/*/sandbox.ftl): who speaks here, filled with subtitle_args
    speaker: Person
    grid_code: str | None = None  # a grid's work group
    department_code: str | None = None  # a department's work group
    role: tuple[Role, str] | None = None  # what the speaker is invited to
    subtitle_args: tuple[tuple[str, str], ...] = ()

    @property
    def is_group(self) -> bool:
        return self.chat_id < 0


ZHANG_SAN = Person(10001, "张三", "13800001111")
LI_SI = Person(10002, "李四", "13900002222")
WANG_FANG = Person(20001, "王芳")  # grid worker of 南大街社区 (in the demo county's staff list)
CHEN_GANG = Person(20002, "陈刚")  # grid worker of 东河村
ZHOU_HUA = Person(20003, "周华")  # official of 葛城街道
ZHAO_QIANG = Person(20004, "赵强")  # liaison of 葛城街道城管办
ZHANG_JIANGUO = Person(30001, "张建国")  # county deputy D001: 南大街社区, 东大街社区
ADMIN = Person(ADMIN_ID, "人大办管理员")

CHATS: tuple[Chat, ...] = (
    Chat(
        ZHANG_SAN.user_id, "张三", "citizen", "sandbox-as-resident", ZHANG_SAN, subtitle_args=(("place", "南大街社区"),)
    ),
    Chat(LI_SI.user_id, "李四", "citizen", "sandbox-as-villager", LI_SI, subtitle_args=(("place", "东河村"),)),
    Chat(
        -1001001,
        "南大街社区网格群",
        "grid",
        "sandbox-as-grid-worker",
        WANG_FANG,
        grid_code="GC01",
        role=(Role.WORKER, "GC01"),
        subtitle_args=(("name", WANG_FANG.name),),
    ),
    Chat(
        -1001002,
        "东河村网格群",
        "grid",
        "sandbox-as-grid-worker",
        CHEN_GANG,
        grid_code="XQ01",
        role=(Role.WORKER, "XQ01"),
        subtitle_args=(("name", CHEN_GANG.name),),
    ),
    Chat(
        -1001003,
        "葛城街道网格群",
        "grid",
        "sandbox-as-official",
        ZHOU_HUA,
        grid_code="GC",
        role=(Role.OFFICIAL, "GC"),
        subtitle_args=(("name", ZHOU_HUA.name),),
    ),
    Chat(
        -1002001,
        "葛城街道城管办",
        "department",
        "sandbox-as-liaison",
        ZHAO_QIANG,
        department_code="GC-CG",
        role=(Role.LIAISON, "GC-CG"),
        subtitle_args=(("name", ZHAO_QIANG.name),),
    ),
    Chat(
        ZHANG_JIANGUO.user_id,
        "张建国 代表",
        "deputy",
        "sandbox-as-deputy",
        ZHANG_JIANGUO,
        role=(Role.DEPUTY, "D001"),
        subtitle_args=(("first", "南大街社区"), ("second", "东大街社区")),
    ),
    Chat(ADMIN.user_id, "管理员", "admin", "sandbox-as-admin", ADMIN),
)


def chat(chat_id: int) -> Chat | None:
    return next((c for c in CHATS if c.chat_id == chat_id), None)


def introduce(telegram: FakeTelegram) -> None:
    """The accounts and chats, as the Bot API knows them."""
    for entry in CHATS:
        person = entry.speaker
        if person.user_id not in telegram.users:
            telegram.user(person.user_id, person.name, language_code="zh-hans")
        if entry.is_group:
            telegram.group(entry.chat_id, entry.title)


async def cast(services: Services) -> None:
    """Bind the groups and redeem an invitation per role; idempotent, so a kept database is fine."""
    now = services.clock.now()
    for entry in CHATS:
        if entry.grid_code:
            bound = await services.groups.bind(
                chat_id=entry.chat_id, title=entry.title, grid_code=entry.grid_code, admin_id=ADMIN_ID, now=now
            )
            if bound.outcome not in (BindOutcome.BOUND, BindOutcome.REBOUND):
                raise RuntimeError(f"cannot bind {entry.title} to {entry.grid_code}: {bound.outcome}")
        if entry.department_code and not await services.triage.bind_department(
            chat_id=entry.chat_id, code=entry.department_code
        ):
            raise RuntimeError(f"no department {entry.department_code} in the organisation")
        if entry.role is not None:
            role, target = entry.role
            created = await services.invitations.create(role=role, target=target, created_by="sandbox")
            await services.invitations.redeem(token=created.token, user_id=entry.speaker.user_id)
