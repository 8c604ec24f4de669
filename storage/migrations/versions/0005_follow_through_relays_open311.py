"""Follow-through (关注, 重复件, the 回访 look-back), a citizen's quick relays combined into one message,
and Open311's API keys and reporters' contacts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.migrate import add_enum_values

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NEW_EVENTS = ["MARKED_DUPLICATE", "DUPLICATE_JOINED", "LOOKBACK_ASKED", "LOOKBACK_ANSWERED"]


def upgrade() -> None:
    add_enum_values("eventkind", NEW_EVENTS, columns=[("issueevent", "kind")], length=17)

    op.create_table(
        "issuefollower",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["issue_id"], ["issue.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("issue_id", "user_id", name="uq_issuefollower"),
    )
    with op.batch_alter_table("issuefollower", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issuefollower_issue_id"), ["issue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_issuefollower_user_id"), ["user_id"], unique=False)

    op.create_table(
        "lookback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("asks", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_ask_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=12), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["issue_id"], ["issue.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("issue_id"),
    )
    with op.batch_alter_table("lookback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lookback_next_ask_at"), ["next_ask_at"], unique=False)

    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_issue_duplicate_of", "issue", ["duplicate_of_id"], ["id"])

    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch_key", sa.String(length=64), nullable=True))

    op.create_table(
        "apikey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("apikey", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_apikey_key_hash"), ["key_hash"], unique=True)
        batch_op.create_index(batch_op.f("ix_apikey_name"), ["name"], unique=True)

    op.create_table(
        "open311submission",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("api_key_name", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["issue_id"], ["issue.id"]),
        sa.PrimaryKeyConstraint("issue_id"),
    )


def downgrade() -> None:
    # The new event kinds stay in PostgreSQL's type (labels cannot be dropped); no row uses them.
    op.drop_table("open311submission")
    with op.batch_alter_table("apikey", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apikey_name"))
        batch_op.drop_index(batch_op.f("ix_apikey_key_hash"))
    op.drop_table("apikey")
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.drop_column("batch_key")
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.drop_constraint("fk_issue_duplicate_of", type_="foreignkey")
        batch_op.drop_column("duplicate_of_id")
    with op.batch_alter_table("lookback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lookback_next_ask_at"))
    op.drop_table("lookback")
    with op.batch_alter_table("issuefollower", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issuefollower_user_id"))
        batch_op.drop_index(batch_op.f("ix_issuefollower_issue_id"))
    op.drop_table("issuefollower")
