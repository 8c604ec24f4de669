"""履职积分 every quarter: each deputy's monthly totals, and the table of all deputies (also as an
Excel file) for the administrators."""

from __future__ import annotations

import base64
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, tzinfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deputies import calendar
from storage.models import Deputy, PointEntry, Station


@dataclass(frozen=True)
class PointsRow:
    deputy_id: int
    code: str
    name: str
    level: str
    station: str
    months: tuple[int, int, int]
    by_action: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.months)


def _start(year: int, month: int, tz: tzinfo) -> datetime:
    return datetime.combine(datetime(year, month, 1).date(), time(0), tzinfo=tz)


async def quarter_table(session: AsyncSession, *, year: int, quarter: int, tz: tzinfo) -> list[PointsRow]:
    """Every deputy (points or not), highest total first; months in the configured time zone."""
    months = calendar.quarter_months(year, quarter)
    start = _start(*months[0], tz)
    end = _start(*calendar.shift_month(*months[-1], 1), tz)
    entries = (
        await session.exec(select(PointEntry).where(col(PointEntry.at) >= start, col(PointEntry.at) < end))
    ).all()
    per_month: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    per_action: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entry in entries:
        local = entry.at.astimezone(tz)
        per_month[entry.deputy_id][months.index((local.year, local.month))] += entry.points
        per_action[entry.deputy_id][entry.action] += entry.points
    query = select(Deputy, Station).outerjoin(Station, col(Station.id) == Deputy.station_id).order_by(col(Deputy.code))
    rows = [
        PointsRow(
            d.id,
            d.code,
            d.name,
            d.level,
            st.name if st else "",
            tuple(per_month[d.id]),  # type: ignore[arg-type]
            dict(per_action[d.id]),
        )
        for d, st in (await session.exec(query)).all()
        if d.id is not None
    ]
    return sorted(rows, key=lambda r: (-r.total, r.code))


def workbook(rows: list[PointsRow], *, year: int, quarter: int, actions: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = calendar.quarter_label(year, quarter)
    months = [f"{y}-{m:02d}" for y, m in calendar.quarter_months(year, quarter)]
    header = ["排名", "代码", "代表", "层级", "联络站", *months, "合计", *actions]
    _append(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for rank, row in enumerate(rows, start=1):
        _append(
            sheet,
            [
                rank,
                row.code,
                row.name,
                row.level,
                row.station,
                *row.months,
                row.total,
                *(row.by_action.get(a, 0) for a in actions),
            ],
        )
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDE", (6, 10, 12, 8, 28), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append(sheet: Worksheet, values: list[object]) -> None:
    """A row whose text stays text: openpyxl would store a name starting with "=" (an administrator's
    or a deputy's) as a formula, which Excel runs on opening."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def upload(content: bytes, filename: str) -> dict[str, str]:
    """A file as the outbox stores it (the sender turns it back into an upload)."""
    return {"upload": base64.b64encode(content).decode("ascii"), "filename": filename}
