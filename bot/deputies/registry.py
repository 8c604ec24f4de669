"""The deputies and stations of the organisation file, imported by code (idempotent)."""

from __future__ import annotations

from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.organisation.schema import OrganisationFile
from storage.models import Deputy, DeputyGrid, Station


async def import_deputies(session: AsyncSession, org: OrganisationFile, grid_ids: dict[str, int]) -> None:
    stations = {s.code: s for s in (await session.exec(select(Station))).all()}
    for spec in org.stations:
        station = stations.get(spec.code) or Station(code=spec.code, name=spec.name)
        station.name, station.duty_day = spec.name, spec.duty_day
        session.add(station)
        await session.flush()
        stations[spec.code] = station

    deputies = {d.code: d for d in (await session.exec(select(Deputy))).all()}
    for spec in org.deputies:
        deputy = deputies.get(spec.code) or Deputy(code=spec.code, name=spec.name, level=spec.level)
        deputy.name, deputy.level, deputy.duty_day, deputy.phone = spec.name, spec.level, spec.duty_day, spec.phone
        deputy.station_id = stations[spec.station].id if spec.station else None
        session.add(deputy)
        await session.flush()
        # The file is the truth for the constituency: replace it. The Telegram link stays.
        await session.exec(delete(DeputyGrid).where(DeputyGrid.deputy_id == deputy.id))  # type: ignore[call-overload]
        for code in dict.fromkeys(spec.constituency):
            assert deputy.id is not None
            session.add(DeputyGrid(deputy_id=deputy.id, grid_id=grid_ids[code]))
