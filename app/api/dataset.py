"""Which dataset the API is serving, noticed when a new one is loaded under it.

The seed script replaces a SQLite file with an atomic rename (and rewrites PostgreSQL in one
transaction). A running API must then stop serving the old data and the old ETags: at most
once per `check_seconds` a request checks the file's identity (SQLite) or the stored version
(PostgreSQL, read on a worker thread: the driver blocks), and on a change the pools are
recycled and the version re-read.

`version` is what a request expects before it reads anything (its cache lookup and its
`If-None-Match`); the answer itself is tagged with the version its own connection read
(app/api/database.py), which may already be newer.
"""

import logging
import os
import time
from pathlib import Path

import anyio
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from app.db import sqlite_path
from app.queries.stats import dataset_version
from app.queries.version import run_versioned

logger = logging.getLogger("app.dataset")
UNREADABLE = "unreadable"


class ServedDataset:
    def __init__(
        self, engines: list[Engine], database_url: str, *, check_seconds: float = 1.0
    ) -> None:
        self.engines = engines
        self.path: Path | None = sqlite_path(database_url)
        self.check_seconds = check_seconds
        self._identity = self._file_identity()
        self._checked_at = time.monotonic()
        self.version = self._read_version()

    @property
    def engine(self) -> Engine:
        return self.engines[0]

    def _file_identity(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        stat = os.stat(self.path)
        return stat.st_ino, stat.st_mtime_ns

    def _read_version(self) -> str:
        try:
            return run_versioned(self.engine, dataset_version, {})[1]
        except DBAPIError as exc:
            # A damaged database: the API still starts, /health says 503 (app/api/errors.py).
            logger.error("cannot read the dataset version: %s", exc.orig)
            return UNREADABLE

    async def refresh_if_due(self) -> bool:
        """True when a different dataset is now being served."""
        now = time.monotonic()
        if now - self._checked_at < self.check_seconds:
            return False
        self._checked_at = now
        if self.path is not None:
            try:
                identity = self._file_identity()
            except FileNotFoundError:
                return False  # mid-swap: keep serving what the pool has open
            if identity == self._identity:
                return False
            self._identity = identity
            for engine in self.engines:
                engine.dispose()  # pooled connections still read the replaced file
            version = self._read_version()  # SQLite: well under a millisecond
        else:
            version = await anyio.to_thread.run_sync(self._read_version)
        changed = version != self.version
        self.version = version
        return changed
