"""GeoReport v2 onto Gridline: the service list (服务清单) as services, issues as service requests.

No Telegram here: plain queries and the issue flow. What a request shows is public by design — the
category, the text, where and how far it got — and never who reported it (no name, phone, account
or Telegram id); timeline lines name staff, never the citizen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import local_text
from bot.domain.enums import ActorRole, EventKind, GridLevel
from bot.domain.lifecycle import IssueStatus
from bot.issues.draft import MAX_DESCRIPTION, IssueDraft
from bot.issues.service import Actor
from bot.organisation.service import grid_path
from bot.privacy import ERASED_CITIZEN
from bot.triage import service as triage
from storage.models import Category, Department, Grid, Issue, IssueEvent

if TYPE_CHECKING:
    from bot.services import Services

MAX_DAYS = 90  # the spec's suggested widest date range, and the default window
MAX_ROWS = 1000  # the spec's suggested most requests in one answer
CLOSED = frozenset({IssueStatus.RESOLVED, IssueStatus.CLOSED})
GRID_ATTRIBUTE = "grid"
# An issue that came through the API has no Telegram account behind it: like an erased citizen's,
# nobody is pushed progress (the client polls GET requests instead).
API_CITIZEN = ERASED_CITIZEN
# Timeline entries that say something about the issue's handling (a full number looked at does not).
PUBLIC_EVENTS = frozenset(EventKind) - {EventKind.PHONE_VIEWED}


class Refused(Exception):
    """A request the spec answers with an error: HTTP status and a description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass(frozen=True)
class Query:
    ids: list[str]
    service_codes: list[str]
    start: datetime | None
    end: datetime | None
    status: set[str]


