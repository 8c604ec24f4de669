"""Updates taken by long polling are kept until handled (pendingupdate).

Long polling used to hold Telegram's offset at the oldest update still being handled; it now moves
the offset at once and keeps the updates here instead (storage/inbox.py).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pendingupdate",
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("update_id"),
    )


def downgrade() -> None:
    op.drop_table("pendingupdate")
