"""Follow-through around an issue (issue 18, items 3–6): yellow and red warnings, 延期申请, 督办
levels and the SLA figures. Domain and flows only: no Telegram here."""

from __future__ import annotations


class FollowupRefused(Exception):
    """A request the rules refuse, with the text key (and its arguments) that tells the person why."""

    def __init__(self, key: str, **args: str) -> None:
        super().__init__(key, args)
        self.key = key
        self.args_ = args
