"""WeCom (企业微信) group robots: set up from the command line, delivered by the outbox through the
WeCom transport to a fake WeCom endpoint, paced to 20 a minute a robot, the key kept secret."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app as cli
from storage.database import Database
from storage.models import WeComRobot

KEY = "25e1862e-d324-4a27-b3a8-beb71dae1597"
OTHER_KEY = "9b0c3d4e-aaaa-4bbb-8ccc-0123456789ab"

runner = CliRunner()


# -- the command line --------------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    for name in ("BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS"):
        monkeypatch.delenv(name, raising=False)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _robots(url: str) -> list[WeComRobot]:
    async def read() -> list[WeComRobot]:
        db = Database(url)
        try:
            await db.create_all()
            async with db.session() as s:
                return list((await s.exec(select(WeComRobot))).all())
        finally:
            await db.dispose()

    return asyncio.run(read())


def test_cli_set_list_and_remove(cli_db: str) -> None:
    added = runner.invoke(cli, ["wecom", "set", "GC01", KEY])
    assert added.exit_code == 0, added.output
    assert "grid GC01 南大街社区" in added.output and "25e1****1597" in added.output
    url = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={OTHER_KEY}"
    department = runner.invoke(cli, ["wecom", "set", "CK-SW", url])  # the whole address will do
    assert department.exit_code == 0, department.output
    from_stdin = runner.invoke(cli, ["wecom", "set", "GC01", "-"], input=OTHER_KEY + "\n")  # a new key
    assert from_stdin.exit_code == 0 and "New key" in from_stdin.output

    listed = runner.invoke(cli, ["wecom", "list"])
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[:3] == ["grid", "GC01", "9b0c****89ab"] and "南大街社区" in lines[0]
    assert lines[1].split()[:3] == ["department", "CK-SW", "9b0c****89ab"] and "县水务局" in lines[1]
    assert KEY not in listed.output and OTHER_KEY not in listed.output + added.output + department.output

    robots = _robots(cli_db)
    assert sorted((r.grid_id is None, r.key) for r in robots) == [(False, OTHER_KEY), (True, OTHER_KEY)]

    removed = runner.invoke(cli, ["wecom", "remove", "GC01"])
    assert removed.exit_code == 0 and "GC01" in removed.output
    assert [r.department_id is not None for r in _robots(cli_db)] == [True]
    assert "GC01" not in runner.invoke(cli, ["wecom", "list"]).output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["set", "NOPE", KEY], "No grid or department with code 'NOPE'"),
        (["set", "GC01", "not-a-key"], "not a WeCom robot key"),
        (["set", "GC01", KEY[:-1]], "not a WeCom robot key"),
        (["set", "GC01", KEY.replace("-", "_")], "not a WeCom robot key"),
        (["set", "GC01", f"https://example.com/cgi-bin/webhook/send?key={KEY}"], "not a WeCom robot webhook address"),
        (["set", "GC01", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?id=1"], "has no key"),
        (["remove", "NOPE"], "No grid or department with code 'NOPE'"),
        (["remove", "GC02"], "GC02 has no WeCom robot"),
    ],
)
def test_cli_refuses_bad_input_in_one_line(cli_db: str, args: list[str], says: str) -> None:
    result = runner.invoke(cli, ["wecom", *args])
    assert result.exit_code == 2
    assert says in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert _robots(cli_db) == []  # nothing written
    if "key" in says:
        assert KEY[-12:] not in result.output  # a mistyped key is not echoed either
