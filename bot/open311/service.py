"""Open311 over the database: the service list, the issue search, and a request filed by a city
system, which enters its grid's normal flow (`IssueFlows.submit`: card, timeline, deputies)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import ActorRole, Disposition, GridLevel
from bot.i18n import Translator
from bot.issues.draft import MAX_DESCRIPTION, MIN_DESCRIPTION, IssueDraft
from bot.issues.service import Actor
from bot.open311 import georeport as geo
from bot.open311.georeport import Open311Error, RequestFacts
from bot.open311.keys import check_key
from bot.organisation.service import Organisation, read_organisation
from bot.privacy import ERASED_CITIZEN
from storage.models import Category, Department, Issue, IssueEvent, Open311Submission, User

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.issues.flows import IssueFlows, IssueSummary
    from storage.database import Database

# An issue filed through the API has no Telegram citizen: it takes the id that means "nobody to
# push progress to" (that of an erased citizen), so the channels skip every citizen message.
API_CITIZEN = ERASED_CITIZEN
MAX_URL = 500
CONTACT_LIMITS = {"email": 200, "phone": 32, "first_name": 100, "last_name": 100}


class Open311:
    def __init__(
        self,
        *,
        db: Database,
        flows: IssueFlows,
        translator: Translator,
        clock: Clock,
        tz: tzinfo,
        jurisdiction: str = "",
        contact: str = "",
    ) -> None:
        self.db = db
        self.flows = flows
        self.t = translator.bind(None)  # the configured language
        self.clock = clock
        self.tz = tz
        self.jurisdiction = jurisdiction  # "": any jurisdiction_id, or none, is ours
        self.contact = contact

    # -- discovery ----------------------------------------------------------------------------------

    def discovery(self, url: str) -> dict[str, Any]:
        """discovery.json, `url` being where the API's calls are (…/open311/v2)."""
        contact = self.contact or self.t("open311-contact-operator")
        return geo.discovery_json(url=url, contact=contact, key_service=self.t("open311-key-service", contact=contact))

    def check_jurisdiction(self, params: Mapping[str, str]) -> None:
        geo.check_jurisdiction(params, self.jurisdiction)

    # -- services -----------------------------------------------------------------------------------

    async def services(self) -> list[dict[str, Any]]:
        async with self.db.session() as s:
            rows = await _categories(s)
        return [geo.service_json(code=c.code, name=c.name, description=c.description) for c in rows]

    async def definition(self, code: str) -> dict[str, Any]:
        async with self.db.session() as s:
            category = await _category(s, code)
            org = await read_organisation(s)
        grids = [(g.code, _path(org, g.id)) for level in GridLevel for g in org.children(None, level)]
        return geo.definition_json(code=category.code, grids=grids, t=self.t)

    # -- requests -----------------------------------------------------------------------------------

    async def search(self, params: Mapping[str, str]) -> list[dict[str, Any]]:
        query = geo.parse_query(params, now=self.clock.now(), tz=self.tz)
        async with self.db.session() as s:
            statement = select(Issue)
            if query.refs:
                statement = statement.where(col(Issue.ref).in_(query.refs))
            else:
                assert query.start is not None and query.end is not None
                statement = statement.where(
                    col(Issue.created_at) >= query.start,
                    col(Issue.created_at) <= query.end,
                    col(Issue.status).in_(query.statuses),
                )
                if query.service_codes:
                    codes = select(Category.id).where(col(Category.code).in_(query.service_codes))
                    statement = statement.where(col(Issue.category_id).in_(codes))
            statement = statement.order_by(col(Issue.created_at).desc(), col(Issue.id).desc()).limit(geo.MAX_ROWS)
            issues = list((await s.exec(statement)).all())
            return await self._shown(s, issues)

    async def one(self, ref: str) -> list[dict[str, Any]]:
        async with self.db.session() as s:
            issue = (await s.exec(select(Issue).where(Issue.ref == ref.strip().upper()))).first()
            if issue is None:
                raise Open311Error(404, f"no service request {ref!r}")
            return await self._shown(s, [issue])

    async def _shown(self, s: AsyncSession, issues: list[Issue]) -> list[dict[str, Any]]:
        """Issues as requests; the organisation and the timelines read once for all of them."""
        org = await read_organisation(s)
        categories = {c.id: c for c in await _categories(s)}
        departments = {d.id: d.name for d in (await s.exec(select(Department))).all()}
        # The citizens' names and phones, to hide them wherever a text repeats them.
        citizen_ids = list({i.citizen_id for i in issues} - {API_CITIZEN})
        citizens = {
            user_id: (name, phone)
            for user_id, name, phone in (
                await s.exec(select(User.id, User.full_name, User.phone).where(col(User.id).in_(citizen_ids)))
            ).all()
        }
        events: dict[int, list[tuple[Any, str | None]]] = {}
        ids = [i.id for i in issues]
        if ids:
            statement = (
                select(IssueEvent.issue_id, IssueEvent.kind, IssueEvent.text)
                .where(col(IssueEvent.issue_id).in_(ids), col(IssueEvent.kind).in_(list(geo.NOTE_KEYS)))
                .order_by(col(IssueEvent.at), col(IssueEvent.id))
            )
            for issue_id, kind, text in (await s.exec(statement)).all():
                events.setdefault(issue_id, []).append((kind, text))
        shown = []
        for issue in issues:
            category = categories.get(issue.category_id)
            holder = issue.holder_grid_id or issue.grid_id
            holder_grid = org.grid(holder)
            agency = holder_grid.name if holder_grid else ""
            if issue.disposition == Disposition.ASSIGN and issue.department_id in departments:
                agency = departments[issue.department_id]
            known = (*citizens.get(issue.citizen_id, ()), issue.phone)
            facts = RequestFacts(
                service_code=category.code if category else "",
                service_name=category.name if category else "",
                agency=agency,
                address=_path(org, issue.grid_id),
                notice=self._notice(category),
                note=geo.status_note(self.t, events.get(issue.id or 0, []), known),
            )
            shown.append(
                geo.request_json(
                    ref=issue.ref,
                    status=issue.status,
                    description=issue.description,
                    created_at=issue.created_at,
                    updated_at=issue.updated_at,
                    deadline=issue.deadline,
                    latitude=issue.latitude,
                    longitude=issue.longitude,
                    facts=facts,
                    tz=self.tz,
                    known=known,
                )
            )
        return shown

    def _notice(self, category: Category | None) -> str | None:
        if category is None or not category.default_deadline_days:
            return None
        return self.t("open311-notice-deadline", days=category.default_deadline_days)

    # -- filing -------------------------------------------------------------------------------------

    async def submit(self, form: Mapping[str, str]) -> list[dict[str, Any]]:
        """POST requests: the key first (403), then the parameters (404, 400), then the issue."""
        async with self.db.transaction() as s:
            client = await check_key(s, form.get("api_key"), now=self.clock.now())
        if client is None:
            raise Open311Error(403, "api_key is missing or not valid")
        async with self.db.session() as s:
            category = await _category(s, form.get("service_code", ""))
            org = await read_organisation(s)
        grid_code = form.get(f"attribute[{geo.GRID_ATTRIBUTE}]", "").strip()
        grid = org.grid_by_code(grid_code) if grid_code else None
        if grid is None:
            raise Open311Error(400, f"attribute[{geo.GRID_ATTRIBUTE}] must be a grid code of the service definition")
        assert category.id is not None
        draft = IssueDraft(
            grid_id=grid.id,
            category_id=category.id,
            description=self._description(form),
            location=_location(form),
            anonymous=True,  # no name to show, and none may be shown
        )
        contact = _contact(form)
        name = " ".join(p for p in (contact["first_name"], contact["last_name"]) if p) or None

        async def record(s: AsyncSession, summary: IssueSummary) -> None:
            """Who filed it, in the issue's own transaction: no issue without its record, nor the reverse."""
            s.add(
                Open311Submission(
                    issue_id=summary.id,
                    api_key_name=client.name,
                    api_key_id=client.key_id,
                    email=contact["email"],
                    phone=contact["phone"],
                    name=name,
                    created_at=summary.created_at,
                )
            )

        summary = await self.flows.submit(draft=draft, citizen=Actor(ActorRole.CITIZEN, API_CITIZEN), alongside=record)
        return [{"service_request_id": summary.ref, "service_notice": self._notice(category), "account_id": None}]

    def _description(self, form: Mapping[str, str]) -> str:
        text = form.get("description", "").strip()
        if len(text) < MIN_DESCRIPTION:
            raise Open311Error(400, f"description is required (at least {MIN_DESCRIPTION} characters)")
        lines = [text]
        if address := form.get("address_string", "").strip():
            lines.append(self.t("open311-address-line", address=address))
        if url := form.get("media_url", "").strip():
            if not url.startswith(("http://", "https://")) or len(url) > MAX_URL:
                raise Open311Error(400, f"media_url is an http(s) address of at most {MAX_URL} characters")
            lines.append(self.t("open311-media-line", url=url))
        description = "\n".join(lines)
        if len(description) > MAX_DESCRIPTION:
            raise Open311Error(
                400, f"description with address_string and media_url exceeds {MAX_DESCRIPTION} characters"
            )
        return description


