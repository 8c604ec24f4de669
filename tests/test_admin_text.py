"""Text that administrators (and citizens, deputies) control stays text: escaped in HTML messages
(the /stats caption, /export's unknown grid), a string in every Excel file even when it starts
with = + - @, and never printed as a local variable by typer."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from bot.config import Settings
from bot.deputies.report import PointsRow, workbook
from bot.domain.lifecycle import IssueStatus
from bot.i18n import Translator
from bot.ledger.export import COLUMNS, write_ledger
from bot.ledger.service import LedgerRow
from tests.fake_telegram import FakeTelegram
from tests.harness import ADMIN_ID, Person, RunningBot, make_settings
from tests.triage_helpers import org_file

COUNTY = "城口县<联络处> & Co"
FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture
def settings(tmp_path: Path, fake: FakeTelegram) -> Settings:
    path = org_file(tmp_path)
    org = yaml.safe_load(path.read_text(encoding="utf-8"))
    org["grids"][0]["name"] = COUNTY
    path.write_text(yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
    return make_settings(tmp_path, fake, demo_org_file=path)


async def test_stats_caption_escapes_the_grid_name(running: RunningBot, fake: FakeTelegram) -> None:
    mark = fake.mark()
    await fake.send_text(fake.user(ADMIN_ID, "管理员"), "/stats 7")
    sent = await fake.wait_for("sendPhoto", chat_id=ADMIN_ID, since=mark, ok=True, timeout=20)
    assert sent.result["caption"].startswith(f"{COUNTY} 挂图作业")  # shown literally, not parsed


async def test_export_names_an_unknown_grid_literally(running: RunningBot, fake: FakeTelegram) -> None:
    admin = Person(fake, fake.user(ADMIN_ID, "管理员"))
    answer = await admin.say("/export GC<01>&", expect="没有找到编码为「GC<01>&」的网格")
    assert "GC&lt;01&gt;&amp;" not in answer["text"]  # escaped once, not twice


def test_deputies_workbook_writes_formula_like_names_as_text() -> None:
    rows = [
        PointsRow(n, f"D{n}", name, "县", name, (1, 2, 3), {"visit": 5}) for n, name in enumerate(FORMULAS, start=1)
    ]
    content = workbook(rows, year=2026, quarter=3, actions=["visit"])
    sheet = load_workbook(io.BytesIO(content)).active
    names = [(row[2].value, row[2].data_type, row[4].value, row[4].data_type) for row in sheet.iter_rows(min_row=2)]
    assert sorted(names) == sorted((name, "s", name, "s") for name in FORMULAS)
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # no formula anywhere in the file


def _ledger_row(n: int, text: str) -> LedgerRow:
    return LedgerRow(
        id=n,
        ref=f"GL-2611-{n:04d}",
        created_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
        grid=text,
        category="环境卫生",
        description=text,
        disposition=None,
        unit=text,
        responsible=text,
        deadline=None,
        status=IssueStatus.RECEIVED,
        resolved_at=None,
        rating=None,
    )


def test_ledger_workbook_keeps_text_as_text_and_filters_its_header(tmp_path: Path) -> None:
    out = tmp_path / "ledger.xlsx"
    t = Translator().bind(None)
    rows = [_ledger_row(n, text) for n, text in enumerate(FORMULAS, start=1)]
    assert write_ledger(rows, out, t=t, tz=UTC, now=datetime(2026, 11, 3, tzinfo=UTC)) == len(FORMULAS)
    sheet = load_workbook(out).active
    for row, text in zip(sheet.iter_rows(min_row=2), FORMULAS, strict=True):
        assert [(row[i].value, row[i].data_type) for i in (2, 4, 6, 7)] == [(text, "s")] * 4
    last_column = chr(ord("A") + len(COLUMNS) - 1)
    assert sheet.auto_filter.ref == f"A1:{last_column}{len(FORMULAS) + 1}"
    assert "<f>" not in zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()


def test_typer_never_prints_local_variables() -> None:
    from bot.cli import app, export_app, jobs_app, wecom_app

    for typer_app in (app, jobs_app, export_app, wecom_app):
        assert typer_app.pretty_exceptions_show_locals is False
