"""The outbox gets channels: each row says whose transport delivers it (every existing row is
Telegram's), and each channel's sender scans its own due rows (git 7e25a74).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=16), server_default="telegram", nullable=False))
        batch_op.drop_index(batch_op.f("ix_outbox_due"))
        batch_op.create_index("ix_outbox_channel_due", ["channel", "status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_channel_due")
        batch_op.create_index(batch_op.f("ix_outbox_due"), ["status", "next_attempt_at"], unique=False)
        batch_op.drop_column("channel")
