"""Write a built dataset, all or nothing.

SQLite: the database is built in a temporary file beside the target and moved over it with
one atomic rename, so the previous database stays intact if anything fails, even a kill.
The bulk path inserts tuples with the DB-API cursor's `executemany` in one transaction, with
the secondary indexes dropped and rebuilt after the insert (several times faster than
maintaining them row by row), then rebuilds the full-text index and runs ANALYZE.
PostgreSQL: migrations, then one transaction that replaces every row.
"""

import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Column, Connection, Dialect, Float, text
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
    "search_synonym",
)
TEMP_SUFFIX = ".loading"
BULK_CHUNK = 50_000

# progress(step, done, total, seconds since the step started): called as a load advances
# (steps: each table name, then "indexes", "fts", "foreign keys", "analyze").
Progress = Callable[[str, int, int, float], None]
_progress: ContextVar[Progress | None] = ContextVar("loader_progress", default=None)


@contextmanager
def _step(name: str, total: int = 1) -> Iterator[Callable[[int], None]]:
    """Time a step of the load and report it to the caller's progress callback, if any."""
    report = _progress.get()
    started = time.perf_counter()

    def advance(done: int) -> None:
        if report is not None:
            report(name, done, total, time.perf_counter() - started)

    advance(0)
    yield advance
    advance(total)


def migrate(connection: Connection) -> None:
    """Run the Alembic migrations to head on an open connection."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _insert(connection: Connection, dataset: Dataset) -> None:
    for position, row in enumerate(dataset.rows("search_document"), start=1):
        row["id"] = position
    if connection.dialect.name == "sqlite":
        _bulk_insert_sqlite(connection, dataset)
        with _step("fts"):
            connection.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
        return
    for name in TABLE_ORDER:
        rows = dataset.rows(name)
        if rows:
            connection.execute(SQLModel.metadata.tables[name].insert(), rows)
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))


def write_dataset(dataset: Dataset, database_url: str, *, progress: Progress | None = None) -> None:
    """Migrate and load; `progress` (SQLite only) hears how each step advances."""
    path = sqlite_path(database_url)
    token = _progress.set(progress)
    try:
        if path is None:
            _replace_in_transaction(dataset, database_url)
        else:
            _build_and_swap(dataset, path)
    finally:
        _progress.reset(token)


# -- SQLite ---------------------------------------------------------------------------------
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
            # A scratch file that is renamed only once complete: no journal sync needed, and
            # foreign keys are checked once at the end instead of row by row.
            for pragma in BULK_PRAGMAS:
                connection.exec_driver_sql(f"PRAGMA {pragma}")
            indexes = _drop_secondary_indexes(connection)
            _insert(connection, dataset)
            with _step("indexes", len(indexes)) as advance:
                for done, sql in enumerate(indexes, start=1):
                    connection.exec_driver_sql(sql)
                    advance(done)
            with _step("foreign keys"):
                _check_foreign_keys(connection)
        with engine.connect() as connection, _step("analyze"):
            connection.execute(text("ANALYZE"))
            connection.commit()
        engine.dispose()
        _fsync(temp)
        os.replace(temp, target)
        _fsync(target.parent)
    except BaseException:
        engine.dispose()
        temp.unlink(missing_ok=True)
        raise


BULK_PRAGMAS = (
    "foreign_keys = OFF",
    "journal_mode = MEMORY",
    "synchronous = OFF",
    "cache_size = -262144",  # KiB: 256 MB for sorting the rebuilt indexes
    "temp_store = MEMORY",
)


def _drop_secondary_indexes(connection: Connection) -> list[str]:
    """Drop the migration's explicit indexes; return their CREATE statements, in order.

    (Indexes behind PRIMARY KEY and UNIQUE constraints have no SQL and stay.)"""
    rows = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "ORDER BY rowid"
    ).all()
    for name, _sql in rows:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
    if broken:
        sample = ", ".join(
            f"{table} rowid {rowid} -> {parent}" for table, rowid, parent, _ in broken[:5]
        )
        raise RuntimeError(f"foreign key violations after the load: {sample}")


def _fsync(path: Path) -> None:
    """Make the finished file (or the directory entry of the rename) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _Memo(dict[Any, Any]):
    """A converter with a cache: dates repeat a lot, and SQLAlchemy's date formatter is slow."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, value: Any) -> Any:
        result = self[value] = self.convert(value)
        return result


def _row_converter(columns: Sequence[Column[Any]], dialect: Dialect) -> Callable[[Any], tuple]:
    """dict row -> parameter tuple, with SQLAlchemy's own bind processing per column, so the
    stored values are exactly what a Core insert would store.

    The function is generated (like `collections.namedtuple` and `dataclasses` do): one tuple
    expression per table is about twice as fast as a loop over the columns."""
    namespace: dict[str, Any] = {}
    items = []
    for position, column in enumerate(columns):
        item = f"row[{column.key!r}]"
        process: Callable[[Any], Any] | None = column.type.dialect_impl(dialect).bind_processor(
            dialect
        )
        if isinstance(column.type, Float) and dialect.name == "sqlite":
            process = None  # float(): REAL affinity stores an int or a float the same way
        if process is not None:
            if getattr(column.type, "python_type", None) is date:
                process = _Memo(process).__getitem__
            namespace[f"process_{position}"] = process
            item = f"process_{position}({item})"
        items.append(item)
    source = f"def convert(row):\n    return ({', '.join(items)},)\n"
    exec(compile(source, f"<row converter {columns[0].table.name}>", "exec"), namespace)
    return namespace["convert"]  # type: ignore[no-any-return]


def _bulk_insert_sqlite(connection: Connection, dataset: Dataset) -> None:
    """Every table's rows through the raw cursor's executemany, in the open transaction."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for name in TABLE_ORDER:
            rows = dataset.rows(name)
            if not rows:
                continue
            table = SQLModel.metadata.tables[name]
            columns = [c for c in table.columns if c.key in rows[0]]
            convert = _row_converter(columns, connection.dialect)
            names = ", ".join(f'"{c.name}"' for c in columns)
            sql = f'INSERT INTO "{name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
            with _step(name, len(rows)) as advance:
                for start in range(0, len(rows), BULK_CHUNK):
                    cursor.executemany(sql, map(convert, rows[start : start + BULK_CHUNK]))
                    advance(min(start + BULK_CHUNK, len(rows)))
    finally:
        cursor.close()


def _replace_in_transaction(dataset: Dataset, database_url: str) -> None:
    """PostgreSQL: migrations, TRUNCATE and the inserts in one transaction (its DDL is
    transactional), so a failed or killed load leaves schema and data as they were. Readers
    wait on TRUNCATE's lock until the commit: they see the old dataset or the new one."""
    engine = create_write_engine(database_url)
    try:
        with engine.begin() as connection:
            migrate(connection)
            names = ", ".join(TABLE_ORDER)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
            _insert(connection, dataset)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    finally:
        engine.dispose()
