"""Shared set-up for the triage, supervision and ledger tests: the demo county with workers who
have Telegram accounts, groups at each level, and a citizen's issue standing in the village group."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.sandbox.botapi import FakeTelegram
from tests.harness import ADMIN_ID, Person, enlist, known_user

ROOT = Path(__file__).resolve().parents[1]
VILLAGE_GROUP, TOWNSHIP_GROUP, COUNTY_GROUP, DEPT_GROUP = -100301, -100302, -100303, -100304
WORKER_ID, LEADER_ID = 2002, 2001
LIAISON_ID = 6001  # 葛城街道城管办's liaison, working from a private chat


# Who works in each group, by the code the group is bound to: (role, Telegram id, name).
STAFF = {
    "GC01": [("worker", WORKER_ID, "王芳"), ("worker", LEADER_ID, "李明")],
    "GC": [("official", 3001, "张镇")],
    "CK": [("official", 4001, "赵县")],
    "CK-ZJ": [("liaison", 5001, "住建刘")],
}


def org_file(tmp_path: Path) -> Path:
    """The demo county (its staff get their Telegram accounts by invitation, in bind)."""
    org = yaml.safe_load((ROOT / "examples" / "demo-county.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
    return path


async def bind(fake: FakeTelegram, chat_id: int, code: str, *, command: str = "bind") -> None:
    """The administrator binds the group, and invites the people who work in it."""
    fake.group(chat_id, f"{code} 工作群")
    admin = Person(fake, known_user(fake, ADMIN_ID, "管理员"), chat_id)
    await admin.say(f"/{command} {code}", expect="已绑定")
    for role, user_id, name in STAFF.get(code, []):
        await enlist(fake, known_user(fake, user_id, name), role, code)


async def enlist_liaison(fake: FakeTelegram) -> None:
    """葛城街道城管办's liaison, who works from a private chat."""
    await enlist(fake, known_user(fake, LIAISON_ID, "城管小周"), "liaison", "GC-CG")


def ref_of(submitted: dict) -> str:
    return submitted["text"].split("：")[1].split()[0]
