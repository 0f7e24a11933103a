"""Query functions for tests/api/test_workers.py: module-level, so that a worker process
can import them (a function defined in a test cannot cross to one)."""

import os
import time
from typing import Any

from sqlalchemy import Connection, text


def busy_for(conn: Connection, *, seconds: float) -> dict[str, Any]:
    """Pure Python for `seconds` (holding its process's GIL), then one read."""
    deadline = time.perf_counter() + seconds
    spins = 0
    while time.perf_counter() < deadline:
        spins += 1
    claims = conn.execute(text("SELECT count(*) FROM claim")).scalar_one()
    return {"pid": os.getpid(), "claims": claims, "spins": spins}
