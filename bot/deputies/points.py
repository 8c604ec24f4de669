"""履职积分: what each action is worth by default (settings.deputy_points overrides it)."""

from __future__ import annotations

from enum import StrEnum


class PointAction(StrEnum):
    VISIT = "visit"  # a logged constituency visit (记录走访)
    REPLY = "reply"  # the first answer to a citizen's message
    CONVERTED = "converted"  # a citizen's message or a visit matter turned into an issue
    SUPERVISE = "supervise"  # 督办 started
    SUPERVISED_RESOLVED = "supervised_resolved"  # an issue the deputy supervised was resolved


DEFAULT_POINTS: dict[str, int] = {
    PointAction.VISIT.value: 5,
    PointAction.REPLY.value: 1,
    PointAction.CONVERTED.value: 2,
    PointAction.SUPERVISE.value: 1,
    PointAction.SUPERVISED_RESOLVED.value: 3,
}
