"""Revoked API keys are kept (revoked_at), and each Open311 request points at the key that filed it.

Until now revoking deleted the key, and a request recorded only the key's name. Requests whose
key is still there are linked to it by name; those of keys deleted before keep their name only.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("apikey", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("open311submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("api_key_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_open311submission_api_key_id"), ["api_key_id"], unique=False)
        batch_op.create_foreign_key("fk_open311submission_api_key_id", "apikey", ["api_key_id"], ["id"])

    op.execute(
        "UPDATE open311submission SET api_key_id = "
        "(SELECT apikey.id FROM apikey WHERE apikey.name = open311submission.api_key_name)"
    )


def downgrade() -> None:
    with op.batch_alter_table("open311submission", schema=None) as batch_op:
        batch_op.drop_constraint("fk_open311submission_api_key_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_open311submission_api_key_id"))
        batch_op.drop_column("api_key_id")

    with op.batch_alter_table("apikey", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
