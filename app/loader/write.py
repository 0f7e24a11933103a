"""Write a built dataset, all or nothing.

SQLite: the database is built in a temporary file beside the target and moved over it with
one atomic rename, so the previous database stays intact if anything fails, even a kill.
The bulk path inserts tuples with the DB-API cursor's `executemany` in one transaction, with
the secondary indexes dropped and rebuilt after the insert (several times faster than
maintaining them row by row), then rebuilds the full-text index and runs ANALYZE.
PostgreSQL: migrations, then one transaction that replaces every row, then VACUUM ANALYZE.

One load at a time per database: on SQLite an exclusive `flock` on `<database>.lock` beside
the file (never deleted: deleting a lock file lets two processes lock two different files);
on PostgreSQL a transaction-level advisory lock. A second loader waits up to `lock_wait`
seconds, then gives up with `LoadLockedError`. Under the lock, temporary files left by killed
loads (`<database>.loading-PID`, PID no longer running) are removed; a live loader's are not.
"""

import fcntl
import os
import re
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
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
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
LOCK_SUFFIX = ".lock"
LOCK_WAIT_SECONDS = 60.0
# pg_advisory_xact_lock key for "a load is replacing this database's rows" ("KurskLod").
PG_LOAD_LOCK_KEY = 0x4B75_7273_6B4C_6F64
BULK_CHUNK = 50_000


class LoadLockedError(RuntimeError):
    """Another load of the same database held the lock for longer than we would wait."""


class DatasetShapeError(RuntimeError):
    """A built row does not fit its table: a bug in the builder, caught before writing."""


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


def write_dataset(
    dataset: Dataset,
    database_url: str,
    *,
    progress: Progress | None = None,
    lock_wait: float = LOCK_WAIT_SECONDS,
) -> None:
    """Migrate and load; `progress` (SQLite only) hears how each step advances. Waits up to
    `lock_wait` seconds for another load of the same database to finish (LoadLockedError)."""
    check_row_keys(dataset)
    path = sqlite_path(database_url)
    token = _progress.set(progress)
    try:
        if path is None:
            _replace_in_transaction(dataset, database_url, lock_wait)
        else:
            with _load_lock(path, lock_wait):
                _remove_stale_temp_files(path)
                _build_and_swap(dataset, path)
    finally:
        _progress.reset(token)


def check_row_keys(dataset: Dataset) -> None:
    """Every row's keys are columns of its table, and the same in every row of a table.

    The bulk insert names the columns from a table's first row, so without this a misspelt
    key would be dropped silently (its column left NULL) and a key missing from a later row
    would fail deep in the insert."""
    for name, rows in dataset.tables.items():
        if name not in TABLE_ORDER:
            raise DatasetShapeError(f"internal error: rows built for unknown table {name!r}")
        if not rows:
            continue
        columns = SQLModel.metadata.tables[name].columns.keys()
        keys = rows[0].keys()
        unknown = sorted(keys - set(columns))
        if unknown:
            raise DatasetShapeError(
                f"internal error: table {name!r} has no column {unknown[0]!r} "
                f"(a key of its built rows); its columns: {', '.join(columns)}"
            )
        for index, row in enumerate(rows):
            if row.keys() != keys:
                differ = sorted(row.keys() ^ keys)
                raise DatasetShapeError(
                    f"internal error: row {index} of table {name!r} differs from row 0 in "
                    f"keys {', '.join(map(repr, differ))}"
                )


# -- one load at a time ---------------------------------------------------------------------
@contextmanager
def _load_lock(target: Path, wait: float) -> Iterator[None]:
    """Hold an exclusive flock on `<target>.lock` (released when the file is closed, also
    by the kernel when the process dies), waiting up to `wait` seconds for it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_path = target.with_name(target.name + LOCK_SUFFIX)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip() or "?"
                    raise LoadLockedError(
                        f"another load of {target} is running (pid {holder}, lock "
                        f"{lock_path.name}); waited {wait:g} s; try again when it has finished"
                    ) from None
                time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _remove_stale_temp_files(target: Path) -> None:
    """Delete `<target>.loading-PID[...]` files whose PID is no longer running (a killed load
    leaves one, possibly hundreds of MB); keep those of a live process."""
    pattern = re.compile(re.escape(target.name + TEMP_SUFFIX) + r"-(\d+)(?:-.*)?")
    for path in target.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or not _pid_alive(pid):
            path.unlink(missing_ok=True)


# -- SQLite ---------------------------------------------------------------------------------
def _build_and_swap(dataset: Dataset, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f"{target.name}{TEMP_SUFFIX}-{os.getpid()}")
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


def _replace_in_transaction(dataset: Dataset, database_url: str, lock_wait: float) -> None:
    """PostgreSQL: migrations, TRUNCATE and the inserts in one transaction (its DDL is
    transactional), so a failed or killed load leaves schema and data as they were. Readers
    wait on TRUNCATE's lock until the commit: they see the old dataset or the new one.
    A transaction-level advisory lock, taken first, makes concurrent loads run one after
    the other; it is released by the commit or rollback."""
    engine = create_write_engine(database_url)
    try:
        with engine.begin() as connection:
            _pg_load_lock(connection, database_url, lock_wait)
            migrate(connection)
            names = ", ".join(TABLE_ORDER)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
            _insert(connection, dataset)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # VACUUM too: it sets the visibility map, without which an index-only scan reads
            # every row's page as well (the value-range probe of a claim page at 200,000
            # claims: 1.1 ms before, 0.3 ms after). Readers are not blocked meanwhile.
            connection.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def _pg_load_lock(connection: Connection, database_url: str, wait: float) -> None:
    """Take the load lock, waiting at most `wait` seconds (lock_timeout bounds the wait for
    an advisory lock too), then restore the default timeout for the load's own locks."""
    connection.execute(text(f"SET LOCAL lock_timeout = {max(1, int(wait * 1000))}"))
    try:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOAD_LOCK_KEY})
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        database = make_url(database_url).database
        raise LoadLockedError(
            f"another load of database {database!r} is running; waited {wait:g} s; "
            "try again when it has finished"
        ) from None
    connection.execute(text("SET LOCAL lock_timeout TO DEFAULT"))
