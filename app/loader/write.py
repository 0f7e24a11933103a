"""Write a built dataset, all or nothing.

SQLite: the database is built in a temporary file beside the target and moved over it with
one atomic rename, so the previous database stays intact if anything fails, even a kill.
PostgreSQL: migrations, then one transaction that replaces every row.
"""

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table)
from app.db import create_write_engine, sqlite_path
from app.loader.build import Dataset
from app.settings import PROJECT_ROOT

# Parents before children, so foreign keys hold during the insert.
TABLE_ORDER = (
    "dataset_info",
    "entity",
    "entity_alias",
    "metric",
    "source",
    "event",
    "event_entity",
    "event_citation",
    "claim",
    "citation",
    "search_document",
)
TEMP_SUFFIX = ".loading"


def migrate(connection: Connection) -> None:
    """Run the Alembic migrations to head on an open connection."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _insert(connection: Connection, dataset: Dataset) -> None:
    for position, row in enumerate(dataset.rows("search_document"), start=1):
        row["id"] = position
    for name in TABLE_ORDER:
        rows = dataset.rows(name)
        if rows:
            connection.execute(SQLModel.metadata.tables[name].insert(), rows)
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))


def write_dataset(dataset: Dataset, database_url: str) -> None:
    path = sqlite_path(database_url)
    if path is None:
        _replace_in_transaction(dataset, database_url)
    else:
        _build_and_swap(dataset, path)


def _build_and_swap(dataset: Dataset, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f"{target.name}{TEMP_SUFFIX}-{os.getpid()}")
    for stale in target.parent.glob(f"{target.name}{TEMP_SUFFIX}-*"):
        stale.unlink()  # left by a killed load
    engine = create_write_engine(f"sqlite:///{temp}")
    try:
        with engine.begin() as connection:
            migrate(connection)
        with engine.begin() as connection:
            _insert(connection, dataset)
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
        engine.dispose()
        os.replace(temp, target)
    except BaseException:
        engine.dispose()
        temp.unlink(missing_ok=True)
        raise


def _replace_in_transaction(dataset: Dataset, database_url: str) -> None:
    engine = create_write_engine(database_url)
    try:
        with engine.begin() as connection:
            migrate(connection)
        with engine.begin() as connection:
            names = ", ".join(TABLE_ORDER)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
            _insert(connection, dataset)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    finally:
        engine.dispose()
