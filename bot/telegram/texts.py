"""How an issue reads in a Telegram message (HTML): its card and its timeline. Pure functions of
the issue, its facts and a translation; user text is escaped here, where it enters HTML."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.clock import local_text
from bot.domain.lifecycle import IssueStatus
from bot.domain.warnings import Light
from bot.i18n import Translate
from bot.issues.facts import IssueFacts
from bot.issues.flows import Timeline
from bot.privacy import mask_phone
from bot.text import html
from storage.models import Issue, IssueEvent


def status_label(t: Translate, status: IssueStatus) -> str:
    return t(f"status-{status.value.replace('_', '-')}")


def escaped(args: dict[str, object], tz: tzinfo) -> dict[str, str]:
    """Raw message arguments made safe for HTML: text escaped, times in the configured zone."""
    return {
        key: local_text(value, tz) if isinstance(value, datetime) else html(str(value) if value is not None else "")
        for key, value in args.items()
    }


def card_text(
    t: Translate, issue: Issue, facts: IssueFacts, *, headline: str, tz: tzinfo, light: Light = Light.NONE
) -> str:
    lines = [
        t(headline, ref=facts.ref),
        t("card-category", category=html(facts.category)),
        t("card-grid", grid=html(facts.grid_path)),
        t("card-received-at", time=local_text(issue.created_at, tz)),
    ]
    if issue.phone:
        lines.append(t("card-phone", phone=mask_phone(issue.phone)))
    if issue.latitude is not None:
        lines.append(t("card-has-location"))
    status = status_label(t, issue.status)
    if issue.assignee_name:
        lines.append(t("card-status-assignee", status=status, assignee=html(issue.assignee_name)))
    else:
        lines.append(t("card-status", status=status))
    lines += followup_lines(t, issue, light)
    if issue.supervised_by_deputy_id is not None:
        lines.append(t("card-supervised"))  # 督办: a deputy follows this issue
    lines += triage_lines(t, issue, facts, tz)
    lines += follow_lines(t, facts)
    if issue.status == IssueStatus.REOPENED and issue.rating_comment:
        lines.append(t("card-unsatisfied-comment", comment=html(issue.rating_comment)))
    lines += ["", html(issue.description)]
    return "\n".join(lines)


def followup_lines(t: Translate, issue: Issue, light: Light) -> list[str]:
    """🟡 / 🔴 (share of the time limit used) and the 督办 level, when above 普通 (issue 18)."""
    lines = [t(f"card-light-{light.value}")] if light != Light.NONE else []
    if issue.supervision_level and issue.supervision_level != "normal":
        lines.append(t(f"card-level-{issue.supervision_level}"))
    return lines


def triage_lines(t: Translate, issue: Issue, facts: IssueFacts, tz: tzinfo) -> list[str]:
    """研判结果, 责任单位, 办理时限 and the level that holds it now."""
    lines = []
    if issue.disposition:
        lines.append(t("card-disposition", disposition=t(f"disposition-{issue.disposition.value}")))
    if facts.department:
        lines.append(t("card-department", department=html(facts.department)))
    if issue.deadline:
        lines.append(t("card-deadline", deadline=local_text(issue.deadline, tz)))
    if facts.holder_name:
        lines.append(t("card-held-by", level=html(facts.holder_name)))
    return lines


def follow_lines(t: Translate, facts: IssueFacts) -> list[str]:
    """关注 and 重复件 (bot/followthrough)."""
    lines = [t("card-followers", count=str(facts.followers))] if facts.followers else []
    if facts.duplicate_of:
        lines.append(t("card-duplicate-of", ref=facts.duplicate_of))
    return lines


def timeline_text(t: Translate, issue: Issue, facts: IssueFacts, events: list[IssueEvent], tz: tzinfo) -> str:
    lines = [
        t("timeline-title", ref=facts.ref, status=status_label(t, issue.status)),
        t("card-category", category=html(facts.category)),
        t("card-grid", grid=html(facts.grid_path)),
        "",
        html(issue.description),
        "",
    ]
    for event in events:
        who = html(event.actor_name) if event.actor_name else t(f"actor-{event.actor_role.value}")
        line = t(f"event-{event.kind.value.replace('_', '-')}", time=local_text(event.at, tz), who=who)
        if event.text:
            line += f"\n    {html(event.text)}"
        lines.append(line)
    return "\n".join(lines)


def render_timeline(t: Translate, timeline: Timeline, tz: tzinfo) -> str:
    return timeline_text(t, timeline.issue, timeline.facts, timeline.events, tz)
