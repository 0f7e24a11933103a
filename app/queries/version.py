"""Which dataset a connection reads: the version the loader stamps on every dataset (a hash
of its content), the key of everything cached about it."""

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")

VERSION_SQL = "SELECT value FROM dataset_info WHERE key = 'version'"
# Where a SQLite connection keeps the version it read on connect (app/api/database.py).
VERSION_KEY = "dataset_version"
# Where a run keeps the version its transaction read, for the run's length (PostgreSQL: the
# snapshot is fixed, so a second read would only cost a round trip).
RUN_VERSION_KEY = "run_dataset_version"
NO_VERSION = "empty"  # a database without a loaded dataset


def dataset_version_of(conn: Connection) -> str:
    """The version of the dataset this connection's queries read.

    SQLite: tagged once per connection (a served file is never written). PostgreSQL: read in
    the connection's transaction, which runs at REPEATABLE READ (one snapshot for every
    statement), so the version and the data come from the same committed load."""
    tagged = conn.info.get(VERSION_KEY) or conn.info.get(RUN_VERSION_KEY)
    if tagged is not None:
        return str(tagged)
    value = conn.execute(text(VERSION_SQL)).scalar()
    return str(value or NO_VERSION)


def _versioned(conn: Connection, query: Callable[..., T], kwargs: dict[str, Any]) -> tuple[str, T]:
    version = dataset_version_of(conn)
    info = conn.info  # held: an invalidated connection no longer gives it
    info[RUN_VERSION_KEY] = version  # queries that ask again (vocabulary) get it free
    try:
        outcome = version, query(conn, **kwargs)
    except DBAPIError:
        raise  # closing the connection rolls the failed transaction back
    except Exception:
        conn.commit()  # an answer such as a 404: the transaction itself is sound
        raise
    finally:
        info.pop(RUN_VERSION_KEY, None)
    conn.commit()
    return outcome


def run_versioned(engine: Engine, query: Callable[..., T], kwargs: dict[str, Any]) -> tuple[str, T]:
    """`query(conn, **kwargs)` in one read transaction, with the dataset version it read.

    The transaction ends with COMMIT, not ROLLBACK (the same for a read-only one): psycopg
    forgets its prepared statements at every rollback, and with them PostgreSQL's cached
    plans (claim by id: 1.9 ms to 1.1 ms a request). A failed statement still rolls back.
    A connection found dead (the server restarted since it was pooled) invalidates the pool
    and the query runs once more on a fresh one: this replaces a pre-ping round trip on
    every checkout."""
    for attempt in (1, 2):
        try:
            with engine.connect() as conn:
                return _versioned(conn, query, kwargs)
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")


async def run_versioned_async(
    engine: AsyncEngine, query: Callable[..., T], kwargs: dict[str, Any]
) -> tuple[str, T]:
    """`run_versioned` on the event loop, for an async driver (PostgreSQL): the same sync
    query code runs in a greenlet, and every round trip awaits instead of blocking."""
    for attempt in (1, 2):
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(_versioned, query, kwargs)
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")


def tag_connections_with_version(engine: Engine) -> None:
    """SQLite: a served file is never written (a new dataset arrives by atomic rename), so a
    connection reads one dataset for its whole life: read its version once, on connect."""

    @event.listens_for(engine, "connect")
    def _version(dbapi_connection: Any, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            row = cursor.execute(VERSION_SQL).fetchone()
        finally:
            cursor.close()
        record.info[VERSION_KEY] = str(row[0]) if row and row[0] else NO_VERSION
