"""The follow-through rules on their own (issue 18): working-time shares and the 🟡 / 🔴 lights,
the SLA arithmetic, what people type for 延期申请 and /duban, the card's ⏳ button, and the seam."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.enums import SupervisionLevel
from bot.domain.lifecycle import IssueStatus
from bot.domain.warnings import Light, Thresholds, used_share, working_seconds
from bot.followup.levels import parse_level
from bot.followup.sla import SlaInput, figures
from bot.triage.routing import CardButton, ChatRole, card_buttons
from handlers.followup import parse_extension
from tests.test_domain_seam import PROBE

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=TZ)


def test_a_weekend_does_not_eat_the_time_limit() -> None:
    # Friday 2025-03-07 00:00 to the end of Monday 03-10: two working days; the weekend counts nothing.
    assert working_seconds(at(7), at(11), TZ) == 2 * 86400
    assert working_seconds(at(8), at(10), TZ) == 0  # Saturday and Sunday
    assert used_share(started=at(7), deadline=at(11), now=at(10), tz=TZ) == pytest.approx(0.5)
    assert used_share(started=at(7), deadline=at(11), now=at(10, 12), tz=TZ) == pytest.approx(0.75)


def test_a_holiday_does_not_count_either() -> None:
    # 2025-05-01..05 is the 劳动节 holiday: Wednesday 04-30 to Tuesday 05-06 holds two working days.
    assert working_seconds(at(30, month=4), at(7, month=5), TZ) == 2 * 86400


def test_lights_follow_the_thresholds() -> None:
    default = Thresholds(yellow_percent=70, red_percent=100, tz=TZ)
    args = {"status": IssueStatus.IN_PROGRESS, "deadline": at(11), "started": at(7)}
    assert default.of(now=at(10), **args) == Light.NONE  # 50 %
    assert default.of(now=at(10, 12), **args) == Light.YELLOW  # 75 %
    assert default.of(now=at(11, 1), **args) == Light.RED  # overdue
    assert default.of(now=at(11, 1), **{**args, "status": IssueStatus.RESOLVED}) == Light.NONE
    assert default.of(now=at(10, 12), **{**args, "deadline": None}) == Light.NONE
    early_red = Thresholds(yellow_percent=40, red_percent=60, tz=TZ)
    assert early_red.of(now=at(10), **args) == Light.YELLOW
    assert early_red.of(now=at(10, 12), **args) == Light.RED  # red before the deadline


def test_sla_figures() -> None:
    t0 = at(3)
    hour = timedelta(hours=1)
    items = [
        SlaInput(t0, t0 + hour, t0 + 10 * hour, t0 + 48 * hour, IssueStatus.CLOSED, 0),
        SlaInput(t0, t0 + 3 * hour, t0 + 30 * hour, t0 + 20 * hour, IssueStatus.RESOLVED, 1),
        SlaInput(t0, t0 + 5 * hour, None, t0 + 72 * hour, IssueStatus.IN_PROGRESS, 0),
        SlaInput(t0, None, None, None, IssueStatus.RECEIVED, 0),
    ]
    unit = figures("南大街社区", "grid", items)
    assert unit.received == 4
    assert unit.ack_median_hours == pytest.approx(3.0)
    assert unit.resolve_median_hours == pytest.approx(20.0)
    assert unit.on_time_rate == pytest.approx(0.5) and unit.reopen_rate == pytest.approx(0.5)
    assert unit.lookback_solved_rate is None  # no look-back answered (the 回访 hook)
    answers = ["solved", "not_solved", "unsure", "solved"]
    looked_back = figures("x", "grid", [replace(i, lookback_answer=a) for i, a in zip(items, answers, strict=True)])
    assert looked_back.lookback_solved_rate == pytest.approx(2 / 3)
    empty = figures("空", "department", [])
    assert (empty.ack_median_hours, empty.on_time_rate, empty.reopen_rate) == (None, None, None)


def test_what_people_type() -> None:
    assert parse_extension("3 需要等待材料到货") == (3, "需要等待材料到货")
    assert parse_extension("5天 施工队排期") == (5, "施工队排期")
    assert parse_extension("2个工作日，等配件") == (2, "等配件") and parse_extension("4\u3000全角空格") == (
        4,
        "全角空格",
    )
    assert parse_extension("3 days waiting for parts") == (3, "waiting for parts")
    assert parse_extension("3") is None and parse_extension("3天") is None and parse_extension("3 个工作日") is None
    assert parse_extension("过几天") is None and parse_extension(None) is None
    assert parse_level("红牌") == SupervisionLevel.RED and parse_level("Yellow") == SupervisionLevel.YELLOW
    assert parse_level("普通") is None and parse_level("普通", normal=True) == SupervisionLevel.NORMAL
    assert parse_level("蓝牌") is None


def test_the_extension_button_needs_a_deadline_and_a_working_role() -> None:
    with_deadline = card_buttons(IssueStatus.IN_PROGRESS, ChatRole.HOLDER, escalate=False, send_back=False, extend=True)
    assert with_deadline[-2:] == [CardButton.EXTEND, CardButton.DETAIL]
    assert CardButton.EXTEND not in card_buttons(
        IssueStatus.IN_PROGRESS, ChatRole.HOLDER, escalate=False, send_back=False
    )
    department = card_buttons(
        IssueStatus.IN_PROGRESS, ChatRole.DEPARTMENT, escalate=False, send_back=False, extend=True
    )
    assert department == [CardButton.RESOLVE, CardButton.EXTEND, CardButton.DETAIL]
    assert card_buttons(IssueStatus.IN_PROGRESS, ChatRole.OBSERVER, escalate=False, send_back=False, extend=True) == [
        CardButton.DETAIL
    ]


def test_the_follow_through_imports_no_telegram_code() -> None:
    modules = ["bot.domain.warnings", "bot.followup.extensions", "bot.followup.levels", "bot.followup.sla"]
    modules += ["bot.followup.scheduled", "bot.notify.followup"]
    done = subprocess.run([sys.executable, "-c", PROBE, *modules], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_the_follow_through_texts_exist_in_both_languages() -> None:
    from pathlib import Path

    from bot.i18n import Translator
    from bot.ledger.export import SLA_COLUMNS

    translator = Translator()
    dynamic = [f"card-light-{light.value}" for light in (Light.YELLOW, Light.RED)]
    dynamic += [f"level-{level.value}" for level in SupervisionLevel]
    for level in (SupervisionLevel.YELLOW, SupervisionLevel.RED):
        dynamic += [f"card-level-{level.value}", f"level-raised-{level.value}", f"ledger-level-{level.value}"]
    dynamic += [f"sla-col-{key}" for key, _width in SLA_COLUMNS] + ["sla-kind-grid", "sla-kind-department"]
    assert [key for key in dynamic if not translator.has(key)] == []
    folder = Path(__file__).resolve().parents[1] / "bot" / "locales"
    keys = {
        locale: {
            line.split(" =")[0]
            for line in (folder / locale / "followup.ftl").read_text(encoding="utf-8").splitlines()
            if " = " in line or line.endswith(" =")
            if not line.startswith((" ", "#"))
        }
        for locale in ("zh-CN", "en")
    }
    assert keys["zh-CN"] == keys["en"] and len(keys["en"]) > 60
