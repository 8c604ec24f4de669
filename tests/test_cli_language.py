"""The command line speaks DEFAULT_LOCALE (zh-CN unless set): the same mistakes as in
test_cli_errors.py answer in Chinese, in one line, with a non-zero exit and nothing written. A
DEFAULT_LOCALE that is itself wrong is answered in LANG's language, if there are texts for it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp.test_utils import unused_port
from typer.testing import CliRunner

from bot.cli import app
from bot.config import Settings

runner = CliRunner()
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    # An English terminal: the default locale, not LANG, decides while the settings can be read.
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    return tmp_path


def refused(args: list[str], *, code: int = 2) -> str:
    """The one line a refused command prints (it exits `code`, handled, with no traceback)."""
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def chinese(line: str) -> str:
    assert CHINESE.search(line), line
    return line


@pytest.fixture
def prepared(tmp_path: Path) -> Path:
    made = runner.invoke(app, ["jobs", "run", "outbox-prune"])
    assert made.exit_code == 0, made.output
    return tmp_path / "cli.db"


def test_a_bad_setting_names_it_literally_in_a_chinese_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIMEZONE", "Not/AZone")
    line = chinese(refused(["jobs", "run", "outbox-prune"]))
    assert line == "TIMEZONE：不是已知的时区；应填写：时区名称，如 Asia/Shanghai"
    assert not (tmp_path / "cli.db").exists()


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("BOT_TOKEN", "garbage", "BOT_TOKEN：不是机器人令牌；应填写：@BotFather 给的令牌"),
        ("ADMIN_IDS", "12,abc", "ADMIN_IDS：不是 Telegram 用户 ID：'abc'"),
        ("WEBHOOK_PORT", "70000", "WEBHOOK_PORT：应小于或等于 65535；应填写：1 到 65535 的端口号"),
        ("FLOOD_PRIVATE_PER_SECOND", "fast", "FLOOD_PRIVATE_PER_SECOND：不是数字；应填写：大于 0 的数"),
        ("DEPUTY_POINTS", '{"vist": 5}', "DEPUTY_POINTS：未知的履职行为 'vist'"),
        ("FLOOD_GROUP_PER_MINUTE", "5", "GROUP_CARD_RESERVE_PER_MINUTE 必须小于 FLOOD_GROUP_PER_MINUTE（6 >= 5）"),
    ],
)
def test_bad_settings_in_chinese(monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str) -> None:
    monkeypatch.setenv(name, value)
    line = chinese(refused(["jobs", "run", "outbox-prune"]))
    assert line.startswith(says), line
    if name == "BOT_TOKEN":
        assert value not in line


def test_a_bad_out_in_chinese(tmp_path: Path, prepared: Path) -> None:
    out = tmp_path / "missing" / "ledger.xlsx"
    assert refused(["export", "ledger", "--out", str(out)]) == f"无法写入 {out}：文件夹 {out.parent} 不存在"
    assert not out.parent.exists()


def test_a_bad_date_in_chinese(tmp_path: Path) -> None:
    line = chinese(refused(["export", "ledger", "--out", str(tmp_path / "l.xlsx"), "--from", "2026-13-01"]))
    assert line.startswith("不是日期（YYYY-MM-DD）："), line
    assert not (tmp_path / "l.xlsx").exists() and not (tmp_path / "cli.db").exists()


def test_a_bad_now_in_chinese(prepared: Path) -> None:
    line = refused(["jobs", "run", "duty-day", "--now", "notadate"])
    assert line == "--now 'notadate' 不是日期时间：请用 ISO 8601 格式，如 2026-12-10T08:30"


def test_an_unknown_grid_in_chinese(tmp_path: Path, prepared: Path) -> None:
    out = tmp_path / "qr.png"
    assert refused(["qr", "NOPE", "--bot", "gridline_bot", "--out", str(out)]) == "没有代码为 'NOPE' 的网格。"
    assert refused(["export", "ledger", "--out", str(tmp_path / "l.xlsx"), "--grid", "NOPE"]) == (
        "没有代码为 'NOPE' 的网格。"
    )
    assert not out.exists()


def test_an_unknown_invitation_target_and_a_bad_robot_key_in_chinese(prepared: Path) -> None:
    assert refused(["invite", "worker", "NOPE", "--bot", "b"]) == "没有网格 'NOPE'"
    assert chinese(refused(["wecom", "set", "GC01", "not-a-key"])).startswith("不是企业微信机器人密钥")


def test_a_database_that_cannot_be_opened_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{blocker}/data/gridline.db")
    line = refused(["jobs", "run", "outbox-prune"], code=1)
    assert line.startswith(f"无法打开数据库 sqlite:///{blocker}/data/gridline.db："), line
    assert blocker.read_text() == "not a folder"


def test_run_without_a_token_explains_in_chinese() -> None:
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "未设置 BOT_TOKEN" in result.output and "@BotFather" in result.output


def test_run_when_telegram_cannot_be_reached_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    base = f"http://127.0.0.1:{unused_port()}"
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("TELEGRAM_API_BASE", base)
    monkeypatch.setenv("TELEGRAM_START_RETRY_SECONDS", "0")
    line = refused(["run"], code=1)
    assert line.startswith(f"无法连接 {base}："), line


def test_what_went_well_is_said_in_chinese_too(tmp_path: Path) -> None:
    imported = runner.invoke(app, ["import", str(Path(__file__).parents[1] / "examples" / "demo-county.yaml")])
    assert imported.exit_code == 0, imported.output
    assert imported.output.strip() == "已导入 7 个网格、10 个诉求类别、3 名工作人员、2 个联络站、4 名代表。"


# -- which language -----------------------------------------------------------------------------


def test_default_locale_en_answers_in_english_even_when_another_setting_is_wrong(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    monkeypatch.setenv("TIMEZONE", "Not/AZone")
    assert refused(["jobs", "run", "outbox-prune"]) == (
        "TIMEZONE: not a known time zone; expected a time zone name such as Asia/Shanghai"
    )


def test_default_locale_is_read_from_the_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("DEFAULT_LOCALE=en\n", encoding="utf-8")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert refused(["jobs", "run", "no-such-job"]).startswith("No job named 'no-such-job'. Jobs: ")


def test_an_invalid_default_locale_answers_in_the_language_of_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAULT_LOCALE", "xx")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert refused(["jobs", "run", "outbox-prune"]) == "DEFAULT_LOCALE: unknown locale 'xx'; expected one of en, zh-CN"


@pytest.mark.parametrize("lang", ["fr_FR.UTF-8", "C.UTF-8", "zh_CN.UTF-8", None])
def test_an_invalid_default_locale_without_an_english_lang_answers_in_chinese(
    monkeypatch: pytest.MonkeyPatch, lang: str | None
) -> None:
    monkeypatch.setenv("DEFAULT_LOCALE", "xx")
    if lang is None:
        monkeypatch.delenv("LANG")
    else:
        monkeypatch.setenv("LANG", lang)
    assert refused(["jobs", "list"]) == "DEFAULT_LOCALE：未知的语言 'xx'；应填写：en, zh-CN 之一"


def test_each_command_settles_its_language_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    assert refused(["jobs", "run", "no-such-job"]).startswith("No job named")
    monkeypatch.delenv("DEFAULT_LOCALE")
    assert refused(["jobs", "run", "no-such-job"]).startswith("没有名为 'no-such-job' 的任务")
