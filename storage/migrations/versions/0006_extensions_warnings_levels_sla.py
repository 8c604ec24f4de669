"""延期申请 (extension requests), 🟡 warnings, 督办 levels and the SLA moments of an issue

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.migrate import add_enum_values

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


NEW_EVENTS = ["EXTENSION_REQUESTED", "EXTENSION_APPROVED", "EXTENSION_REFUSED", "SUPERVISION_RAISED"]


def upgrade() -> None:
    add_enum_values("eventkind", NEW_EVENTS, columns=[("issueevent", "kind")], length=19)
    # EXTENSION_PROMPT is no longer than SEND_BACK_PROMPT: SQLite's columns need no widening.
    add_enum_values("linkkind", ["EXTENSION_PROMPT"], columns=[], length=16)

    op.create_table(
        "extensionrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.BigInteger(), nullable=False),
        sa.Column("requester_name", sa.String(length=200), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("old_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("new_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approver_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_by_name", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["issue_id"], ["issue.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("extensionrequest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_extensionrequest_issue_id"), ["issue_id"], unique=False)
        # At most one open request per issue.
        batch_op.create_index(
            "uq_extension_open",
            ["issue_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline_set_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("supervision_level", sa.String(length=10), server_default="normal", nullable=False)
        )
        batch_op.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # The new enum labels stay in PostgreSQL's types (labels cannot be dropped); no row uses them.
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("reopened_at")
        batch_op.drop_column("acknowledged_at")
        batch_op.drop_column("supervision_level")
        batch_op.drop_column("deadline_set_at")
    with op.batch_alter_table("extensionrequest", schema=None) as batch_op:
        batch_op.drop_index("uq_extension_open")
        batch_op.drop_index(batch_op.f("ix_extensionrequest_issue_id"))
    op.drop_table("extensionrequest")
