"""Citizens' messages to a deputy who has no Telegram account yet are kept (DeputyContact rows,
the station staff told at once) and delivered to the deputy's inbox when the deputy links."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import LinkKind
from bot.domain.notices import CitizenWroteToDeputy, Notifier
from storage.models import Deputy, DeputyContact, DeputyMessageLink, OutboxMessage, OutboxStatus, User


async def deliver_kept(s: AsyncSession, *, deputy: Deputy, notifier: Notifier, now: datetime) -> int:
    """Queue, oldest first, every message of the deputy's that never reached a deputy's inbox
    (neither sent, nor waiting in the outbox). Returns how many."""
    assert deputy.id is not None and deputy.telegram_user_id is not None
    sent = select(DeputyMessageLink.contact_id).where(DeputyMessageLink.kind == LinkKind.DEPUTY_INBOX)
    queued = select(OutboxMessage.contact_id).where(
        OutboxMessage.link_kind == LinkKind.DEPUTY_INBOX,
        col(OutboxMessage.contact_id).is_not(None),
        OutboxMessage.status == OutboxStatus.PENDING,
    )
    query = (
        select(DeputyContact)
        .where(
            DeputyContact.deputy_id == deputy.id,
            col(DeputyContact.id).not_in(sent),
            col(DeputyContact.id).not_in(queued),
        )
        .order_by(col(DeputyContact.id))
    )
    kept = list((await s.exec(query)).all())
    for contact in kept:
        citizen = await s.get(User, contact.citizen_id)
        await notifier.notify(
            s,
            CitizenWroteToDeputy(
                deputy=deputy,
                contact=contact,
                text=contact.text,
                citizen_name=citizen.full_name if citizen else "",
                first=True,
                now=now,
            ),
        )
    return len(kept)
