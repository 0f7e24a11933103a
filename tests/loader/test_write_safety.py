"""The write step: one load at a time per database, stale temporary files cleaned without
touching a live loader's, and built rows checked against their tables before anything is
written."""

import fcntl
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.loader import write
from app.loader.build import Dataset, build_dataset
from app.loader.parse import parse_seeds
from app.loader.write import DatasetShapeError, LoadLockedError, write_dataset
from app.settings import PROJECT_ROOT
from scripts.seed import main as seed_main
from tests.conftest import SEEDS
from tests.loader.test_seed_script import digest


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_dataset(parse_seeds(SEEDS))


@contextmanager
def lock_held(db: Path) -> Iterator[None]:
    """Hold the loader's lock the way another loader would (flock on `<db>.lock`)."""
    fd = os.open(db.with_name(db.name + ".lock"), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, b"4242\n")
        yield
    finally:
        os.close(fd)


def test_a_second_loader_refuses_after_a_bounded_wait(
    tmp_path: Path, dataset: Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "facts.db"
    write_dataset(dataset, f"sqlite:///{db}")
    before = digest(db)
    with lock_held(db):
        started = time.monotonic()
        with pytest.raises(LoadLockedError, match=r"another load of .* is running"):
            write_dataset(dataset, f"sqlite:///{db}", lock_wait=0.5)
        assert 0.5 <= time.monotonic() - started < 5
        code = seed_main(
            ["--seeds", str(SEEDS), "--database-url", f"sqlite:///{db}", "--wait", "0"]
        )
        err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err == [
        f"seed: another load of {db} is running (pid 4242, lock facts.db.lock); waited 0 s; "
        "try again when it has finished; nothing was written"
    ]
    assert digest(db) == before


def test_a_second_loader_waits_for_the_first(tmp_path: Path, dataset: Dataset) -> None:
    db = tmp_path / "facts.db"
    claims = len(dataset.rows("claim"))
    released = threading.Event()

    def hold_then_release() -> None:
        with lock_held(db):
            released.wait(0.8)

    holder = threading.Thread(target=hold_then_release)
    holder.start()
    time.sleep(0.2)
    started = time.monotonic()
    write_dataset(dataset, f"sqlite:///{db}", lock_wait=30)
    holder.join()
    assert time.monotonic() - started >= 0.5  # it waited for the lock, then loaded
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM claim").fetchone() == (claims,)


def test_two_loads_at_once_both_succeed(seeds_copy: Path, tmp_path: Path, dataset: Dataset) -> None:
    """Before: the second load deleted the first's temporary file and the first crashed.
    Now the first (a subprocess, slowed inside its insert) holds the lock; the second
    waits for it, then loads."""
    db = tmp_path / "facts.db"
    claims = len(dataset.rows("claim"))
    slow_first = (
        "import sys, time\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from app.loader import write\n"
        "real = write._insert\n"
        "def slow_insert(conn, dataset):\n"
        "    print('inserting', flush=True)\n"
        "    time.sleep(2)\n"
        "    real(conn, dataset)\n"
        "write._insert = slow_insert\n"
        "from scripts.seed import main\n"
        "sys.exit(main(['--seeds', sys.argv[2], '--database-url', 'sqlite:///' + sys.argv[3]]))\n"
    )
    first = subprocess.Popen(
        [sys.executable, "-c", slow_first, str(PROJECT_ROOT), str(seeds_copy), str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdout is not None
        assert first.stdout.readline().strip() == "inserting"  # it holds the lock now
        assert seed_main(["--seeds", str(seeds_copy), "--database-url", f"sqlite:///{db}"]) == 0
        _out, err = first.communicate(timeout=120)
    finally:
        first.kill()
    assert first.returncode == 0, err
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM claim").fetchone() == (claims,)
    assert list(tmp_path.glob("facts.db.loading-*")) == []


def test_stale_temp_files_go_and_a_live_loaders_stay(tmp_path: Path, dataset: Dataset) -> None:
    db = tmp_path / "facts.db"
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: its pid is no longer running
    live_pid = os.getppid()  # the process that started pytest: alive
    dead = tmp_path / f"facts.db.loading-{child.pid}"
    dead_journal = tmp_path / f"facts.db.loading-{child.pid}-journal"
    live = tmp_path / f"facts.db.loading-{live_pid}"
    other = tmp_path / "other.db.loading-1"
    for path in (dead, dead_journal, live, other):
        path.write_bytes(b"half a database")
    write_dataset(dataset, f"sqlite:///{db}")
    assert not dead.exists() and not dead_journal.exists()
    assert live.exists() and other.exists()


def test_a_misspelt_row_key_is_an_error_naming_table_and_key(tmp_path: Path) -> None:
    """Before: the bulk insert took the columns from the row keys it knew, so a key that is
    no column was dropped and its intended column left NULL, silently."""
    dataset = build_dataset(parse_seeds(SEEDS))
    dataset.rows("claim")[0]["valeu"] = dataset.rows("claim")[0].pop("value")
    db = tmp_path / "facts.db"
    with pytest.raises(DatasetShapeError, match="table 'claim' has no column 'valeu'"):
        write_dataset(dataset, f"sqlite:///{db}")
    assert not db.exists()


def test_rows_of_one_table_must_share_their_keys(tmp_path: Path) -> None:
    dataset = build_dataset(parse_seeds(SEEDS))
    del dataset.rows("citation")[3]["quote"]
    with pytest.raises(
        DatasetShapeError, match="row 3 of table 'citation' differs from row 0 in keys 'quote'"
    ):
        write_dataset(dataset, f"sqlite:///{tmp_path / 'facts.db'}")


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs TEST_DATABASE_URL=postgresql+psycopg://...",
)
def test_postgresql_loads_take_an_advisory_lock(database_url: str, dataset: Dataset) -> None:
    """Another session holding the load lock makes a load wait, then refuse after
    `lock_wait`; once it is released, a load goes through."""
    holder = create_engine(database_url)
    with holder.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": write.PG_LOAD_LOCK_KEY})
        started = time.monotonic()
        with pytest.raises(LoadLockedError, match="another load of database"):
            write_dataset(dataset, database_url, lock_wait=0.5)
        assert 0.4 <= time.monotonic() - started < 10

        def release_soon() -> None:
            time.sleep(0.5)
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": write.PG_LOAD_LOCK_KEY})

        releaser = threading.Thread(target=release_soon)
        releaser.start()
        write_dataset(dataset, database_url, lock_wait=30)
        releaser.join()
        conn.rollback()
    holder.dispose()
