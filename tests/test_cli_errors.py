"""Every ordinary mistake at the command line: one short line, a non-zero exit, no traceback, and
the database as it was (or not created at all)."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import Settings
from tests.fake_telegram import FakeTelegram
from tests.harness import RunningBot, make_settings

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("DEFAULT_LOCALE", "en")  # the tests match the English texts (test_cli_language.py: zh-CN)
    return tmp_path


def database(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def snapshot(path: Path) -> str:
    """Every row of every table (empty string: no database)."""
    if not path.exists():
        return ""
    with sqlite3.connect(path) as connection:
        return "\n".join(connection.iterdump())


@pytest.fixture
def prepared(tmp_path: Path) -> str:
    """A database made and filled with the demo county by an ordinary command; its snapshot."""
    made = runner.invoke(app, ["jobs", "run", "outbox-prune"])
    assert made.exit_code == 0, made.output
    return snapshot(database(tmp_path))


def refused(args: list[str], *, code: int = 2) -> str:
    """The one line a refused command prints (it exits `code`, handled, with no traceback)."""
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # handled, not a crash
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert len(lines[0].replace(os.getcwd(), "<tmp>")) <= 180, lines[0]  # short, but for our paths
    return lines[0]


def free_port() -> int:
    """A port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("BOT_TOKEN", "garbage", "BOT_TOKEN: not a bot token; expected the token from @BotFather"),
        ("TIMEZONE", "Not/AZone", "TIMEZONE: not a known time zone; expected a time zone name"),
        ("DEPUTY_POINTS", "{bad json", "DEPUTY_POINTS: not JSON"),
        ("DEPUTY_POINTS", '{"vist": 5}', "DEPUTY_POINTS: unknown action 'vist'"),
        ("DEFAULT_LOCALE", "xx", "DEFAULT_LOCALE: unknown locale 'xx'; expected one of en, zh-CN"),
        ("ADMIN_IDS", "12,abc", "ADMIN_IDS:"),
        ("DATABASE_URL", "mysql://db/gridline", "DATABASE_URL: not a database address"),
        ("TELEGRAM_API_BASE", "api.telegram.org", "TELEGRAM_API_BASE: not an http(s) address"),
        ("WECOM_API_BASE", "ftp://x", "WECOM_API_BASE: not an http(s) address"),
        ("WEBHOOK_URL", "bot.example.org", "WEBHOOK_URL: not an http(s) address"),
        ("WEBHOOK_PATH", "hook", "WEBHOOK_PATH: does not start with /"),
        ("WEBHOOK_PORT", "70000", "WEBHOOK_PORT:"),
        ("DEMO_ORG_FILE", "/no/such/county.yaml", "DEMO_ORG_FILE: no file"),
        ("DEPUTY_DUTY_DAY", "32", "DEPUTY_DUTY_DAY:"),
        ("DEPUTY_DAY_TIME", "25:99", "DEPUTY_DAY_TIME:"),
        ("DEPUTY_EVE_TIME", "evening", "DEPUTY_EVE_TIME:"),
        ("FLOOD_GROUP_PER_MINUTE", "0", "FLOOD_GROUP_PER_MINUTE:"),
        ("FLOOD_PRIVATE_PER_SECOND", "fast", "FLOOD_PRIVATE_PER_SECOND:"),
        ("SEND_TIMEOUT_SECONDS", "-1", "SEND_TIMEOUT_SECONDS:"),
        ("CITIZEN_REPORTS_PER_HOUR", "-5", "CITIZEN_REPORTS_PER_HOUR:"),
        ("DUE_SOON_WORKING_DAYS", "99", "DUE_SOON_WORKING_DAYS:"),
        ("TELEGRAM_START_RETRY_SECONDS", "-1", "TELEGRAM_START_RETRY_SECONDS:"),
        ("OPEN311_POSTS_PER_MINUTE", "0", "OPEN311_POSTS_PER_MINUTE:"),
        ("OPEN311_POSTS_PER_MINUTE", "2.5", "OPEN311_POSTS_PER_MINUTE:"),
        ("OPEN311_JURISDICTION", "city of x", "OPEN311_JURISDICTION: not a jurisdiction id"),
    ],
)
def test_a_bad_setting_is_named_with_its_expected_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # what DEFAULT_LOCALE=xx leaves to say it in
    monkeypatch.setenv(name, value)
    line = refused(["jobs", "run", "outbox-prune"])
    assert line.startswith(says), line
    assert "expected" in line, line
    if name == "BOT_TOKEN":
        assert value not in line  # a secret is never repeated
    assert not database(tmp_path).exists()


def test_a_bad_token_stops_run_before_anything_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456")  # the secret half is missing
    assert refused(["run"]).startswith("BOT_TOKEN: not a bot token")
    assert not database(tmp_path).exists()


