"""The reviews citizens confirmed (确认提交), so that a second press after a crash finds its issue
instead of making another.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issuesubmission",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
        ),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("issuesubmission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issuesubmission_issue_id"), ["issue_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("issuesubmission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issuesubmission_issue_id"))

    op.drop_table("issuesubmission")
