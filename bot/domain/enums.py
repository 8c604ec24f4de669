"""The domain's vocabulary: plain enums the storage maps and every area shares (no Telegram, no database)."""

from __future__ import annotations

from enum import StrEnum


class GridLevel(StrEnum):
    COUNTY = "county"  # 县级
    TOWNSHIP = "township"  # 乡镇（街道）
    VILLAGE = "village"  # 村（社区）


class StaffRole(StrEnum):
    WORKER = "worker"  # 网格员
    LEADER = "leader"  # 网格长
    OFFICIAL = "official"  # 乡镇/县级网格工作人员


class Disposition(StrEnum):
    """研判结果: the three dispositions of the 三单工作法."""

    EXPLAIN = "explain"  # 宣传解释
    HANDLE = "handle"  # 立即办理 / 协助自办
    ASSIGN = "assign"  # 交办督办


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    VOICE = "voice"


class EventKind(StrEnum):
    SUBMITTED = "submitted"
    CLAIMED = "claimed"
    ANSWERED = "answered"
    CITIZEN_REPLIED = "citizen_replied"
    RESOLVED = "resolved"
    RATED = "rated"
    REOPENED = "reopened"
    SUPERVISED = "supervised"  # 督办 by a deputy
    EXPLAINED = "explained"  # 宣传解释
    HANDLED = "handled"  # 立即办理: deadline and 责任人 set
    ASSIGNED = "assigned"  # 交办督办 to a department
    ESCALATED = "escalated"  # 上报
    AUTO_ESCALATED = "auto_escalated"  # 超期上报
    SENT_BACK = "sent_back"  # 退回
    PHONE_VIEWED = "phone_viewed"  # the responsible person looked at the citizen's full number
    MARKED_DUPLICATE = "marked_duplicate"  # 重复件: closed as a duplicate of another issue
    DUPLICATE_JOINED = "duplicate_joined"  # on the original: a duplicate's citizen follows it now
    LOOKBACK_ASKED = "lookback_asked"  # 回访: the citizen was asked whether it is solved
    LOOKBACK_ANSWERED = "lookback_answered"  # 回访: the citizen's answer (text: the answer, reason)
    # 延期申请 and 督办 levels
    EXTENSION_REQUESTED = "extension_requested"  # 延期申请
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REFUSED = "extension_refused"
    SUPERVISION_RAISED = "supervision_raised"  # 督办 level raised to 黄牌 / 红牌


class ActorRole(StrEnum):
    CITIZEN = "citizen"
    GRID = "grid"
    SYSTEM = "system"
    DEPUTY = "deputy"
    DEPARTMENT = "department"


class LinkKind(StrEnum):
    CARD = "card"  # the issue card in a group
    CARD_MEDIA = "card_media"  # photos, voice or location posted under the card
    GROUP_RELAY = "group_relay"  # a citizen's reply relayed into the group
    CITIZEN_RELAY = "citizen_relay"  # a grid answer relayed to the citizen
    RESOLVE_PROMPT = "resolve_prompt"  # "reply with the resolution note"
    CITIZEN_PUSH = "citizen_push"  # a progress push to the citizen
    DEPUTY_INBOX = "deputy_inbox"  # a citizen's message relayed to a deputy (see DeputyMessageLink)
    DEPUTY_ANSWER = "deputy_answer"  # a deputy's answer relayed to the citizen
    EXPLAIN_PROMPT = "explain_prompt"  # "reply with the explanation" (宣传解释)
    ESCALATE_PROMPT = "escalate_prompt"  # "reply with the reason" (上报)
    SEND_BACK_PROMPT = "send_back_prompt"  # "reply with a note" (退回)
    EXTENSION_PROMPT = "extension_prompt"  # "reply with the days and the reason" (延期申请)
    REFUSE_PROMPT = "refuse_prompt"  # "reply with why the extension is refused" (不同意延期)


class NotifyMode(StrEnum):
    DEFAULT = "default"  # escalated / overdue / 不满意 at once, the rest in the daily digest
    ALL = "all"  # everything at once
    DIGEST = "digest"  # only the daily digest
    OFF = "off"


class SupervisionLevel(StrEnum):
    """督办 levels, in rising order: 普通, 黄牌, 红牌 (a 红牌 goes to the county at once)."""

    NORMAL = "normal"
    YELLOW = "yellow"
    RED = "red"

    @property
    def rank(self) -> int:
        return list(SupervisionLevel).index(self)
