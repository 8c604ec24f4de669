"""Small things a newcomer tripped on: the ledger benchmark at small sizes, the quarterly job's log
on a fresh database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.bench_ledger import seed, time_pages
from bot.cli import app
from bot.config import Settings
from storage.database import Database


@pytest.mark.parametrize(("issues", "grids"), [(300, 10), (300, 200), (5, 3)])
async def test_bench_ledger_runs_at_small_sizes(tmp_path: Path, issues: int, grids: int) -> None:
    """`--issues 300 --grids 10` crashed (no village left), `--grids 200 --issues 300` failed its
    check (the first village had no open issue)."""
    path = tmp_path / "bench.db"
    chosen = seed(path, issues=issues, grids=grids)
    assert set(chosen) == {"county", "township", "village"}
    assert chosen["village"][1] >= 1  # the village timed has something to show
    db = Database(f"sqlite:///{path}")
    try:
        pages = await time_pages(db, chosen)
    finally:
        await db.dispose()
    assert len(pages) == 3


def test_quarterly_on_a_fresh_database_does_not_claim_a_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    ran = CliRunner().invoke(app, ["jobs", "run", "deputy-quarterly", "--now", "2026-12-15T09:00"])
    assert ran.exit_code == 0, ran.output
    assert "was reported" not in ran.output
    assert ran.output.strip() == (
        "deputy-quarterly: 现在没有要发的（2026Q3 的季度积分应在本季度第一周发送，未发送过）"
    ), ran.output  # DEFAULT_LOCALE, zh-CN unless set
