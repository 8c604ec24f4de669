"""Shared set-up for the triage, supervision and ledger tests: the demo county with workers who
have Telegram accounts, groups at each level, and a citizen's issue standing in the village group."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.fake_telegram import FakeTelegram
from tests.harness import ADMIN_ID, Person

ROOT = Path(__file__).resolve().parents[1]
VILLAGE_GROUP, TOWNSHIP_GROUP, COUNTY_GROUP, DEPT_GROUP = -100301, -100302, -100303, -100304
WORKER_ID, LEADER_ID = 2002, 2001
LIAISON_ID = 6001  # 葛城街道城管办's liaison, working from a private chat


def org_file(tmp_path: Path) -> Path:
    """The demo county, with Telegram ids for the GC01 staff."""
    org = yaml.safe_load((ROOT / "examples" / "demo-county.yaml").read_text(encoding="utf-8"))
    ids = {"王芳": WORKER_ID, "李明": LEADER_ID}
    for person in org["staff"]:
        if person["name"] in ids:
            person["telegram_id"] = ids[person["name"]]
    for department in org["departments"]:
        if department["code"] == "GC-CG":
            department["liaisons"] = [LIAISON_ID]
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
    return path


async def bind(fake: FakeTelegram, chat_id: int, code: str, *, command: str = "bind") -> None:
    fake.group(chat_id, f"{code} 工作群")
    admin = Person(fake, fake.user(ADMIN_ID, "管理员"), chat_id)
    await admin.say(f"/{command} {code}", expect="已绑定")


def ref_of(submitted: dict) -> str:
    return submitted["text"].split("：")[1].split()[0]
