"""Outbound texts to and from deputies, queued on the outbox in the caller's transaction.
User text is escaped here, where it enters HTML."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import LinkKind
from bot.i18n import Translate, Translator
from bot.issues.messaging import IssueMessenger, html, markup
from bot.issues.observers import NoticeKind
from bot.outbox.queue import enqueue
from handlers import deputy_keyboards
from storage.models import Deputy, DeputyContact, Issue, User

PREVIEW = 300  # characters of an issue's description in a push


def preview(text: str) -> str:
    return text if len(text) <= PREVIEW else text[:PREVIEW] + "…"


class DeputyMessenger:
    def __init__(self, translator: Translator, tz: tzinfo, issues: IssueMessenger) -> None:
        self.translator = translator
        self.tz = tz
        self.issues = issues

    async def user_t(self, session: AsyncSession, user_id: int | None) -> Translate:
        user = await session.get(User, user_id) if user_id is not None else None
        return self.translator.bind(user.locale if user else None)

    def send(
        self, session: AsyncSession, *, chat_id: int, text: str, now: datetime, keyboard: object = None, **link: object
    ) -> None:
        params: dict = {"text": text, "parse_mode": "HTML"}
        if keyboard is not None:
            params["reply_markup"] = markup(keyboard)
        enqueue(session, chat_id=chat_id, method="sendMessage", params=params, now=now, **link)  # type: ignore[arg-type]

    # -- the citizen ⇄ deputy conversation -----------------------------------------------------

    async def to_deputy(
        self,
        session: AsyncSession,
        *,
        deputy: Deputy,
        contact: DeputyContact,
        text: str,
        citizen_name: str,
        now: datetime,
        first: bool,
    ) -> None:
        assert deputy.telegram_user_id is not None and contact.id is not None
        t = await self.user_t(session, deputy.telegram_user_id)
        key = "dep-inbox-new" if first else "dep-inbox-followup"
        self.send(
            session,
            chat_id=deputy.telegram_user_id,
            now=now,
            text=t(key, number=str(contact.id), name=html(citizen_name), text=html(text)),
            keyboard=deputy_keyboards.inbox(t, contact.id, convertible=contact.issue_id is None),
            link_kind=LinkKind.DEPUTY_INBOX,
            contact_id=contact.id,
        )

    async def to_citizen(
        self, session: AsyncSession, *, deputy: Deputy, contact: DeputyContact, text: str, now: datetime
    ) -> None:
        t = await self.user_t(session, contact.citizen_id)
        self.send(
            session,
            chat_id=contact.citizen_id,
            now=now,
            text=t("dep-answer-to-citizen", deputy=html(deputy.name), text=html(text)),
            link_kind=LinkKind.DEPUTY_ANSWER,
            contact_id=contact.id,
        )

    # -- issues of the constituency ------------------------------------------------------------

    async def issue_push(
        self,
        session: AsyncSession,
        *,
        deputy: Deputy,
        issue: Issue,
        kind: NoticeKind,
        detail: str | None,
        now: datetime,
    ) -> None:
        assert deputy.telegram_user_id is not None and issue.id is not None
        t = await self.user_t(session, deputy.telegram_user_id)
        facts = await self.issues.facts(session, issue)
        what = t(f"dep-step-{detail.replace('_', '-')}") if detail else t(f"dep-notice-{kind.value}")
        supervising = issue.supervised_by_deputy_id == deputy.id
        text = "\n".join(
            [
                t("dep-push-title", ref=issue.ref, what=what),
                t("card-grid", grid=html(facts.grid_path)),
                t("card-category", category=html(facts.category)),
                t("card-status", status=self.issues.status_label(t, issue.status)),
                *([t("dep-push-you-supervise")] if supervising else []),
                "",
                html(preview(issue.description)),
            ]
        )
        can_supervise = issue.supervised_by_deputy_id is None and issue.status.value != "closed"
        self.send(
            session,
            chat_id=deputy.telegram_user_id,
            now=now,
            text=text,
            keyboard=deputy_keyboards.issue_push(t, issue.id, can_supervise=can_supervise),
        )

    async def supervision_to_grid(self, session: AsyncSession, *, deputy: Deputy, issue: Issue, now: datetime) -> None:
        """The holding group (as a reply to the card) and the responsible person are told."""
        from bot.issues import service

        assert issue.id is not None
        t = self.issues.group_t()
        text = t("dep-supervising-grid", ref=issue.ref, deputy=html(deputy.name), level=html(deputy.level))
        for chat_id in await service.card_chats(session, issue_id=issue.id):
            enqueue(
                session,
                chat_id=chat_id,
                method="sendMessage",
                params={"text": text, "parse_mode": "HTML"},
                now=now,
                issue_id=issue.id,
                target_kind=LinkKind.CARD,
            )
        if issue.assignee_id is not None:
            at = await self.user_t(session, issue.assignee_id)
            self.send(
                session,
                chat_id=issue.assignee_id,
                now=now,
                text=at("dep-supervising-assignee", ref=issue.ref, deputy=html(deputy.name)),
            )
