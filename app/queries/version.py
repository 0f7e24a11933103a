"""Which dataset a connection reads: the version the loader stamps on every dataset (a hash
of its content), the key of everything cached about it."""

from typing import Any

from sqlalchemy import Connection, Engine, event, text

VERSION_SQL = "SELECT value FROM dataset_info WHERE key = 'version'"
# Where a SQLite connection keeps the version it read on connect (app/api/database.py).
VERSION_KEY = "dataset_version"
NO_VERSION = "empty"  # a database without a loaded dataset


def dataset_version_of(conn: Connection) -> str:
    """The version of the dataset this connection's queries read.

    SQLite: tagged once per connection (a served file is never written). PostgreSQL: read in
    the connection's transaction, which runs at REPEATABLE READ (one snapshot for every
    statement), so the version and the data come from the same committed load."""
    tagged = conn.info.get(VERSION_KEY)
    if tagged is not None:
        return str(tagged)
    value = conn.execute(text(VERSION_SQL)).scalar()
    return str(value or NO_VERSION)


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