async def _categories(s: AsyncSession) -> list[Category]:
    return list((await s.exec(select(Category).order_by(col(Category.position), col(Category.id)))).all())


async def _category(s: AsyncSession, code: str) -> Category:
    category = (await s.exec(select(Category).where(Category.code == code.strip()))).first() if code else None
    if category is None:
        raise Open311Error(404, f"no service with service_code {code!r}")
    return category


def _path(org: Organisation, grid_id: int) -> str:
    return " / ".join(g.name for g in org.path(grid_id))


def _location(form: Mapping[str, str]) -> tuple[float, float] | None:
    lat, long = form.get("lat", "").strip(), form.get("long", "").strip()
    if not lat and not long:
        return None
    try:
        point = float(lat), float(long)
    except ValueError:
        raise Open311Error(400, "lat and long are decimal degrees, given together") from None
    if not all(math.isfinite(v) for v in point) or abs(point[0]) > 90 or abs(point[1]) > 180:
        raise Open311Error(400, "lat is within ±90 and long within ±180")
    return point


def _contact(form: Mapping[str, str]) -> dict[str, str | None]:
    contact: dict[str, str | None] = {}
    for field, limit in CONTACT_LIMITS.items():
        value = form.get(field, "").strip()
        if len(value) > limit:
            raise Open311Error(400, f"{field} is at most {limit} characters")
        contact[field] = value or None
    return contact
