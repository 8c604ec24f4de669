"""The schema before migrations: as create_all made it before the outbox had channels and before
WeCom robots (git 8a290d7). A database made by create_all then is stamped at this revision.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("default_deadline_days", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_category_code"), ["code"], unique=True)

    op.create_table(
        "fsmrecord",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "grid",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.Enum("COUNTY", "TOWNSHIP", "VILLAGE", name="gridlevel"), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["grid.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("grid", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grid_code"), ["code"], unique=True)
        batch_op.create_index(batch_op.f("ix_grid_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_token"), ["token"], unique=True)

    op.create_table(
        "processedupdate",
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("update_id"),
    )
    with op.batch_alter_table("processedupdate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_processedupdate_received_at"), ["received_at"], unique=False)

    op.create_table(
        "refcounter",
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period"),
    )
    op.create_table(
        "station",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("duty_day", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("station", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_station_code"), ["code"], unique=True)

    op.create_table(
        "supervisionmark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "subject", "key", name="uq_supervision_mark"),
    )
    op.create_table(
        "unreachablechat",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id"),
    )
    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("liaison_ids", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grid.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_department_chat_id"), ["chat_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_department_code"), ["code"], unique=True)
        batch_op.create_index(batch_op.f("ix_department_grid_id"), ["grid_id"], unique=False)

    op.create_table(
        "deputy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("duty_day", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("notify_mode", sa.Enum("DEFAULT", "ALL", "DIGEST", "OFF", name="notifymode"), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["station.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deputy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deputy_code"), ["code"], unique=True)
        batch_op.create_index(batch_op.f("ix_deputy_station_id"), ["station_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deputy_telegram_user_id"), ["telegram_user_id"], unique=False)

    op.create_table(
        "groupchat",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("bound_by", sa.BigInteger(), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grid.id"],
        ),
        sa.PrimaryKeyConstraint("chat_id"),
        sa.UniqueConstraint("grid_id"),
    )
    op.create_table(
        "rolegrant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "role", "scope"),
    )
    with op.batch_alter_table("rolegrant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rolegrant_user_id"), ["user_id"], unique=False)

    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.Enum("WORKER", "LEADER", "OFFICIAL", name="staffrole"), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grid.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_telegram_user_id"), ["telegram_user_id"], unique=False)

    op.create_table(
        "stationtheme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("set_by", sa.BigInteger(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["station.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("station_id", "period"),
    )
    with op.batch_alter_table("stationtheme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stationtheme_station_id"), ["station_id"], unique=False)

    op.create_table(
        "user",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("username", sa.String(), nullable=True),
        sa.Column("locale", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("last_grid_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["last_grid_id"],
            ["grid.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "deputygrid",
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deputy_id"],
            ["deputy.id"],
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grid.id"],
        ),
        sa.PrimaryKeyConstraint("deputy_id", "grid_id"),
    )
    with op.batch_alter_table("deputygrid", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deputygrid_grid_id"), ["grid_id"], unique=False)

    op.create_table(
        "deputysend",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deputy_id"],
            ["deputy.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("deputy_id", "kind", "period"),
    )
    with op.batch_alter_table("deputysend", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deputysend_deputy_id"), ["deputy_id"], unique=False)

    op.create_table(
        "issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("citizen_id", sa.BigInteger(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("RECEIVED", "IN_PROGRESS", "RESOLVED", "CLOSED", "REOPENED", name="issuestatus"),
            nullable=False,
        ),
        sa.Column("assignee_id", sa.BigInteger(), nullable=True),
        sa.Column("assignee_name", sa.String(), nullable=True),
        sa.Column("resolution_note", sa.String(), nullable=True),
        sa.Column("rating", sa.Enum("SATISFIED", "BASIC", "UNSATISFIED", name="rating"), nullable=True),
        sa.Column("rating_comment", sa.String(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("holder_grid_id", sa.Integer(), nullable=True),
        sa.Column("disposition", sa.Enum("EXPLAIN", "HANDLE", "ASSIGN", name="disposition"), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("supervised_by_deputy_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grid.id"],
        ),
        sa.ForeignKeyConstraint(
            ["holder_grid_id"],
            ["grid.id"],
        ),
        sa.ForeignKeyConstraint(
            ["supervised_by_deputy_id"],
            ["deputy.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issue_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_issue_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_issue_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index("ix_issue_ledger", ["holder_grid_id", "status", "deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_issue_ref"), ["ref"], unique=True)
        batch_op.create_index(batch_op.f("ix_issue_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_issue_supervised_by_deputy_id"), ["supervised_by_deputy_id"], unique=False)

    op.create_table(
        "pointentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deputy_id"],
            ["deputy.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pointentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pointentry_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pointentry_deputy_id"), ["deputy_id"], unique=False)

    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("residents", sa.Integer(), nullable=False),
        sa.Column("places", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deputy_id"],
            ["deputy.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_deputy_id"), ["deputy_id"], unique=False)

    op.create_table(
        "deputycontact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deputy_id"],
            ["deputy.id"],
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deputycontact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deputycontact_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deputycontact_deputy_id"), ["deputy_id"], unique=False)

    op.create_table(
        "issueevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "SUBMITTED",
                "CLAIMED",
                "ANSWERED",
                "CITIZEN_REPLIED",
                "RESOLVED",
                "RATED",
                "REOPENED",
                "SUPERVISED",
                "EXPLAINED",
                "HANDLED",
                "ASSIGNED",
                "ESCALATED",
                "AUTO_ESCALATED",
                "SENT_BACK",
                "PHONE_VIEWED",
                name="eventkind",
            ),
            nullable=False,
        ),
        sa.Column(
            "actor_role", sa.Enum("CITIZEN", "GRID", "SYSTEM", "DEPUTY", "DEPARTMENT", name="actorrole"), nullable=False
        ),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_name", sa.String(), nullable=True),
        sa.Column("text", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("issueevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issueevent_issue_id"), ["issue_id"], unique=False)

    op.create_table(
        "issuenotice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grid.id"],
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("issuenotice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issuenotice_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_issuenotice_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_issuenotice_issue_id"), ["issue_id"], unique=False)

    op.create_table(
        "messagelink",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "CARD",
                "CARD_MEDIA",
                "GROUP_RELAY",
                "CITIZEN_RELAY",
                "RESOLVE_PROMPT",
                "CITIZEN_PUSH",
                "DEPUTY_INBOX",
                "DEPUTY_ANSWER",
                "EXPLAIN_PROMPT",
                "ESCALATE_PROMPT",
                "SEND_BACK_PROMPT",
                name="linkkind",
            ),
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("messagelink", schema=None) as batch_op:
        batch_op.create_index("ix_messagelink_chat_message", ["chat_id", "message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_messagelink_issue_id"), ["issue_id"], unique=False)

    op.create_table(
        "visitmatter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visitmatter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visitmatter_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "deputymessagelink",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "CARD",
                "CARD_MEDIA",
                "GROUP_RELAY",
                "CITIZEN_RELAY",
                "RESOLVE_PROMPT",
                "CITIZEN_PUSH",
                "DEPUTY_INBOX",
                "DEPUTY_ANSWER",
                "EXPLAIN_PROMPT",
                "ESCALATE_PROMPT",
                "SEND_BACK_PROMPT",
                name="linkkind",
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["deputycontact.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deputymessagelink", schema=None) as batch_op:
        batch_op.create_index("ix_deputymessagelink_chat_message", ["chat_id", "message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deputymessagelink_contact_id"), ["contact_id"], unique=False)

    op.create_table(
        "issueattachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.Enum("PHOTO", "VOICE", name="attachmentkind"), nullable=False),
        sa.Column("file_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["issueevent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("issueattachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issueattachment_issue_id"), ["issue_id"], unique=False)

    op.create_table(
        "outboxmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column(
            "link_kind",
            sa.Enum(
                "CARD",
                "CARD_MEDIA",
                "GROUP_RELAY",
                "CITIZEN_RELAY",
                "RESOLVE_PROMPT",
                "CITIZEN_PUSH",
                "DEPUTY_INBOX",
                "DEPUTY_ANSWER",
                "EXPLAIN_PROMPT",
                "ESCALATE_PROMPT",
                "SEND_BACK_PROMPT",
                name="linkkind",
            ),
            nullable=True,
        ),
        sa.Column(
            "target_kind",
            sa.Enum(
                "CARD",
                "CARD_MEDIA",
                "GROUP_RELAY",
                "CITIZEN_RELAY",
                "RESOLVE_PROMPT",
                "CITIZEN_PUSH",
                "DEPUTY_INBOX",
                "DEPUTY_ANSWER",
                "EXPLAIN_PROMPT",
                "ESCALATE_PROMPT",
                "SEND_BACK_PROMPT",
                name="linkkind",
            ),
            nullable=True,
        ),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.Enum("PENDING", "SENT", "FAILED", name="outboxstatus"), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["deputycontact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outboxmessage_chat_id"), ["chat_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outboxmessage_chat_id"))
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outboxmessage")
    with op.batch_alter_table("issueattachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issueattachment_issue_id"))

    op.drop_table("issueattachment")
    with op.batch_alter_table("deputymessagelink", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deputymessagelink_contact_id"))
        batch_op.drop_index("ix_deputymessagelink_chat_message")

    op.drop_table("deputymessagelink")
    with op.batch_alter_table("visitmatter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visitmatter_visit_id"))

    op.drop_table("visitmatter")
    with op.batch_alter_table("messagelink", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messagelink_issue_id"))
        batch_op.drop_index("ix_messagelink_chat_message")

    op.drop_table("messagelink")
    with op.batch_alter_table("issuenotice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issuenotice_issue_id"))
        batch_op.drop_index(batch_op.f("ix_issuenotice_grid_id"))
        batch_op.drop_index(batch_op.f("ix_issuenotice_at"))

    op.drop_table("issuenotice")
    with op.batch_alter_table("issueevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issueevent_issue_id"))

    op.drop_table("issueevent")
    with op.batch_alter_table("deputycontact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deputycontact_deputy_id"))
        batch_op.drop_index(batch_op.f("ix_deputycontact_citizen_id"))

    op.drop_table("deputycontact")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_deputy_id"))

    op.drop_table("visit")
    with op.batch_alter_table("pointentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pointentry_deputy_id"))
        batch_op.drop_index(batch_op.f("ix_pointentry_at"))

    op.drop_table("pointentry")
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_supervised_by_deputy_id"))
        batch_op.drop_index(batch_op.f("ix_issue_status"))
        batch_op.drop_index(batch_op.f("ix_issue_ref"))
        batch_op.drop_index("ix_issue_ledger")
        batch_op.drop_index(batch_op.f("ix_issue_grid_id"))
        batch_op.drop_index(batch_op.f("ix_issue_created_at"))
        batch_op.drop_index(batch_op.f("ix_issue_citizen_id"))

    op.drop_table("issue")
    with op.batch_alter_table("deputysend", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deputysend_deputy_id"))

    op.drop_table("deputysend")
    with op.batch_alter_table("deputygrid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deputygrid_grid_id"))

    op.drop_table("deputygrid")
    op.drop_table("user")
    with op.batch_alter_table("stationtheme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stationtheme_station_id"))

    op.drop_table("stationtheme")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_telegram_user_id"))
        batch_op.drop_index(batch_op.f("ix_staff_grid_id"))

    op.drop_table("staff")
    with op.batch_alter_table("rolegrant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rolegrant_user_id"))

    op.drop_table("rolegrant")
    op.drop_table("groupchat")
    with op.batch_alter_table("deputy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deputy_telegram_user_id"))
        batch_op.drop_index(batch_op.f("ix_deputy_station_id"))
        batch_op.drop_index(batch_op.f("ix_deputy_code"))

    op.drop_table("deputy")
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_department_grid_id"))
        batch_op.drop_index(batch_op.f("ix_department_code"))
        batch_op.drop_index(batch_op.f("ix_department_chat_id"))

    op.drop_table("department")
    op.drop_table("unreachablechat")
    op.drop_table("supervisionmark")
    with op.batch_alter_table("station", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_station_code"))

    op.drop_table("station")
    op.drop_table("refcounter")
    with op.batch_alter_table("processedupdate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processedupdate_received_at"))

    op.drop_table("processedupdate")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_token"))

    op.drop_table("invitation")
    with op.batch_alter_table("grid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grid_parent_id"))
        batch_op.drop_index(batch_op.f("ix_grid_code"))

    op.drop_table("grid")
    op.drop_table("fsmrecord")
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_category_code"))

    op.drop_table("category")
    # PostgreSQL keeps each enum as a type of its own, which dropping the tables leaves behind.
    for name in ENUM_TYPES:
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)


ENUM_TYPES = (
    "actorrole",
    "attachmentkind",
    "disposition",
    "eventkind",
    "gridlevel",
    "issuestatus",
    "linkkind",
    "notifymode",
    "outboxstatus",
    "rating",
    "staffrole",
)
