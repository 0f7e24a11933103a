"""One generated dataset of SCALE_CLAIMS claims per session, shared by the scale tests."""

import os
from pathlib import Path

import pytest

from app.loader.build import build_dataset
from app.loader.write import write_dataset
from scripts.generate import generate

SCALE_CLAIMS = int(os.environ.get("SCALE_CLAIMS", "100000"))
SCALE_SEED = 7


@pytest.fixture(scope="session")
def scale_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file built by the real loader (which ends with ANALYZE); built, and its
    tests run, in the SQLite pass only (the PostgreSQL pass has its own plan test)."""
    if os.environ.get("TEST_DATABASE_URL", "sqlite").startswith("postgresql"):
        pytest.skip("a SQLite scale test: runs in the SQLite pass")
    path: Path = tmp_path_factory.mktemp("scale") / "scale.db"
    generated = generate(claims=SCALE_CLAIMS, seed=SCALE_SEED)
    write_dataset(build_dataset(generated.seeds), f"sqlite:///{path}")
    return path