# -- the database ------------------------------------------------------------------------------


def test_a_database_in_an_unwritable_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{blocker}/data/gridline.db")
    line = refused(["jobs", "run", "outbox-prune"], code=1)
    assert line.startswith(f"cannot open the database sqlite:///{blocker}/data/gridline.db: "), line
    assert blocker.read_text() == "not a folder"


def test_a_postgresql_database_that_does_not_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres:s3cret@127.0.0.1:5432/gridline_no_such_db")
    line = refused(["jobs", "run", "outbox-prune"], code=1)
    assert line == (
        "cannot open the database postgresql://postgres:***@127.0.0.1:5432/gridline_no_such_db: "
        'database "gridline_no_such_db" does not exist'
    )


def test_a_database_server_that_refuses_the_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/gridline")
    line = refused(["export", "ledger", "--out", "ledger.xlsx"], code=1)
    assert line.startswith("cannot open the database postgresql://postgres@127.0.0.1:1/gridline: "), line
    assert "refused" in line.lower() or "failed" in line.lower(), line
    assert not Path("ledger.xlsx").exists()


# -- the organisation file ---------------------------------------------------------------------


def test_malformed_yaml_names_the_file_and_the_line(tmp_path: Path, prepared: str) -> None:
    broken = tmp_path / "county.yaml"
    broken.write_text("grids:\n  - code: A\n    name: [县\n  - code: B\n", encoding="utf-8")
    line = refused(["import", str(broken)])
    assert line.startswith(f"{broken}, line 4, column "), line
    assert "not valid YAML" in line and "<unicode string>" not in line
    assert snapshot(database(tmp_path)) == prepared


# -- files the commands write ------------------------------------------------------------------


def test_export_into_a_missing_folder(tmp_path: Path, prepared: str) -> None:
    out = tmp_path / "missing" / "ledger.xlsx"
    line = refused(["export", "ledger", "--out", str(out)])
    assert line == f"cannot write {out}: the folder {out.parent} does not exist"
    assert not (tmp_path / "missing").exists()
    assert snapshot(database(tmp_path)) == prepared


def test_export_onto_a_folder(tmp_path: Path, prepared: str) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    assert refused(["export", "ledger", "--out", str(folder)]) == f"{folder} is a folder: give a file name for --out"
    assert list(folder.iterdir()) == []
    assert snapshot(database(tmp_path)) == prepared


def test_qr_with_a_bad_out(tmp_path: Path, prepared: str) -> None:
    out = tmp_path / "missing" / "qr.png"
    line = refused(["qr", "GC01", "--bot", "gridline_bot", "--out", str(out)])
    assert line == f"cannot write {out}: the folder {out.parent} does not exist"
    assert snapshot(database(tmp_path)) == prepared


def test_qr_refuses_an_unknown_grid(tmp_path: Path, prepared: str) -> None:
    out = tmp_path / "qr.png"
    assert refused(["qr", "NOPE", "--bot", "gridline_bot", "--out", str(out)]) == "No grid with code 'NOPE'."
    assert not out.exists()
    assert snapshot(database(tmp_path)) == prepared


def test_invite_with_a_bad_out_writes_no_invitation(tmp_path: Path, prepared: str) -> None:
    out = tmp_path / "missing" / "q.png"
    line = refused(["invite", "worker", "GC01", "--bot", "gridline_bot", "--out", str(out)])
    assert line == f"cannot write {out}: the folder {out.parent} does not exist"
    assert snapshot(database(tmp_path)) == prepared
    with sqlite3.connect(database(tmp_path)) as connection:
        assert connection.execute("select count(*) from invitation").fetchone() == (0,)


