"""Alembic's environment: run by storage.migrate on a connection it opened (never from alembic.ini)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import types
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from storage import models  # noqa: F401 - registers the tables on SQLModel.metadata


def render_item(kind: str, item: Any, autogen_context: Any) -> str | bool:
    """Migrations spell plain SQLAlchemy types, so they never import the models they outlive."""
    if kind == "type" and isinstance(item, AutoString):
        return f"sa.String(length={item.length})" if item.length else "sa.String()"
    if kind == "type" and isinstance(item, types.TypeDecorator):  # storage.models.UTCDateTime
        return "sa.DateTime(timezone=True)"
    return False


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite alters most things by copying the table: batch mode does that
    compare_type=True,
    compare_server_default=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
