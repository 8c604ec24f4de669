"""The `gridline` command: clear failures, the import and the job runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    for name in ("BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("DEFAULT_LOCALE", "en")  # the tests match the English texts
    return tmp_path


def test_run_without_token_says_how_to_get_one() -> None:
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 1
    assert "BOT_TOKEN is not set" in result.output and "@BotFather" in result.output


def test_import_twice_is_idempotent() -> None:
    first = runner.invoke(app, ["import", str(ROOT / "examples" / "demo-county.yaml")])
    again = runner.invoke(app, ["import", str(ROOT / "examples" / "demo-county.yaml")])
    assert first.exit_code == 0 and again.exit_code == 0
    assert "Imported 7 grids, 10 categories, 3 staff, 2 stations, 4 deputies." in again.output


def test_import_rejects_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "grids:\n  - {code: A, name: 县, level: county, children: [{code: B, name: 村, level: village}]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(broken)])
    assert result.exit_code == 2 and "can only hold township" in result.output


def test_jobs_list_and_run() -> None:
    listed = runner.invoke(app, ["jobs", "list"])
    assert listed.exit_code == 0 and "outbox-prune" in listed.output
    ran = runner.invoke(app, ["jobs", "run", "outbox-prune", "--now", "2026-11-23T09:00"])
    assert ran.exit_code == 0 and "pruned 0" in ran.output
    assert "duty-day" in listed.output and "deputy-quarterly" in listed.output
    duty = runner.invoke(app, ["jobs", "run", "duty-day", "--now", "2026-12-10T08:30"])
    assert duty.exit_code == 0 and "duty-day: queued 0 reminders" in duty.output  # no deputy has linked yet
    unknown = runner.invoke(app, ["jobs", "run", "no-such-job"])
    assert unknown.exit_code == 2


def test_qr_code(tmp_path: Path) -> None:
    out = tmp_path / "qr.png"
    result = runner.invoke(app, ["qr", "GC01", "--bot", "gridline_bot", "--out", str(out)])
    assert result.exit_code == 0 and "start=g_GC01" in result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_invite_and_cards(tmp_path: Path) -> None:
    from PIL import Image

    qr = tmp_path / "invite.png"
    invited = runner.invoke(app, ["invite", "deputy", "D001", "--bot", "gridline_bot", "--out", str(qr)])
    assert invited.exit_code == 0, invited.output
    assert "张建国" in invited.output and "https://t.me/gridline_bot?start=i_" in invited.output
    assert qr.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert runner.invoke(app, ["invite", "worker", "NOPE", "--bot", "b"]).exit_code == 2
    assert runner.invoke(app, ["invite", "mayor", "GC01", "--bot", "b"]).exit_code == 2

    out = tmp_path / "cards"
    made = runner.invoke(app, ["cards", "--bot", "gridline_bot", "--out", str(out)])
    assert made.exit_code == 0, made.output
    assert "4 deputies, 8 files" in made.output
    with Image.open(out / "deputy-D001.png") as card:
        assert card.size == (1063, 638)
    pdf = (out / "deputy-D001.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf  # the CJK font is embedded
    assert b"NotoSansSC" in pdf
