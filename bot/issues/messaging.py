"""Outbound texts about issues, queued on the outbox in the caller's transaction.

User text is escaped here, at the one place it enters HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import local_text
from bot.domain.enums import AttachmentKind, LinkKind
from bot.domain.lifecycle import IssueStatus
from bot.i18n import Translate, Translator
from bot.issues import service
from bot.organisation.service import category_by_id, grid_path
from bot.outbox.queue import enqueue
from bot.privacy import ERASED_CITIZEN, mask_phone
from bot.triage import service as triage
from handlers import keyboards
from storage.models import Issue, IssueAttachment, IssueEvent

CAPTION_LIMIT = 1024


def markup(keyboard: object) -> dict:
    """A keyboard as the JSON the outbox stores."""
    return keyboard.model_dump(mode="json", exclude_none=True)  # type: ignore[attr-defined]


def html(text: str | None) -> str:
    return escape(text or "", quote=False)


@dataclass(frozen=True)
class IssueFacts:
    """What every text about an issue shows, gathered once."""

    ref: str
    category: str
    grid_path: str
    grid_name: str
    holder_name: str = ""  # the level holding it now, when not its own grid
    department: str = ""  # the 职能部门 it is assigned to


class IssueMessenger:
    def __init__(self, translator: Translator, tz: tzinfo, admin_ids: frozenset[int]) -> None:
        self.translator = translator
        self.tz = tz
        self.admin_ids = admin_ids

    # -- shared pieces -------------------------------------------------------------------------

    async def facts(self, session: AsyncSession, issue: Issue) -> IssueFacts:
        category = await category_by_id(session, issue.category_id)
        path = await grid_path(session, issue.grid_id)
        holder = triage.holder_grid_id(issue)
        dept = await triage.department(session, issue.department_id)
        return IssueFacts(
            ref=issue.ref,
            category=category.name if category else "",
            grid_path=" / ".join(g.name for g in path),
            grid_name=path[-1].name if path else "",
            holder_name=await triage.grid_name(session, holder) if holder != issue.grid_id else "",
            department=dept.name if dept else "",
        )

    async def citizen_t(self, session: AsyncSession, citizen_id: int) -> Translate:
        return self.translator.bind(await service.citizen_locale(session, citizen_id))

    def group_t(self) -> Translate:
        return self.translator.bind(None)

    def status_label(self, t: Translate, status: IssueStatus) -> str:
        return t(f"status-{status.value.replace('_', '-')}")

    def card_text(self, t: Translate, issue: Issue, facts: IssueFacts, *, headline: str) -> str:
        lines = [
            t(headline, ref=facts.ref),
            t("card-category", category=html(facts.category)),
            t("card-grid", grid=html(facts.grid_path)),
            t("card-received-at", time=local_text(issue.created_at, self.tz)),
        ]
        if issue.phone:
            lines.append(t("card-phone", phone=mask_phone(issue.phone)))
        if issue.latitude is not None:
            lines.append(t("card-has-location"))
        status = self.status_label(t, issue.status)
        if issue.assignee_name:
            lines.append(t("card-status-assignee", status=status, assignee=html(issue.assignee_name)))
        else:
            lines.append(t("card-status", status=status))
        if issue.supervised_by_deputy_id is not None:
            lines.append(t("card-supervised"))  # 督办: a deputy follows this issue
        lines += self.triage_lines(t, issue, facts)
        if issue.status == IssueStatus.REOPENED and issue.rating_comment:
            lines.append(t("card-unsatisfied-comment", comment=html(issue.rating_comment)))
        lines += ["", html(issue.description)]
        return "\n".join(lines)

    def triage_lines(self, t: Translate, issue: Issue, facts: IssueFacts) -> list[str]:
        """研判结果, 责任单位, 办理时限 and the level that holds it now."""
        lines = []
        if issue.disposition:
            lines.append(t("card-disposition", disposition=t(f"disposition-{issue.disposition.value}")))
        if facts.department:
            lines.append(t("card-department", department=html(facts.department)))
        if issue.deadline:
            lines.append(t("card-deadline", deadline=local_text(issue.deadline, self.tz)))
        if facts.holder_name:
            lines.append(t("card-held-by", level=html(facts.holder_name)))
        return lines

    async def card_markup(self, session: AsyncSession, t: Translate, issue: Issue, chat_id: int) -> dict:
        """The card's buttons for this chat: the holder, the department or a lower level watching."""
        assert issue.id is not None
        return markup(keyboards.issue_card(t, issue.id, await triage.buttons_for(session, issue, chat_id)))

    def timeline_text(self, t: Translate, issue: Issue, facts: IssueFacts, events: list[IssueEvent]) -> str:
        lines = [
            t("timeline-title", ref=facts.ref, status=self.status_label(t, issue.status)),
            t("card-category", category=html(facts.category)),
            t("card-grid", grid=html(facts.grid_path)),
            "",
            html(issue.description),
            "",
        ]
        for event in events:
            who = html(event.actor_name) if event.actor_name else t(f"actor-{event.actor_role.value}")
            line = t(f"event-{event.kind.value.replace('_', '-')}", time=local_text(event.at, self.tz), who=who)
            if event.text:
                line += f"\n    {html(event.text)}"
            lines.append(line)
        return "\n".join(lines)

    # -- the grid's group -------------------------------------------------------------------------

    async def post_card(
        self,
        session: AsyncSession,
        *,
        issue: Issue,
        chat_id: int,
        now: datetime,
        headline: str = "card-new",
        files: list[IssueAttachment] | None = None,
    ) -> None:
        """The card, then its photos, voice and location as replies to it (`files`: the issue's
        attachments when the caller has them at hand, as for a new issue; else they are read)."""
        assert issue.id is not None
        t = self.group_t()
        facts = await self.facts(session, issue)
        enqueue(
            session,
            chat_id=chat_id,
            method="sendMessage",
            params={
                "text": self.card_text(t, issue, facts, headline=headline),
                "parse_mode": "HTML",
                "reply_markup": await self.card_markup(session, t, issue, chat_id),
            },
            now=now,
            issue_id=issue.id,
            link_kind=LinkKind.CARD,
        )
        if files is None:
            files = await service.attachments(session, issue.id)
        photos = [a.file_id for a in files if a.kind == AttachmentKind.PHOTO]
        media: list[tuple[str, dict]] = []
        if len(photos) == 1:
            media.append(("sendPhoto", {"photo": photos[0]}))
        elif photos:
            media.append(("sendMediaGroup", {"media": [{"type": "photo", "media": p} for p in photos]}))
        media += [("sendVoice", {"voice": a.file_id}) for a in files if a.kind == AttachmentKind.VOICE]
        if issue.latitude is not None and issue.longitude is not None:
            media.append(("sendLocation", {"latitude": issue.latitude, "longitude": issue.longitude}))
        for method, params in media:
            enqueue(
                session,
                chat_id=chat_id,
                method=method,
                params=params,
                now=now,
                issue_id=issue.id,
                link_kind=LinkKind.CARD_MEDIA,
                target_kind=LinkKind.CARD,
            )

    async def refresh_cards(self, session: AsyncSession, *, issue: Issue, now: datetime) -> None:
        """Edit every card of the issue so the group sees its current state and buttons."""
        assert issue.id is not None
        t = self.group_t()
        facts = await self.facts(session, issue)
        for chat_id in await service.card_chats(session, issue_id=issue.id):
            enqueue(
                session,
                chat_id=chat_id,
                method="editMessageText",
                params={
                    "text": self.card_text(t, issue, facts, headline="card-headline"),
                    "parse_mode": "HTML",
                    "reply_markup": await self.card_markup(session, t, issue, chat_id),
                },
                now=now,
                issue_id=issue.id,
                target_kind=LinkKind.CARD,
            )

    async def relay_to_group(
        self, session: AsyncSession, *, issue: Issue, text: str | None, photo: str | None, now: datetime
    ) -> None:
        """A citizen's follow-up, posted as a reply to the card in every group that holds it."""
        assert issue.id is not None
        t = self.group_t()
        body = t("relay-from-citizen", ref=issue.ref, text=html(text) if text else t("relay-photo-only"))
        for chat_id in await service.card_chats(session, issue_id=issue.id):
            self._text_or_photo(
                session,
                chat_id=chat_id,
                issue=issue,
                body=body,
                photo=photo,
                now=now,
                link_kind=LinkKind.GROUP_RELAY,
                target_kind=LinkKind.CARD,
            )

    async def unrouted(self, session: AsyncSession, *, issue: Issue, now: datetime) -> None:
        """No group is bound anywhere above the issue's grid: tell the administrators."""
        t = self.group_t()
        facts = await self.facts(session, issue)
        for admin_id in sorted(self.admin_ids):
            enqueue(
                session,
                chat_id=admin_id,
                method="sendMessage",
                params={"text": t("admin-unrouted", ref=issue.ref, grid=html(facts.grid_path)), "parse_mode": "HTML"},
                now=now,
            )

    # -- the citizen -----------------------------------------------------------------------------

    async def push(
        self,
        session: AsyncSession,
        *,
        issue: Issue,
        key: str,
        now: datetime,
        keyboard: str | None = None,
        **args: str,
    ) -> None:
        """A progress message to the citizen. A reply to it reaches the grid."""
        assert issue.id is not None
        if issue.citizen_id == ERASED_CITIZEN:
            return  # the citizen erased their data: there is nobody to tell
        t = await self.citizen_t(session, issue.citizen_id)
        facts = await self.facts(session, issue)
        params: dict = {
            "text": t(key, ref=issue.ref, grid=html(facts.grid_name), category=html(facts.category), **args),
            "parse_mode": "HTML",
        }
        if keyboard == "rating":
            params["reply_markup"] = markup(keyboards.rating(t, issue.id))
        enqueue(
            session,
            chat_id=issue.citizen_id,
            method="sendMessage",
            params=params,
            now=now,
            issue_id=issue.id,
            link_kind=LinkKind.CITIZEN_PUSH,
        )

    async def relay_to_citizen(
        self,
        session: AsyncSession,
        *,
        issue: Issue,
        text: str | None,
        photo: str | None,
        now: datetime,
        department: str | None = None,
    ) -> None:
        """A grid's (or, when `department` is given, an assigned department's) answer."""
        if issue.citizen_id == ERASED_CITIZEN:
            return
        t = await self.citizen_t(session, issue.citizen_id)
        facts = await self.facts(session, issue)
        content = html(text) if text else t("relay-photo-only")
        if department:
            body = t("relay-from-department", ref=issue.ref, department=html(department), text=content)
        else:
            body = t("relay-from-grid", ref=issue.ref, grid=html(facts.grid_name), text=content)
        self._text_or_photo(
            session,
            chat_id=issue.citizen_id,
            issue=issue,
            body=body,
            photo=photo,
            now=now,
            link_kind=LinkKind.CITIZEN_RELAY,
        )

    def _text_or_photo(
        self,
        session: AsyncSession,
        *,
        chat_id: int,
        issue: Issue,
        body: str,
        photo: str | None,
        now: datetime,
        link_kind: LinkKind,
        target_kind: LinkKind | None = None,
    ) -> None:
        common = {
            "chat_id": chat_id,
            "now": now,
            "issue_id": issue.id,
            "link_kind": link_kind,
            "target_kind": target_kind,
        }
        if photo and len(body) <= CAPTION_LIMIT:
            enqueue(
                session, method="sendPhoto", params={"photo": photo, "caption": body, "parse_mode": "HTML"}, **common
            )
            return
        if photo:
            enqueue(session, method="sendPhoto", params={"photo": photo}, **common)
        enqueue(session, method="sendMessage", params={"text": body, "parse_mode": "HTML"}, **common)
