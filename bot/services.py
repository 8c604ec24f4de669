"""Everything the application does without Telegram: built once from the settings and shared by the
bot, the scheduled jobs and the CLI (which has no bot token to work with)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.citizens import Citizens
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.deputies.flows import DeputyFlows
from bot.deputies.messaging import DeputyMessenger
from bot.deputies.notify import DeputyNotifier
from bot.i18n import Translator
from bot.invitations.service import Invitations
from bot.issues.flows import IssueFlows
from bot.issues.messaging import IssueMessenger
from bot.ledger.ledger import Ledger
from bot.organisation.groups import Groups
from bot.organisation.service import Directory
from bot.personal_data import PersonalData
from bot.throttle import CitizenThrottle
from bot.triage.flows import TriageFlows
from storage.database import Database


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    translator: Translator
    messenger: IssueMessenger
    flows: IssueFlows
    citizens: Citizens
    directory: Directory
    groups: Groups
    invitations: Invitations
    deputies: DeputyFlows
    triage: TriageFlows
    ledger: Ledger
    throttle: CitizenThrottle
    personal: PersonalData
    # Wakes the outbox sender after something was queued (a no-op where no bot runs, as in the CLI).
    notify_queued: Callable[[], None]

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        on_queued: Callable[[], None] = lambda: None,
        settled: Callable[[int], Awaitable[None]] | None = None,
    ) -> Services:
        clock = clock or SystemClock()
        db = Database(settings.database_url)
        translator = Translator(settings.default_locale)
        messenger = IssueMessenger(translator, settings.tz, settings.admin_ids)
        deputy_messenger = DeputyMessenger(translator, settings.tz, messenger)
        notifier = DeputyNotifier(deputy_messenger, settings.deputy_points)
        flows = IssueFlows(
            db=db,
            messenger=messenger,
            clock=clock,
            tz=settings.tz,
            on_queued=on_queued,
            settled=settled,
            observer=notifier,
            admins=settings.admin_ids,
        )
        deputies = DeputyFlows(
            db=db,
            clock=clock,
            tz=settings.tz,
            messenger=deputy_messenger,
            issue_flows=flows,
            default_day=settings.deputy_duty_day,
            points=settings.deputy_points,
            admin_ids=settings.admin_ids,
            on_queued=on_queued,
            settled=settled,
        )
        return cls(
            settings=settings,
            clock=clock,
            db=db,
            translator=translator,
            messenger=messenger,
            flows=flows,
            citizens=Citizens(db),
            directory=Directory(db),
            groups=Groups(db),
            invitations=Invitations(db, clock),
            deputies=deputies,
            triage=TriageFlows(flows),
            ledger=Ledger(db=db, clock=clock, tz=settings.tz, translator=translator),
            throttle=CitizenThrottle(
                messages_per_minute=settings.citizen_messages_per_minute,
                reports_per_hour=settings.citizen_reports_per_hour,
            ),
            personal=PersonalData(db, clock),
            notify_queued=on_queued,
        )
