"""Which dataset the API is serving, noticed when a new one is loaded under it.

The seed script replaces a SQLite file with an atomic rename (and rewrites PostgreSQL in one
transaction). A running API must then stop serving the old data and the old ETags: at most
once per `check_seconds` a request checks the file's identity (SQLite) or the stored version
(PostgreSQL), and on a change the pool is recycled and the version re-read.
"""

import os
import time
from pathlib import Path

from sqlalchemy import Engine

from app.db import sqlite_path
from app.queries.stats import dataset_version


class ServedDataset:
    def __init__(self, engine: Engine, database_url: str, *, check_seconds: float = 1.0) -> None:
        self.engine = engine
        self.path: Path | None = sqlite_path(database_url)
        self.check_seconds = check_seconds
        self._identity = self._file_identity()
        self._checked_at = time.monotonic()
        self.version = self._read_version()

    def _file_identity(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        stat = os.stat(self.path)
        return stat.st_ino, stat.st_mtime_ns

    def _read_version(self) -> str:
        with self.engine.connect() as conn:
            return dataset_version(conn)

    def refresh_if_due(self) -> bool:
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
            self.engine.dispose()  # pooled connections still read the replaced file
        version = self._read_version()
        changed = version != self.version
        self.version = version
        return changed
