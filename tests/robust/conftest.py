"""Fixtures for the robustness tests: a generated dataset of some thousands of claims (built
by the real generator and loader) and a live uvicorn server over it."""

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT
from tests.live import LiveServer

GENERATED_CLAIMS = 15000


@pytest.fixture(scope="session")
def generated_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file of 15,000 generated claims: a 9 MB CSV export, more than the
    kernel's socket buffers hold (4 MB), so a slow reader's export stays in progress."""
    path = tmp_path_factory.mktemp("generated") / "generated.db"
    url = f"sqlite:///{path}"
    command = [sys.executable, "scripts/generate.py", "--claims", str(GENERATED_CLAIMS)]
    subprocess.run(
        [*command, "--seed", "1", "--database-url", url],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    return url


@pytest.fixture
def serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., LiveServer]]:
    """Start `uvicorn app.main:app` on a database, with extra environment settings."""
    servers: list[LiveServer] = []

    def start(database_url: str, **env: str) -> LiveServer:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        server = LiveServer(database_url, tmp_path / f"uvicorn-{len(servers)}.log")
        servers.append(server)
        server.wait_until_up()
        return server

    yield start
    for server in servers:
        server.stop()
