"""Deputy rules without the bot: the notification policy, the organisation file, texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.deputies.notify import URGENT, wants_digest, wants_now
from bot.domain.enums import EventKind, NotifyMode
from bot.domain.notices import Urgency
from bot.i18n import Translator
from bot.organisation.schema import OrganisationFile

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("kind", list(Urgency))
def test_each_notice_reaches_a_deputy_once_per_mode(kind: Urgency) -> None:
    urgent = kind in URGENT
    assert (wants_now(NotifyMode.DEFAULT, kind), wants_digest(NotifyMode.DEFAULT, kind)) == (urgent, not urgent)
    assert (wants_now(NotifyMode.ALL, kind), wants_digest(NotifyMode.ALL, kind)) == (True, False)
    assert (wants_now(NotifyMode.DIGEST, kind), wants_digest(NotifyMode.DIGEST, kind)) == (False, True)
    assert (wants_now(NotifyMode.OFF, kind), wants_digest(NotifyMode.OFF, kind)) == (False, False)


def test_urgent_kinds_are_the_issue_s() -> None:
    assert {Urgency.ESCALATED, Urgency.OVERDUE, Urgency.UNSATISFIED, Urgency.RED_CARD} == URGENT


def test_dynamic_deputy_keys_exist() -> None:
    translator = Translator()
    keys = [f"dep-notice-{k.value}" for k in Urgency]
    keys += [
        f"dep-step-{k.value.replace('_', '-')}"
        for k in EventKind
        if k not in (EventKind.REOPENED, EventKind.SUPERVISED, EventKind.PHONE_VIEWED)
    ]
    keys += [
        f"invite-{r}" for r in ("unknown", "used", "expired", "welcome-deputy", "welcome-worker", "welcome-official")
    ]
    keys += [f"dep-mode-{m.value}" for m in NotifyMode]
    assert [key for key in keys if not translator.has(key)] == []


def test_demo_county_has_stations_and_deputies() -> None:
    org = OrganisationFile.load(ROOT / "examples" / "demo-county.yaml")
    assert [s.code for s in org.stations] == ["S-GC", "S-XQ"]
    assert {d.code: d.constituency for d in org.deputies}["D002"] == ["GC"]


def _org(**deputy: object) -> dict:
    return {
        "grids": [
            {
                "code": "C",
                "name": "县",
                "level": "county",
                "children": [{"code": "T", "name": "镇", "level": "township"}],
            }
        ],
        "stations": [{"code": "S", "name": "站", "duty_day": 15}],
        "deputies": [{"code": "D1", "name": "代表", "level": "县", "station": "S", "constituency": ["T"], **deputy}],
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"constituency": ["NOPE"]}, "unknown grids"),
        ({"station": "NOPE"}, "unknown stations"),
        ({"constituency": []}, "at least 1"),
        ({"duty_day": 32}, "less than or equal to 31"),
        ({"code": "D 1"}, "pattern"),
    ],
)
def test_bad_deputies_are_refused(change: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        OrganisationFile.model_validate(_org(**change))
    OrganisationFile.model_validate(_org())
