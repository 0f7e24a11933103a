"""Shared fixtures: a database built by the real migrations and the real loader from
`seeds/`, and an HTTP client over the app that opens it read-only.

Set TEST_DATABASE_URL (e.g. postgresql+psycopg://...) to run the suite against another
engine; by default each session builds a SQLite file in a temporary folder.
"""

import gc
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.loader.build import build_dataset
from app.loader.parse import parse_seeds
from app.loader.write import write_dataset
from app.main import create_app
from app.settings import PROJECT_ROOT, Settings
from tests.live import LiveServer

SEEDS = PROJECT_ROOT / "seeds"


def load(seeds_dir: Path, database_url: str) -> None:
    """What `scripts/seed.py` does: parse, validate, migrate, load."""
    write_dataset(build_dataset(parse_seeds(seeds_dir)), database_url)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'facts.db'}"
    )
    load(SEEDS, url)
    return url


@pytest.fixture(scope="session")
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url))) as test_client:
        yield test_client


@pytest.fixture
def no_gc_pauses() -> Iterator[None]:
    """For a test that times requests: the app freezes its start-up heap out of the cyclic
    collector's reach (app.main's lifespan); a test process also holds pytest's heap, whose
    full collections pause it for 50-100 ms. Collect once, then freeze it all meanwhile."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@pytest.fixture
def queries_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps created from now on run long queries on threads of this process, not in worker
    processes (app/api/workers.py): a query function a test patches exists only here."""
    monkeypatch.setenv("WORKER_PROCESSES", "false")


def run_queries_here(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same for an app already built (a shared client's)."""
    monkeypatch.setattr(app.state.queries, "processes", False)


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A scratch copy of `seeds/` that a test may break."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of `uvicorn app.main:app` serving the seed-loaded database."""
    server = LiveServer(database_url, tmp_path_factory.mktemp("uvicorn") / "uvicorn.log")
    try:
        server.wait_until_up()
        yield server.url
    finally:
        server.stop()
