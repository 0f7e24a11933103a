"""Engines: a read-only one for the API, a writable one for migrations and the loader."""

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


class DatabaseMissingError(RuntimeError):
    """The API was started before the database was built by `scripts/seed.py`."""


def sqlite_path(database_url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other engines and in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def create_read_engine(database_url: str, *, mmap_bytes: int = 0) -> Engine:
    """An engine that cannot write: SQLite opened `mode=ro`, PostgreSQL in read-only sessions."""
    path = sqlite_path(database_url)
    if path is not None:
        if not path.is_file():
            raise DatabaseMissingError(
                f"database file {path} does not exist: run `python scripts/seed.py` first"
            )
        engine = create_engine(
            f"sqlite+pysqlite:///file:{path.resolve()}?mode=ro&uri=true",
            connect_args={"check_same_thread": False},
            pool_size=8,
            max_overflow=8,
        )

        @event.listens_for(engine, "connect")
        def _tune(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA query_only = ON")
            cursor.execute(f"PRAGMA mmap_size = {int(mmap_bytes)}")
            cursor.close()

        return engine
    return create_engine(
        database_url,
        pool_pre_ping=True,
        connect_args={"options": "-c default_transaction_read_only=on"},
    )


def create_write_engine(database_url: str) -> Engine:
    """An engine for migrations and the loader (SQLite with foreign keys enforced)."""
    engine = create_engine(database_url)
    if sqlite_path(database_url) is not None:

        @event.listens_for(engine, "connect")
        def _fk_on(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

    return engine
