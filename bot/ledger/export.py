"""The 台账 as an Excel workbook: the columns officials expect, long text wrapped, the header
frozen, dates as real Excel dates (local wall-clock time, Excel has no zones).

Written with XlsxWriter in constant-memory mode: row by row straight to disk, about three times
faster than openpyxl's write-only mode for the 100,000-row export (bench/bench_ledger.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

import xlsxwriter

from bot.domain.lifecycle import IssueStatus
from bot.followup.sla import SlaInput, figures
from bot.i18n import Translate
from bot.ledger.service import LedgerRow

# (column key, width); the order is that of the paper ledger.
COLUMNS = [
    ("ref", 14),
    ("received", 17),
    ("grid", 14),
    ("category", 11),
    ("description", 48),
    ("disposition", 11),
    ("unit", 18),
    ("responsible", 10),
    ("deadline", 17),
    ("status", 14),
    ("resolved", 17),
    ("overdue", 9),
    ("rating", 10),
    ("lookback", 12),  # 回访结果
]
# Follow-through (issue 18): the SLA moments and the 督办 level, after the paper ledger's columns.
COLUMNS += [("acknowledged", 17), ("reopened", 17), ("closed", 17), ("level", 10)]
# The 办理时效 sheet: the SLA figures per grid and per department.
SLA_COLUMNS = [
    ("unit", 18),
    ("kind", 10),
    ("received", 8),
    ("ack-median", 14),
    ("resolve-median", 14),
    ("on-time", 12),
    ("reopen", 10),
    ("lookback", 12),
]
DATE_FORMAT = "yyyy-mm-dd hh:mm"
EXCEL_EPOCH = datetime(1899, 12, 30)
DAY = timedelta(days=1)


class LedgerWriter:
    """The workbook, written in chunks as rows stream from the database (constant memory)."""

    def __init__(self, path: Path, *, t: Translate, tz: tzinfo, now: datetime) -> None:
        self.tz, self.now = tz, now
        # strings_to_formulas off: no text (a grid's or a citizen's) ever becomes a formula, even
        # through write_row; every cell below is written as the type it is.
        self.workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
        self.sheet = self.workbook.add_worksheet(t("ledger-sheet-title"))
        header = self.workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "top", "border": 1}
        )
        self.wrap = self.workbook.add_format({"text_wrap": True, "valign": "top"})
        top = self.workbook.add_format({"valign": "top"})
        self.dated = self.workbook.add_format({"num_format": DATE_FORMAT, "valign": "top"})
        for index, (_, width) in enumerate(COLUMNS):
            self.sheet.set_column(index, index, width, self.wrap if index == 4 else top)
        self.sheet.freeze_panes(1, 0)
        self.sheet.write_row(0, 0, [t(f"ledger-col-{key}") for key, _ in COLUMNS], header)
        self.followup_setup(t, header)
        self.status = {s: t(f"status-{s.value.replace('_', '-')}") for s in IssueStatus}
        self.overdue = {True: t("ledger-overdue-yes"), False: t("ledger-overdue-no")}
        self.disposition = {d: t(f"disposition-{d}") for d in ("explain", "handle", "assign")}
        self.rating = {r: t(f"ledger-rating-{r}") for r in ("satisfied", "basic", "unsatisfied")}
        self.lookback = {a: t(f"lookback-answer-{a.replace('_', '-')}") for a in ("solved", "not_solved", "unsure")}
        self.count = 0

    def serial(self, moment: datetime) -> float:
        # Excel's date serial of the local time; a number with a date format is a real date.
        return (moment.astimezone(self.tz).replace(tzinfo=None) - EXCEL_EPOCH) / DAY

    def add(self, rows: Iterable[LedgerRow]) -> None:
        dated, number, string = self.dated, self.sheet.write_number, self.sheet.write_string
        for row in rows:
            self.count += 1
            line = self.count
            string(line, 0, row.ref)
            number(line, 1, self.serial(row.created_at), dated)
            string(line, 2, row.grid)
            string(line, 3, row.category)
            string(line, 4, row.description, self.wrap)
            if row.disposition:
                string(line, 5, self.disposition[row.disposition.value])
            if row.unit:
                string(line, 6, row.unit)
            if row.responsible:
                string(line, 7, row.responsible)
            if row.deadline:
                number(line, 8, self.serial(row.deadline), dated)
            string(line, 9, self.status[row.status])
            if row.resolved_at:
                number(line, 10, self.serial(row.resolved_at), dated)
            self.followup_cells(line, row)
            string(line, 11, self.overdue[row.overdue(self.now)])
            if row.rating:
                string(line, 12, self.rating[row.rating.value])
            if row.lookback:
                string(line, 13, self.lookback[row.lookback])

    def close(self) -> int:
        # Filter buttons on the header row, over every row written (metadata, fine in constant memory).
        self.sheet.autofilter(0, 0, self.count, len(COLUMNS) - 1)
        self.sla_sheet()
        self.workbook.close()
        return self.count

    # -- the follow-through (issue 18) -----------------------------------------------------------

    def followup_setup(self, t: Translate, header: object) -> None:
        self.t, self.header = t, header
        self.column = {key: index for index, (key, _) in enumerate(COLUMNS)}
        self.level = {lv: t(f"level-{lv}") for lv in ("normal", "yellow", "red")}
        # The SLA figures per grid and per department, gathered as the rows stream by.
        self.sla_inputs: dict[tuple[str, str], list[SlaInput]] = {}

    def followup_cells(self, line: int, row: LedgerRow) -> None:
        """The SLA moments and the 督办 level of one row; its SLA input for the 办理时效 sheet."""
        for key, moment in (
            ("acknowledged", row.acknowledged_at),
            ("reopened", row.reopened_at),
            ("closed", row.closed_at),
        ):
            if moment:
                self.sheet.write_number(line, self.column[key], self.serial(moment), self.dated)
        self.sheet.write_string(line, self.column["level"], self.level.get(row.supervision_level, ""))
        item = SlaInput(
            row.created_at,
            row.acknowledged_at,
            row.resolved_at,
            row.deadline,
            row.status,
            row.reopen_count,
            row.lookback,
        )
        self.sla_inputs.setdefault(("grid", row.grid), []).append(item)
        if row.department:
            self.sla_inputs.setdefault(("department", row.department), []).append(item)

    def sla_sheet(self) -> None:
        """办理时效: the SLA figures of every grid and department in the export."""
        t = self.t
        sheet = self.workbook.add_worksheet(t("sla-sheet-title"))
        for index, (_, width) in enumerate(SLA_COLUMNS):
            sheet.set_column(index, index, width)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, [t(f"sla-col-{key}") for key, _ in SLA_COLUMNS], self.header)
        percent = self.workbook.add_format({"num_format": "0%"})
        hours = self.workbook.add_format({"num_format": "0.0"})
        ordered = sorted(self.sla_inputs.items(), key=lambda item: (item[0][0] != "grid", item[0][1]))
        for line, ((kind, name), items) in enumerate(ordered, start=1):
            unit = figures(name, kind, items)
            sheet.write_string(line, 0, name)
            sheet.write_string(line, 1, t(f"sla-kind-{kind}"))
            sheet.write_number(line, 2, unit.received)
            for column, value, style in (
                (3, unit.ack_median_hours, hours),
                (4, unit.resolve_median_hours, hours),
                (5, unit.on_time_rate, percent),
                (6, unit.reopen_rate, percent),
                (7, unit.lookback_solved_rate, percent),
            ):
                if value is None:
                    sheet.write_string(line, column, t("sla-none"))
                else:
                    sheet.write_number(line, column, value, style)


def write_ledger(rows: Iterable[LedgerRow], path: Path, *, t: Translate, tz: tzinfo, now: datetime) -> int:
    writer = LedgerWriter(path, t=t, tz=tz, now=now)
    writer.add(rows)
    return writer.close()
