"""The GeoReport v2 vocabulary, in plain Python: query parameters checked and bounded, issues and
categories turned into the spec's JSON objects. What a city system sees is decided here; the
citizen's name, phone and chat are never among it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from bot.domain.enums import EventKind
from bot.domain.lifecycle import IssueStatus
from bot.i18n import Translate
from bot.privacy import mask_phone

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed, for discovery.json's changeset: move it with any change of fields,
# routes or behaviour a client could notice.
CHANGESET = datetime(2026, 12, 5, tzinfo=UTC)
MAX_DAYS = 90  # the spec: a query spans at most 90 days, the last 90 by default
MAX_ROWS = 1000  # the spec: at most 1,000 requests per answer
GRID_ATTRIBUTE = "grid"  # the attribute that places a POSTed request (grids have no boundaries)

# Every field of a service request, in the spec's order (null when unknown).
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)

CLOSED = frozenset({IssueStatus.RESOLVED, IssueStatus.CLOSED})  # done by the grid; awaiting or given a rating
OPEN = frozenset(IssueStatus) - CLOSED

# The timeline lines a city system hears of, newest first wins: the staff's steps. A citizen's own
# lines (report, replies, rating comment) may hold personal details and are left out; so are the
# texts of answers and of moves between levels, which are written for the citizen or the staff.
NOTE_KEYS = {
    EventKind.CLAIMED: "open311-note-claimed",
    EventKind.ANSWERED: "open311-note-answered",
    EventKind.RESOLVED: "open311-note-resolved",
    EventKind.EXPLAINED: "open311-note-explained",
    EventKind.HANDLED: "open311-note-handled",
    EventKind.ASSIGNED: "open311-note-assigned",
    EventKind.ESCALATED: "open311-note-escalated",
    EventKind.AUTO_ESCALATED: "open311-note-escalated",
    EventKind.SENT_BACK: "open311-note-sent-back",
    EventKind.REOPENED: "open311-note-reopened",
    EventKind.SUPERVISED: "open311-note-supervised",
    EventKind.RATED: "open311-note-rated",
}
NOTE_WITH_TEXT = frozenset({EventKind.RESOLVED, EventKind.EXPLAINED})  # the staff's note to the public

# Mainland mobile numbers and resident ID numbers a citizen may have typed into a description.
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")


class Open311Error(Exception):
    """Answered as the spec's error list: [{"code": ..., "description": ...}]."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description

    def body(self) -> list[dict[str, Any]]:
        return [{"code": self.code, "description": self.description}]


@dataclass(frozen=True)
class RequestQuery:
    """GET requests: either these references, or a window of at most 90 days with filters."""

    refs: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[IssueStatus] = frozenset(IssueStatus)
    service_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequestFacts:
    """What one request shows besides the issue's own fields, read by the caller."""

    service_code: str
    service_name: str
    agency: str
    address: str
    notice: str | None
    note: str | None


def w3c(moment: datetime | None, tz: tzinfo) -> str | None:
    """A W3C datetime in the configured zone, with its offset: 2026-12-04T08:30:00+08:00."""
    return moment.astimezone(tz).isoformat(timespec="seconds") if moment is not None else None


