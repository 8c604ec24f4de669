"""The Telegram channel: notices rendered as Bot API calls, queued on the outbox in the caller's
transaction. Cards go to the bound group of a grid's level (or the nearest above), pushes to the
citizen's private chat, and a reply to either finds its issue through the message links."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deputies.report import upload
from bot.domain.enums import AttachmentKind, LinkKind
from bot.domain.notices import AlertKind, ExtensionRequested, PersonalNote, UnitDigest, Urgency
from bot.domain.warnings import Light, Thresholds
from bot.i18n import Translate, Translator
from bot.issues import service
from bot.issues.facts import issue_facts
from bot.notify.channel import Channel, DepartmentDesk, Desk, GridDesk
from bot.outbox.queue import enqueue
from bot.privacy import ERASED_CITIZEN
from bot.telegram.texts import card_text, escaped, status_label
from bot.text import html
from bot.triage import service as triage
from handlers import deputy_keyboards, followthrough_keyboards, followup_keyboards, keyboards
from storage.models import Department, Deputy, DeputyContact, GroupChat, Issue, IssueAttachment, User

CAPTION_LIMIT = 1024
ALERTS_PER_MESSAGE = 15  # issues listed in one gathered alert (Telegram allows 4,096 characters)
PREVIEW = 300  # characters of an issue's description in a deputy's push


def markup(keyboard: object) -> dict:
    """A keyboard as the JSON the outbox stores."""
    return keyboard.model_dump(mode="json", exclude_none=True)  # type: ignore[attr-defined]


def preview(text: str) -> str:
    return text if len(text) <= PREVIEW else text[:PREVIEW] + "…"


class TelegramChannel(Channel):
    def __init__(
        self, translator: Translator, tz: tzinfo, admin_ids: frozenset[int], thresholds: Thresholds | None = None
    ) -> None:
        self.translator = translator
        self.tz = tz
        self.admin_ids = admin_ids
        self.thresholds = thresholds  # 🟡 / 🔴 on the cards

    def light(self, issue: Issue, now: datetime) -> Light:
        return self.thresholds.of_issue(issue, now) if self.thresholds is not None else Light.NONE

    def group_t(self) -> Translate:
        return self.translator.bind(None)

    async def user_t(self, s: AsyncSession, user_id: int | None) -> Translate:
        user = await s.get(User, user_id) if user_id is not None else None
        return self.translator.bind(user.locale if user else None)

    def send(
        self, s: AsyncSession, *, chat_id: int, text: str, now: datetime, keyboard: object = None, **link: object
    ) -> None:
        params: dict = {"text": text, "parse_mode": "HTML"}
        if keyboard is not None:
            params["reply_markup"] = markup(keyboard)
        enqueue(s, chat_id=chat_id, method="sendMessage", params=params, now=now, **link)  # type: ignore[arg-type]

    async def chat_of(self, s: AsyncSession, desk: Desk) -> int | None:
        if isinstance(desk, GridDesk):
            group = await service.holding_group(s, grid_id=desk.grid_id)
            return group.chat_id if group is not None else None
        if isinstance(desk, DepartmentDesk):
            dept = await triage.department(s, desk.department_id)
            return dept.chat_id if dept is not None else None
        return desk.user_id

    # -- the people working on an issue ----------------------------------------------------------

    async def post_card(
        self,
        s: AsyncSession,
        *,
        issue: Issue,
        desk: Desk,
        headline: str,
        now: datetime,
        files: list[IssueAttachment] | None = None,
        note: str | None = None,
    ) -> bool:
        """The card, then its photos, voice and location as replies to it (`files`: the issue's
        attachments when the caller has them at hand, as for a new issue; else they are read)."""
        assert issue.id is not None
        chat_id = await self.chat_of(s, desk)
        if chat_id is None:
            return False
        t = self.group_t()
        facts = await issue_facts(s, issue)
        self.send(
            s,
            chat_id=chat_id,
            text=card_text(t, issue, facts, headline=headline, tz=self.tz, light=self.light(issue, now)),
            keyboard=await self._card_keyboard(s, t, issue, chat_id),
            now=now,
            issue_id=issue.id,
            link_kind=LinkKind.CARD,
        )
        if files is None:
            files = await service.attachments(s, issue.id)
        photos = [a.file_id for a in files if a.kind == AttachmentKind.PHOTO]
        media: list[tuple[str, dict]] = []
        if len(photos) == 1:
            media.append(("sendPhoto", {"photo": photos[0]}))
        elif photos:
            media.append(("sendMediaGroup", {"media": [{"type": "photo", "media": p} for p in photos]}))
        media += [("sendVoice", {"voice": a.file_id}) for a in files if a.kind == AttachmentKind.VOICE]
        if issue.latitude is not None and issue.longitude is not None:
            media.append(("sendLocation", {"latitude": issue.latitude, "longitude": issue.longitude}))
        if note is not None:
            media.append(("sendMessage", {"text": t("card-move-note", note=html(note)), "parse_mode": "HTML"}))
        for method, params in media:
            enqueue(
                s,
                chat_id=chat_id,
                method=method,
                params=params,
                now=now,
                issue_id=issue.id,
                link_kind=LinkKind.CARD_MEDIA,
                target_kind=LinkKind.CARD,
            )
        return True

    async def _card_keyboard(self, s: AsyncSession, t: Translate, issue: Issue, chat_id: int) -> object:
        """The card's buttons for this chat: the holder, the department or a lower level watching."""
        assert issue.id is not None
        return keyboards.issue_card(t, issue.id, await triage.buttons_for(s, issue, chat_id))

    async def refresh_cards(self, s: AsyncSession, *, issue: Issue, now: datetime) -> None:
        """Edit every card of the issue so the group sees its current state and buttons."""
        assert issue.id is not None
        t = self.group_t()
        facts = await issue_facts(s, issue)
        for chat_id in await service.card_chats(s, issue_id=issue.id):
            enqueue(
                s,
                chat_id=chat_id,
                method="editMessageText",
                params={
                    "text": card_text(
                        t, issue, facts, headline="card-headline", tz=self.tz, light=self.light(issue, now)
                    ),
                    "parse_mode": "HTML",
                    "reply_markup": markup(await self._card_keyboard(s, t, issue, chat_id)),
                },
                now=now,
                issue_id=issue.id,
                target_kind=LinkKind.CARD,
            )

    async def relay_to_cards(
        self, s: AsyncSession, *, issue: Issue, text: str | None, photo: str | None, now: datetime
    ) -> None:
        """A citizen's follow-up, posted as a reply to the card in every group that holds it."""
        t = self.group_t()
        body = t("relay-from-citizen", ref=issue.ref, text=html(text) if text else t("relay-photo-only"))
        for chat_id in await service.card_chats(s, issue_id=issue.id):  # type: ignore[arg-type]
            self._text_or_photo(
                s,
                chat_id=chat_id,
                issue=issue,
                body=body,
                photo=photo,
                now=now,
                link_kind=LinkKind.GROUP_RELAY,
                target_kind=LinkKind.CARD,
                batch_key=None if photo else f"relay:{issue.id}",  # quick lines reach a busy group as one
            )

    async def say_under_cards(self, s: AsyncSession, *, issue: Issue, key: str, now: datetime, **args: object) -> None:
        text = self.group_t()(key, ref=issue.ref, **escaped(args, self.tz))
        for chat_id in await service.card_chats(s, issue_id=issue.id):  # type: ignore[arg-type]
            self.send(s, chat_id=chat_id, text=text, now=now, issue_id=issue.id, target_kind=LinkKind.CARD)

    async def tell_person(self, s: AsyncSession, *, user_id: int, key: str, now: datetime, **args: object) -> None:
        t = await self.user_t(s, user_id)
        self.send(s, chat_id=user_id, text=t(key, **escaped(args, self.tz)), now=now)

    async def tell_admins(self, s: AsyncSession, *, key: str, now: datetime, **args: object) -> None:
        for admin_id in sorted(self.admin_ids):
            await self.tell_person(s, user_id=admin_id, key=key, now=now, **args)

    async def extension_card(self, s: AsyncSession, *, notice: ExtensionRequested) -> None:
        """延期申请 to decide: in the approving group, else in each administrator's private chat."""
        issue = notice.issue
        facts = await issue_facts(s, issue)
        chats = [notice.approver_chat_id] if notice.approver_chat_id is not None else sorted(self.admin_ids)
        for chat_id in chats:
            t = self.group_t() if notice.approver_chat_id is not None else await self.user_t(s, chat_id)
            args = {
                "ref": issue.ref,
                "grid": facts.grid_path,
                "category": facts.category,
                "who": notice.requester,
                "days": str(notice.days),
                "reason": notice.reason,
                "deadline": issue.deadline,
                "new_deadline": notice.new_deadline,
            }
            self.send(
                s,
                chat_id=chat_id,
                text=t("ext-card", **escaped(args, self.tz)),
                keyboard=followup_keyboards.extension_decision(t, notice.request_id),
                now=notice.now,
            )

    async def alerts(
        self, s: AsyncSession, *, kind: AlertKind, items: list[tuple[Issue, list[Desk]]], now: datetime
    ) -> None:
        """Gathered per chat: one issue is a reply to its card; several are one message listing
        them (capped), so a group with many overdue issues is not flooded."""
        t = self.group_t()
        by_chat: dict[int, list[tuple[Issue, str]]] = {}
        for issue, desks in items:
            facts = await issue_facts(s, issue)
            text = t(
                kind.value,
                **escaped(
                    {
                        "ref": issue.ref,
                        "category": facts.category,
                        "grid": facts.grid_name,
                        "deadline": issue.deadline,
                        "who": issue.assignee_name or facts.department,
                    },
                    self.tz,
                ),
            )
            chats = [await self.chat_of(s, desk) for desk in desks]
            for chat_id in dict.fromkeys(c for c in chats if c is not None):
                by_chat.setdefault(chat_id, []).append((issue, text))
        for chat_id, items in by_chat.items():
            if len(items) == 1:
                issue, text = items[0]
                self.send(s, chat_id=chat_id, text=text, now=now, issue_id=issue.id, target_kind=LinkKind.CARD)
                continue
            lines = [t(f"{kind.value}-many", count=str(len(items)))]
            lines += [f"{n}. {text}" for n, (_, text) in enumerate(items[:ALERTS_PER_MESSAGE], start=1)]
            if len(items) > ALERTS_PER_MESSAGE:
                lines.append(t("remind-more", count=str(len(items) - ALERTS_PER_MESSAGE)))
            self.send(s, chat_id=chat_id, text="\n".join(lines), now=now)

    async def desks(self, s: AsyncSession) -> tuple[set[int], set[int]]:
        """The grids with a bound group and the departments with a group of their own."""
        grids = {int(g) for g in (await s.exec(select(GroupChat.grid_id))).all()}
        depts = {
            int(d) for d in (await s.exec(select(Department.id).where(col(Department.chat_id).is_not(None)))).all()
        }
        return grids, depts

    async def digest(self, s: AsyncSession, *, digest: UnitDigest) -> bool:
        t = self.group_t()
        numbers = {k: str(v) for k, v in digest.numbers.items()}
        if digest.department_id is not None:
            chat_id = await self.chat_of(s, DepartmentDesk(digest.department_id))
            text = t("digest-department", department=html(digest.name), date=digest.day.isoformat(), **numbers)
        else:
            assert digest.grid_id is not None
            chat_id = await self._own_group(s, digest.grid_id)
            text = t("digest", grid=html(digest.name), date=digest.day.isoformat(), **numbers)
        if chat_id is None:
            return False
        self.send(s, chat_id=chat_id, text=text, now=digest.now)
        return True

    async def _own_group(self, s: AsyncSession, grid_id: int) -> int | None:
        found = (await s.exec(select(GroupChat.chat_id).where(GroupChat.grid_id == grid_id))).first()
        return int(found) if found is not None else None

    # -- the citizen -------------------------------------------------------------------------------

    async def push_citizen(
        self, s: AsyncSession, *, issue: Issue, key: str, now: datetime, rating: bool = False, **args: object
    ) -> None:
        """A progress message to the citizen. A reply to it reaches the grid."""
        assert issue.id is not None
        if issue.citizen_id == ERASED_CITIZEN:
            return  # the citizen erased their data: there is nobody to tell
        t = self.translator.bind(await service.citizen_locale(s, issue.citizen_id))
        facts = await issue_facts(s, issue)
        text = t(
            key,
            ref=issue.ref,
            **escaped({"grid": facts.grid_name, "category": facts.category, **args}, self.tz),
        )
        self.send(
            s,
            chat_id=issue.citizen_id,
            text=text,
            keyboard=keyboards.rating(t, issue.id) if rating else None,
            now=now,
            issue_id=issue.id,
            link_kind=LinkKind.CITIZEN_PUSH,
        )

    async def ask_contact(self, s: AsyncSession, *, issue: Issue, deputy_name: str, now: datetime) -> None:
        assert issue.id is not None
        if issue.citizen_id == ERASED_CITIZEN:
            return
        t = self.translator.bind(await service.citizen_locale(s, issue.citizen_id))
        self.send(
            s,
            chat_id=issue.citizen_id,
            text=t("contact-ask", ref=issue.ref, deputy=html(deputy_name)),
            keyboard=deputy_keyboards.contact_consent(t, issue.id),
            now=now,
        )

    async def push_follower(
        self, s: AsyncSession, *, issue: Issue, user_id: int, key: str, now: datetime, **args: object
    ) -> None:
        """The progress message for a follower, without the rating buttons: a follower's own text
        (`follow-push-*`), or the citizen's under the heading "您关注的诉求"."""
        t = await self.user_t(s, user_id)
        facts = await issue_facts(s, issue)
        body = t(key, ref=issue.ref, **escaped({"grid": facts.grid_name, "category": facts.category, **args}, self.tz))
        if not key.startswith("follow-push-"):
            body = f"{t('follow-push-title', ref=issue.ref)}\n{body}"
        self.send(s, chat_id=user_id, text=body, now=now)

    async def ask_lookback(self, s: AsyncSession, *, issue: Issue, ask: int, now: datetime) -> None:
        assert issue.id is not None
        if issue.citizen_id == ERASED_CITIZEN:
            return
        t = self.translator.bind(await service.citizen_locale(s, issue.citizen_id))
        facts = await issue_facts(s, issue)
        key = "lookback-question" if ask == 1 else "lookback-question-again"
        self.send(
            s,
            chat_id=issue.citizen_id,
            text=t(key, ref=issue.ref, category=html(facts.category), description=html(preview(issue.description))),
            keyboard=followthrough_keyboards.lookback(t, issue.id, ask),
            now=now,
            issue_id=issue.id,
            link_kind=LinkKind.CITIZEN_PUSH,
        )

    async def relay_to_citizen(
        self,
        s: AsyncSession,
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
        t = self.translator.bind(await service.citizen_locale(s, issue.citizen_id))
        content = html(text) if text else t("relay-photo-only")
        if department:
            body = t("relay-from-department", ref=issue.ref, department=html(department), text=content)
        else:
            facts = await issue_facts(s, issue)
            body = t("relay-from-grid", ref=issue.ref, grid=html(facts.grid_name), text=content)
        self._text_or_photo(
            s, chat_id=issue.citizen_id, issue=issue, body=body, photo=photo, now=now, link_kind=LinkKind.CITIZEN_RELAY
        )

    def _text_or_photo(
        self,
        s: AsyncSession,
        *,
        chat_id: int,
        issue: Issue,
        body: str,
        photo: str | None,
        now: datetime,
        link_kind: LinkKind,
        target_kind: LinkKind | None = None,
        batch_key: str | None = None,
    ) -> None:
        common = {
            "chat_id": chat_id,
            "now": now,
            "issue_id": issue.id,
            "link_kind": link_kind,
            "target_kind": target_kind,
        }
        if photo and len(body) <= CAPTION_LIMIT:
            enqueue(s, method="sendPhoto", params={"photo": photo, "caption": body, "parse_mode": "HTML"}, **common)
            return
        if photo:
            enqueue(s, method="sendPhoto", params={"photo": photo}, **common)
        enqueue(s, method="sendMessage", params={"text": body, "parse_mode": "HTML"}, batch_key=batch_key, **common)

    # -- deputies ----------------------------------------------------------------------------------

    async def push_deputy(
        self, s: AsyncSession, *, deputy: Deputy, issue: Issue, urgency: Urgency, detail: str | None, now: datetime
    ) -> None:
        assert deputy.telegram_user_id is not None and issue.id is not None
        t = await self.user_t(s, deputy.telegram_user_id)
        facts = await issue_facts(s, issue)
        what = t(f"dep-step-{detail.replace('_', '-')}") if detail else t(f"dep-notice-{urgency.value}")
        supervising = issue.supervised_by_deputy_id == deputy.id
        text = "\n".join(
            [
                t("dep-push-title", ref=issue.ref, what=what),
                t("card-grid", grid=html(facts.grid_path)),
                t("card-category", category=html(facts.category)),
                t("card-status", status=status_label(t, issue.status)),
                *([t("dep-push-you-supervise")] if supervising else []),
                "",
                html(preview(issue.description)),
            ]
        )
        can_supervise = issue.supervised_by_deputy_id is None and issue.status.value != "closed"
        self.send(
            s,
            chat_id=deputy.telegram_user_id,
            now=now,
            text=text,
            keyboard=deputy_keyboards.issue_push(t, issue.id, can_supervise=can_supervise),
        )

    async def to_deputy(
        self,
        s: AsyncSession,
        *,
        deputy: Deputy,
        contact: DeputyContact,
        text: str,
        citizen_name: str,
        first: bool,
        now: datetime,
    ) -> None:
        assert deputy.telegram_user_id is not None and contact.id is not None
        t = await self.user_t(s, deputy.telegram_user_id)
        key = "dep-inbox-new" if first else "dep-inbox-followup"
        self.send(
            s,
            chat_id=deputy.telegram_user_id,
            now=now,
            text=t(key, number=str(contact.id), name=html(citizen_name), text=html(text)),
            keyboard=deputy_keyboards.inbox(t, contact.id, convertible=contact.issue_id is None),
            link_kind=LinkKind.DEPUTY_INBOX,
            contact_id=contact.id,
        )

    async def deputy_answer(
        self, s: AsyncSession, *, deputy: Deputy, contact: DeputyContact, text: str, now: datetime
    ) -> None:
        t = await self.user_t(s, contact.citizen_id)
        self.send(
            s,
            chat_id=contact.citizen_id,
            now=now,
            text=t("dep-answer-to-citizen", deputy=html(deputy.name), text=html(text)),
            link_kind=LinkKind.DEPUTY_ANSWER,
            contact_id=contact.id,
        )

    async def personal_note(self, s: AsyncSession, *, note: PersonalNote) -> None:
        keyboard = deputy_keyboards.duty_day(self.translator.bind(note.locale)) if note.visit_button else None
        self.send(s, chat_id=note.user_id, text=note.text, now=note.now, keyboard=keyboard)
        if note.file is not None:
            name, content = note.file
            enqueue(
                s,
                chat_id=note.user_id,
                method="sendDocument",
                now=note.now,
                params={"document": upload(content, name), "caption": note.caption},
            )