class GeoReport:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.tz = services.settings.tz
        self.t = services.translator.bind(None)

    def _time(self, moment: datetime | None) -> str | None:
        return moment.astimezone(self.tz).isoformat(timespec="seconds") if moment else None

    # -- services -------------------------------------------------------------------------------

    async def services_list(self) -> list[dict[str, Any]]:
        async with self.services.db.session() as s:
            rows = (await s.exec(select(Category).order_by(col(Category.position)))).all()
        return [
            {
                "service_code": c.code,
                "service_name": c.name,
                "description": c.description,
                "metadata": True,  # the grid is asked for: see the definition
                "type": "realtime",
                "keywords": "",
                "group": "网格服务",
            }
            for c in rows
        ]

    async def definition(self, code: str) -> dict[str, Any]:
        async with self.services.db.session() as s:
            category = await _category(s, code)
            grids = await _villages(s)
            values = [{"key": g.code, "name": " / ".join(p.name for p in await grid_path(s, g.id))} for g in grids]
        return {
            "service_code": category.code,
            "attributes": [
                {
                    "variable": True,
                    "code": GRID_ATTRIBUTE,
                    "datatype": "singlevaluelist",
                    "required": True,
                    "datatype_description": "诉求所在的村（社区）网格",
                    "order": 1,
                    "description": "所在网格",
                    "values": values,
                }
            ],
        }

    # -- requests -------------------------------------------------------------------------------

    async def find(self, query: Query) -> list[dict[str, Any]]:
        now = self.services.clock.now()
        async with self.services.db.session() as s:
            statement = select(Issue)
            if query.ids:
                statement = statement.where(col(Issue.ref).in_(query.ids[:MAX_ROWS]))
            else:
                end = query.end or now
                start = query.start or end - timedelta(days=MAX_DAYS)
                if start > end:
                    raise Refused(400, "start_date is after end_date")
                if end - start > timedelta(days=MAX_DAYS):
                    raise Refused(400, f"the date range may not exceed {MAX_DAYS} days")
                statement = statement.where(col(Issue.created_at) >= start, col(Issue.created_at) <= end)
                if query.service_codes:
                    codes = select(Category.id).where(col(Category.code).in_(query.service_codes))
                    statement = statement.where(col(Issue.category_id).in_(codes))
                if query.status == {"open"}:
                    statement = statement.where(col(Issue.status).not_in(CLOSED))
                elif query.status == {"closed"}:
                    statement = statement.where(col(Issue.status).in_(CLOSED))
            rows = (await s.exec(statement.order_by(col(Issue.created_at).desc()).limit(MAX_ROWS))).all()
            return [await self._request(s, issue) for issue in rows]

    async def one(self, ref: str) -> list[dict[str, Any]]:
        async with self.services.db.session() as s:
            issue = (await s.exec(select(Issue).where(Issue.ref == ref))).first()
            if issue is None:
                raise Refused(404, f"no service request {ref}")
            return [await self._request(s, issue)]

    async def _request(self, s: AsyncSession, issue: Issue) -> dict[str, Any]:
        assert issue.id is not None
        category = await s.get(Category, issue.category_id)
        path = await grid_path(s, issue.grid_id)
        events = (
            await s.exec(
                select(IssueEvent)
                .where(IssueEvent.issue_id == issue.id, col(IssueEvent.kind).in_(PUBLIC_EVENTS))
                .order_by(col(IssueEvent.id))
            )
        ).all()
        last = events[-1].at if events else issue.updated_at
        return {
            "service_request_id": issue.ref,
            "status": "closed" if issue.status in CLOSED else "open",
            "status_notes": self._notes(issue, events),
            "service_name": category.name if category else None,
            "service_code": category.code if category else None,
            "description": issue.description,
            "agency_responsible": await self._agency(s, issue),
            "service_notice": None,
            "requested_datetime": self._time(issue.created_at),
            "updated_datetime": self._time(max(issue.updated_at, last)),
            "expected_datetime": self._time(issue.deadline),
            "address": " / ".join(g.name for g in path),
            "address_id": path[-1].code if path else None,
            "zipcode": None,
            "lat": issue.latitude,
            "long": issue.longitude,
            "media_url": None,
        }

    def _notes(self, issue: Issue, events: Iterable[IssueEvent]) -> str:
        """The timeline, a line per step; staff by name, the citizen only as 群众."""
        lines = []
        for event in events:
            staff = event.actor_role not in (ActorRole.CITIZEN,)
            who = (event.actor_name if staff else None) or self.t("open311-citizen")
            key = "event-" + event.kind.value.replace("_", "-")
            lines.append(self.t(key, time=local_text(event.at, self.tz), who=who))
        if issue.resolution_note and issue.status in CLOSED:
            lines.append(self.t("open311-resolution", note=issue.resolution_note))
        return "\n".join(lines)

    async def _agency(self, s: AsyncSession, issue: Issue) -> str | None:
        """The department it is assigned to, else the grid level holding it."""
        if issue.department_id is not None:
            department = await s.get(Department, issue.department_id)
            if department is not None:
                return department.name
        holder = await s.get(Grid, triage.holder_grid_id(issue))
        return holder.name if holder else None

    async def create(self, *, client: str, form: dict[str, str]) -> list[dict[str, Any]]:
        """POST requests: into the grid's normal flow, as a citizen's report would go."""
        code = form.get("service_code", "").strip()
        grid_code = (form.get(f"attribute[{GRID_ATTRIBUTE}]") or form.get("address_id") or "").strip()
        description = (form.get("description") or "").strip()
        if not description:
            raise Refused(400, "description is required")
        if len(description) > MAX_DESCRIPTION:
            raise Refused(400, f"description is longer than {MAX_DESCRIPTION} characters")
        location = _location(form.get("lat"), form.get("long"))
        phone = (form.get("phone") or "").strip()[:32] or None
        async with self.services.db.session() as s:
            category = await _category(s, code)
            grid = (await s.exec(select(Grid).where(Grid.code == grid_code, Grid.level == GridLevel.VILLAGE))).first()
            if grid is None or grid.id is None:
                raise Refused(
                    400, f"attribute[{GRID_ATTRIBUTE}] must be the code of a village grid (GET services/{code})"
                )
            assert category.id is not None
            draft = IssueDraft(
                grid_id=grid.id, category_id=category.id, description=description, location=location, phone=phone
            )
        summary = await self.services.flows.submit(
            draft=draft, citizen=Actor(ActorRole.CITIZEN, API_CITIZEN, self.t("open311-via", client=client[:50]))
        )
        return [{"service_request_id": summary.ref, "service_notice": self.t("open311-notice"), "account_id": None}]


async def _category(s: AsyncSession, code: str) -> Category:
    category = (await s.exec(select(Category).where(Category.code == code.strip()))).first()
    if category is None:
        raise Refused(404, f"no service with the code {code!r}")
    return category


async def _villages(s: AsyncSession) -> list[Grid]:
    return list(
        (
            await s.exec(select(Grid).where(Grid.level == GridLevel.VILLAGE).order_by(col(Grid.position), col(Grid.id)))
        ).all()
    )


def _location(lat: str | None, long: str | None) -> tuple[float, float] | None:
    if not lat and not long:
        return None
    try:
        latitude, longitude = float(lat or ""), float(long or "")
    except ValueError:
        raise Refused(400, "lat and long must be numbers") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Refused(400, "lat or long out of range")
    return latitude, longitude


def parse_query(params: dict[str, str], tz: Any) -> Query:
    def split(name: str) -> list[str]:
        return [part.strip() for part in (params.get(name) or "").split(",") if part.strip()]

    def moment(name: str) -> datetime | None:
        value = params.get(name)
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise Refused(400, f"{name} is not a W3C date-time") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)

    status = set(split("status"))
    if status - {"open", "closed"}:
        raise Refused(400, "status must be open, closed or both")
    return Query(split("service_request_id"), split("service_code"), moment("start_date"), moment("end_date"), status)