def parse_datetime(name: str, value: str, tz: tzinfo) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Open311Error(400, f"{name} is not a W3C datetime (like 2026-12-01T00:00:00+08:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def parse_query(params: Mapping[str, str], *, now: datetime, tz: tzinfo) -> RequestQuery:
    """The spec's parameters, checked: a bad one is a 400, never a silently wider query."""
    refs = _list(params.get("service_request_id"))
    if refs:  # the spec: ids override every other parameter
        if len(refs) > MAX_ROWS:
            raise Open311Error(400, f"at most {MAX_ROWS} service_request_id values")
        return RequestQuery(refs=tuple(r.upper() for r in refs))
    start = parse_datetime("start_date", params["start_date"], tz) if params.get("start_date") else None
    end = parse_datetime("end_date", params["end_date"], tz) if params.get("end_date") else None
    window = timedelta(days=MAX_DAYS)
    if start is None and end is None:
        end = now
    if start is None:
        assert end is not None
        start = end - window
    elif end is None:
        end = start + window
    if start > end:
        raise Open311Error(400, "start_date is after end_date")
    if end - start > window:
        raise Open311Error(400, f"start_date to end_date spans more than {MAX_DAYS} days")
    statuses: frozenset[IssueStatus] = frozenset(IssueStatus)
    if params.get("status"):
        wanted = set(_list(params["status"]))
        if not wanted or not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status is open, closed or open,closed")
        statuses = (OPEN if "open" in wanted else frozenset()) | (CLOSED if "closed" in wanted else frozenset())
    return RequestQuery(start=start, end=end, statuses=statuses, service_codes=_list(params.get("service_code")))


def status_of(status: IssueStatus) -> str:
    return "closed" if status in CLOSED else "open"


def redact(text: str, known: Iterable[str | None] = ()) -> str:
    """Text with the phone and ID numbers typed into it masked, and the citizen's own name and
    phone (`known`: as the bot has them) hidden wherever they appear."""
    for secret in sorted({k.strip() for k in known if k and len(k.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(secret, "*" * len(secret))
    text = _MOBILE.sub(lambda m: mask_phone(m.group()), text)
    return _ID_NUMBER.sub(lambda m: m.group()[:6] + "*" * 8 + m.group()[-4:], text)


def status_note(
    t: Translate, events: Iterable[tuple[EventKind, str | None]], known: Iterable[str | None] = ()
) -> str | None:
    """The latest staff step on the timeline (events oldest first), with the note the staff wrote
    for the public when it resolved or explained the issue."""
    for kind, text in reversed(list(events)):
        key = NOTE_KEYS.get(kind)
        if key is None:
            continue
        label = t(key)
        return f"{label}：{redact(text, known)}" if text and kind in NOTE_WITH_TEXT else label
    return None


def service_json(*, code: str, name: str, description: str) -> dict[str, Any]:
    return {
        "service_code": code,
        "service_name": name,
        "description": description,
        "metadata": True,  # every service has the grid attribute (see GRID_ATTRIBUTE)
        "type": "realtime",  # the request id is given at once
        "keywords": "",
        "group": "",
    }


def definition_json(*, code: str, grids: Iterable[tuple[str, str]], t: Translate) -> dict[str, Any]:
    """The service definition: its one attribute, the grid (code, path) the request is about."""
    return {
        "service_code": code,
        "attributes": [
            {
                "variable": True,
                "code": GRID_ATTRIBUTE,
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": t("open311-grid-datatype"),
                "order": 1,
                "description": t("open311-grid-description"),
                "values": [{"key": key, "name": name} for key, name in grids],
            }
        ],
    }


def request_json(
    *,
    ref: str,
    status: IssueStatus,
    description: str,
    created_at: datetime,
    updated_at: datetime,
    deadline: datetime | None,
    latitude: float | None,
    longitude: float | None,
    facts: RequestFacts,
    tz: tzinfo,
    known: Iterable[str | None] = (),
) -> dict[str, Any]:
    """One service request: the issue's public face. Deliberately built field by field from what
    may be shown, never from the row: the citizen's id, name and phone cannot slip in."""
    row: dict[str, Any] = {
        "service_request_id": ref,
        "status": status_of(status),
        "status_notes": facts.note,
        "service_name": facts.service_name,
        "service_code": facts.service_code,
        "description": redact(description, known),
        "agency_responsible": facts.agency,
        "service_notice": facts.notice,
        "requested_datetime": w3c(created_at, tz),
        "updated_datetime": w3c(updated_at, tz),
        "expected_datetime": w3c(deadline, tz),
        "address": facts.address,
        "address_id": None,
        "zipcode": None,
        "lat": latitude,
        "long": longitude,
        "media_url": None,  # photos are Telegram files: a link to one would carry the bot's token
    }
    assert tuple(row) == REQUEST_FIELDS
    return row


def check_jurisdiction(params: Mapping[str, str], served: str) -> None:
    """The spec's jurisdiction_id: one that is not ours is a 404 (none at all is fine). A server set
    up for no particular jurisdiction takes any."""
    given = params.get("jurisdiction_id", "").strip()
    if served and given and given != served:
        raise Open311Error(404, f"no jurisdiction {given!r}: this server is {served!r}")


def discovery_json(*, url: str, contact: str, key_service: str) -> dict[str, Any]:
    """The discovery document (wiki.open311.org/Service_Discovery): where the API is and whom to ask."""
    changeset = CHANGESET.isoformat().replace("+00:00", "Z")
    return {
        "changeset": changeset,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": changeset,
                "type": "production",
                "formats": ["application/json"],
            }
        ],
    }
