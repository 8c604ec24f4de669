"""The 台账 as an Excel workbook: the columns officials expect, long text wrapped, the header
frozen, dates as real Excel dates (local time). Write-only mode keeps 100,000 rows fast."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.i18n import Translate
from bot.issues.lifecycle import IssueStatus
from bot.ledger.service import LedgerRow

# (column key, width); the order is that of the paper ledger.
COLUMNS = [
    ("ref", 14), ("received", 17), ("grid", 14), ("category", 11), ("description", 48), ("disposition", 11),
    ("unit", 18), ("responsible", 10), ("deadline", 17), ("status", 14), ("resolved", 17), ("overdue", 9),
    ("rating", 10),
]
DATE_FORMAT = "yyyy-mm-dd hh:mm"
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _local(moment: datetime | None, tz: tzinfo) -> datetime | None:
    # Excel has no time zones: write the local wall-clock time officials read.
    return moment.astimezone(tz).replace(tzinfo=None) if moment else None


def write_ledger(rows: Iterable[LedgerRow], path: Path, *, t: Translate, tz: tzinfo, now: datetime) -> int:
    workbook = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = workbook.create_sheet(t("ledger-sheet-title"))
    letters = "ABCDEFGHIJKLM"
    for letter, (_, width) in zip(letters, COLUMNS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    header = []
    for key, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=t(f"ledger-col-{key}"))
        cell.font, cell.fill, cell.alignment = header_font, header_fill, WRAP
        header.append(cell)
    sheet.append(header)

    def dated(moment: datetime | None) -> WriteOnlyCell | None:
        if moment is None:
            return None
        cell = WriteOnlyCell(sheet, value=_local(moment, tz))
        cell.number_format, cell.alignment = DATE_FORMAT, TOP
        return cell

    labels = {
        "status": {s: t(f"status-{s.value.replace('_', '-')}") for s in IssueStatus},
        "yes": t("ledger-overdue-yes"),
        "no": t("ledger-overdue-no"),
    }
    count = 0
    for row in rows:
        description = WriteOnlyCell(sheet, value=row.description)
        description.alignment = WRAP
        sheet.append([
            row.ref, dated(row.created_at), row.grid, row.category, description,
            t(f"disposition-{row.disposition.value}") if row.disposition else "",
            row.unit, row.responsible, dated(row.deadline), labels["status"][row.status], dated(row.resolved_at),
            labels["yes"] if row.overdue(now) else labels["no"],
            t(f"ledger-rating-{row.rating.value}") if row.rating else "",
        ])
        count += 1
    workbook.save(path)
    return count
