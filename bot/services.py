"""Everything the application does without a running bot: built once from the settings and shared by
the bot, the scheduled jobs and the CLI (which has no bot token to work with). The channels are
wired here too: queueing a message needs no connection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.citizens import Citizens
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.deputies.flows import DeputyFlows
from bot.deputies.notify import DeputyAudience
from bot.domain.warnings import Thresholds
from bot.followthrough.flows import FollowThroughFlows
from bot.followup.extensions import ExtensionFlows
from bot.followup.levels import SupervisionLevels
from bot.group_throttle import GroupThrottle
from bot.i18n import Translator
from bot.invitations.service import Invitations
from bot.issues.flows import IssueFlows
from bot.ledger.ledger import Ledger
from bot.notify.audience import Audience
from bot.notify.channel import Channel
from bot.organisation.groups import Groups
from bot.organisation.migration import GroupMigration
from bot.organisation.service import Directory
from bot.personal_data import PersonalData
from bot.telegram.channel import TelegramChannel
from bot.throttle import CitizenThrottle
from bot.triage.flows import TriageFlows
from bot.wecom.channel import WeComChannel
from storage.database import Database


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    translator: Translator
    audience: Audience
    flows: IssueFlows
    citizens: Citizens
    directory: Directory
    groups: Groups
    migration: GroupMigration
    invitations: Invitations
    deputies: DeputyFlows
    triage: TriageFlows
    ledger: Ledger
    throttle: CitizenThrottle
    group_throttle: GroupThrottle
    personal: PersonalData
    followthrough: FollowThroughFlows
    thresholds: Thresholds  # 🟡 / 🔴 (issue 18)
    extensions: ExtensionFlows  # 延期申请
    levels: SupervisionLevels  # 督办 普通 / 黄牌 / 红牌

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        settled: Callable[[int], Awaitable[None]] | None = None,
    ) -> Services:
        clock = clock or SystemClock()
        db = Database(settings.database_url)
        translator = Translator(settings.default_locale)
        thresholds = Thresholds(
            yellow_percent=settings.warning_yellow_percent, red_percent=settings.warning_red_percent, tz=settings.tz
        )
        # Where notices go. Queueing needs no connection to the channel: the CLI's jobs queue too.
        channels: list[Channel] = [
            TelegramChannel(translator, settings.tz, settings.admin_ids, thresholds),
            WeComChannel(translator, settings.tz),  # the grids and departments that have a robot
        ]
        audience = Audience(channels, DeputyAudience(settings.deputy_points))
        flows = IssueFlows(
            db=db,
            notifier=audience,
            translator=translator,
            clock=clock,
            tz=settings.tz,
            settled=settled,
            admins=settings.admin_ids,
        )
        deputies = DeputyFlows(
            db=db,
            clock=clock,
            tz=settings.tz,
            notifier=audience,
            translator=translator,
            issue_flows=flows,
            default_day=settings.deputy_duty_day,
            points=settings.deputy_points,
            admin_ids=settings.admin_ids,
            settled=settled,
        )
        return cls(
            settings=settings,
            clock=clock,
            db=db,
            translator=translator,
            audience=audience,
            flows=flows,
            citizens=Citizens(db),
            directory=Directory(db),
            groups=Groups(db),
            migration=GroupMigration(db=db, clock=clock, translator=translator, admin_ids=settings.admin_ids),
            invitations=Invitations(db, clock, audience),
            deputies=deputies,
            triage=TriageFlows(flows),
            ledger=Ledger(db=db, clock=clock, tz=settings.tz, translator=translator, thresholds=thresholds),
            throttle=CitizenThrottle(
                messages_per_minute=settings.citizen_messages_per_minute,
                reports_per_hour=settings.citizen_reports_per_hour,
            ),
            group_throttle=GroupThrottle(
                commands_per_minute=settings.group_commands_per_minute,
                presses_per_minute=settings.group_presses_per_minute,
            ),
            personal=PersonalData(db, clock, settings.admin_ids),
            followthrough=FollowThroughFlows(flows, lookback_days=settings.lookback_days),
            thresholds=thresholds,
            extensions=ExtensionFlows(flows, max_days=settings.extension_max_working_days),
            levels=SupervisionLevels(flows),
        )