def test_invite_whose_qr_code_fails_to_write_takes_the_invitation_back(
    tmp_path: Path, prepared: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure the check beforehand cannot see (a full disk): the row made is removed again."""
    import segno

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(segno.QRCode, "save", full_disk)
    line = refused(["invite", "worker", "GC01", "--bot", "gridline_bot", "--out", str(tmp_path / "q.png")], code=1)
    assert line == f"cannot write {tmp_path / 'q.png'}: No space left on device"
    with sqlite3.connect(database(tmp_path)) as connection:
        assert connection.execute("select count(*) from invitation").fetchone() == (0,)


def test_cards_onto_a_file(tmp_path: Path, prepared: str) -> None:
    blocker = tmp_path / "cards.txt"
    blocker.write_text("mine")
    assert refused(["cards", "--bot", "gridline_bot", "--out", str(blocker)]) == (
        f"{blocker} is a file: give a folder for --out"
    )
    assert blocker.read_text() == "mine"
    assert snapshot(database(tmp_path)) == prepared


def test_cards_under_a_file(tmp_path: Path, prepared: str) -> None:
    blocker = tmp_path / "cards.txt"
    blocker.write_text("mine")
    line = refused(["cards", "--bot", "gridline_bot", "--out", str(blocker / "cards")])
    assert line == f"cannot make the folder {blocker / 'cards'}: {blocker} is a file"
    assert snapshot(database(tmp_path)) == prepared


def test_jobs_run_with_a_now_that_is_not_a_date(tmp_path: Path, prepared: str) -> None:
    line = refused(["jobs", "run", "duty-day", "--now", "notadate"])
    assert line == "--now 'notadate' is not a date and time: use ISO 8601, like 2026-12-10T08:30"
    assert snapshot(database(tmp_path)) == prepared


# -- Telegram out of reach ---------------------------------------------------------------------


def _gridline(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`gridline run` as an operator starts it, in a process of its own."""
    environment = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    environment.update(DATABASE_URL=f"sqlite:///{database(tmp_path)}", DEFAULT_LOCALE="en", **env)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path,
        env={**environment, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_when_telegram_cannot_be_reached_says_so_in_one_line(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{free_port()}"
    done = _gridline(tmp_path, BOT_TOKEN="123456:TEST", TELEGRAM_API_BASE=base, TELEGRAM_START_RETRY_SECONDS="0")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"cannot reach {base}: "), done.stderr
    assert "123456:TEST" not in done.stderr + done.stdout
    assert [line for line in done.stderr.splitlines() if "cannot reach" in line] == [last]
    assert not database(tmp_path).exists()  # nothing was created


def test_run_retries_with_backoff_at_start_then_exits(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{free_port()}"
    done = _gridline(tmp_path, BOT_TOKEN="123456:TEST", TELEGRAM_API_BASE=base, TELEGRAM_START_RETRY_SECONDS="4")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    tries = [line for line in done.stderr.splitlines() if f"cannot reach {base}" in line]
    # 1 s, then 2 s; a third wait of 4 s would end after the 4 s allowed: the last line says why
    assert "(attempt 1, next in 1 s)" in tries[0] and "(attempt 2, next in 2 s)" in tries[1], tries
    assert len(tries) == 3 and tries[2].startswith(f"cannot reach {base}: "), tries
    assert not database(tmp_path).exists()


async def test_a_running_bot_that_loses_the_network_keeps_trying(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeTelegram(bot_username="gridline_test_bot")
    await fake.start()
    running = RunningBot(make_settings(tmp_path, fake), fake)
    await running.start()
    base = fake.base_url
    try:
        with caplog.at_level(logging.INFO, logger="bot.polling"):
            await fake.stop()  # the network is gone: nothing listens on the port any more
            await asyncio.sleep(4.5)
            assert running._task is not None and not running._task.done()  # still polling
        lines = [r.getMessage() for r in caplog.records if r.name == "bot.polling"]
        assert lines and all(line.startswith(f"cannot reach {base}: ") for line in lines), lines
        assert "(attempt 1, next in 1 s)" in lines[0] and "(attempt 2, next in 2 s)" in lines[1], lines
        assert 2 <= len(lines) <= 4, lines  # one line per attempt, 1 s, 2 s, 4 s apart
        assert not any("Traceback" in (r.exc_text or "") or r.exc_info for r in caplog.records)
    finally:
        await running.stop()


async def test_a_token_telegram_refuses_is_one_line_before_anything_is_created(tmp_path: Path) -> None:
    from bot.app import Gridline
    from bot.telegram.reach import TelegramUnreachable
    from tests.fake_telegram.model import Fault

    async with FakeTelegram(bot_username="gridline_test_bot") as fake:
        fake.inject(Fault(method="getMe", error_code=401, times=None))
        settings = make_settings(tmp_path, fake)
        with pytest.raises(TelegramUnreachable) as refused_token:
            await Gridline(settings).run_polling(handle_signals=False)
    assert str(refused_token.value) == f"{fake.base_url} refuses BOT_TOKEN (401 Unauthorized): check the token"
    assert not (tmp_path / "gridline.db").exists()


async def test_run_with_a_database_that_refuses_is_one_line(tmp_path: Path, fake: FakeTelegram) -> None:
    environment = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    environment.update(
        BOT_TOKEN="123456:TEST",
        TELEGRAM_API_BASE=fake.base_url,
        DATABASE_URL="postgresql://postgres@127.0.0.1:1/gridline",
        DEFAULT_LOCALE="en",
        PYTHONPATH=str(ROOT),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=tmp_path, env=environment, stderr=subprocess.PIPE
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    stderr = err.decode()
    assert process.returncode == 1 and "Traceback" not in stderr and "Unclosed" not in stderr, stderr
    assert (
        stderr.strip()
        .splitlines()[-1]
        .startswith("cannot open the database postgresql://postgres@127.0.0.1:1/gridline: ")
    )
