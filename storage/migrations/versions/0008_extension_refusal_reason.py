"""Why an extension was refused (不同意延期 asks for a reason), and the prompt that asks it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.migrate import add_enum_values

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # REFUSE_PROMPT is shorter than EXTENSION_PROMPT: SQLite's columns need no widening.
    add_enum_values("linkkind", ["REFUSE_PROMPT"], columns=[], length=16)
    with op.batch_alter_table("extensionrequest", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refusal_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    # The new enum label stays in PostgreSQL's type (labels cannot be dropped); no row uses it.
    with op.batch_alter_table("extensionrequest", schema=None) as batch_op:
        batch_op.drop_column("refusal_reason")
