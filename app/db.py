"""Engines: a read-only one for the API, a writable one for migrations and the loader."""

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

SEED_COMMAND = "uv run python scripts/seed.py"


class DatabaseMissingError(RuntimeError):
    """The API was started before the database was built by `scripts/seed.py`."""


class DatabaseNotMigratedError(DatabaseMissingError):
    """The database exists but holds no schema, or an older one than this code's."""


def migration_head() -> str:
    """The newest Alembic revision this code knows."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app.settings import PROJECT_ROOT

    head = ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini"))).get_current_head()
    return str(head)


def check_schema(engine: Engine, database_url: str) -> None:
    """Raise DatabaseNotMigratedError, with the command to run, unless the database is at
    this code's migration head. A database that cannot be read at all (a damaged file, a
    server that is down) passes: the API starts and answers 503 until it can read it."""
    where = sqlite_path(database_url) or make_url(database_url).render_as_string()
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                current = None
            else:
                current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return
    head = migration_head()
    if current != head:
        state = "has no schema" if current is None else f"is at revision {current}, not {head}"
        raise DatabaseNotMigratedError(
            f"database {where} {state}: run `{SEED_COMMAND}` (migrates and loads the data)"
        )


def sqlite_path(database_url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other engines and in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def create_read_engine(
    database_url: str, *, mmap_bytes: int = 0, pool_size: int = 8, pool_timeout: float = 30.0
) -> Engine:
    """An engine that cannot write: SQLite opened `mode=ro`, PostgreSQL in read-only sessions.

    The pool holds `pool_size` connections and no overflow: the API sizes it so that no
    request ever waits for one (app/api/database.py); `pool_timeout` is the safety net.
    PostgreSQL transactions run at REPEATABLE READ, so every statement of a request reads
    the same snapshot (the dataset version it reports and the data it serves agree). No
    pre-ping (a round trip per checkout): `run_versioned` retries a query once on a
    connection found dead instead."""
    path = sqlite_path(database_url)
    if path is not None:
        if not path.is_file():
            raise DatabaseMissingError(
                f"database file {path} does not exist: run `{SEED_COMMAND}` first"
            )
        engine = create_engine(
            f"sqlite+pysqlite:///file:{path.resolve()}?mode=ro&uri=true",
            connect_args={"check_same_thread": False},
            pool_size=pool_size,
            max_overflow=0,
            pool_timeout=pool_timeout,
        )

        @event.listens_for(engine, "connect")
        def _tune(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA query_only = ON")
            cursor.execute(f"PRAGMA mmap_size = {int(mmap_bytes)}")
            cursor.close()

        return engine
    engine = create_engine(database_url, **_server_options(pool_size, pool_timeout))
    event.listen(engine, "before_cursor_execute", _no_nul_characters, retval=True)
    return engine


def create_async_read_engine(
    database_url: str, *, pool_size: int = 8, pool_timeout: float = 30.0
) -> AsyncEngine:
    """`create_read_engine` for a server database, on the driver's asyncio interface: the
    API's quick queries then wait for PostgreSQL on the event loop. On worker threads each
    round trip gave the GIL up and waited to get it back from the busy loop (claim by id at
    32 connections: 512 req/s on threads, against 610 at one connection)."""
    engine = create_async_engine(database_url, **_server_options(pool_size, pool_timeout))
    event.listen(engine.sync_engine, "before_cursor_execute", _no_nul_characters, retval=True)
    return engine


def _server_options(pool_size: int, pool_timeout: float) -> dict[str, Any]:
    return {
        "pool_size": pool_size,
        "max_overflow": 0,
        "pool_timeout": pool_timeout,
        "isolation_level": "REPEATABLE READ",
        "connect_args": {"options": "-c default_transaction_read_only=on"},
    }


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_without_nul(item) for item in value)
    return value


def _no_nul_characters(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
) -> tuple[str, Any]:
    """PostgreSQL text cannot hold U+0000, and a parameter with one is an error (a 500),
    where SQLite simply finds no row. Every string a request sends is a lookup value (an id,
    an alias, a type), so U+0000 becomes U+FFFD, which no stored value holds: the request
    gets the same 404 or 422 on both engines. Only for the read-only engine: the loader must
    not change data silently."""
    return statement, _without_nul(parameters)


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
