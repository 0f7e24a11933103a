"""Alembic environment: the URL comes from the caller's config or from app.settings."""

from typing import Any

from alembic import context
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table)
from app.db import create_write_engine
from app.settings import get_settings

# Created by the migrations with raw SQL, so autogenerate must not see them as drift.
UNMANAGED_PREFIXES = ("search_fts", "search_tsv", "ix_search_document_tsv")


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    return not (name and name.startswith(UNMANAGED_PREFIXES))


def run_migrations() -> None:
    config = context.config
    url = config.attributes.get("database_url") or get_settings().database_url
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_write_engine(url)
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connection)


def _run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
