"""Shared fixtures for the contract tests: the app served by a real uvicorn process on
127.0.0.1 and a free port, over the seed-loaded database of `tests/conftest.py`."""

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.settings import PROJECT_ROOT

# Filled by test_fuzz.py: Schemathesis cases run, per operation.
FUZZ_CASES: Counter[str] = Counter()
SERVER_START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def venv_bin() -> Path:
    """The folder of this interpreter's scripts (uvicorn, ruff, openapi-python-client)."""
    return Path(sys.executable).parent


class LiveServer:
    def __init__(self, database_url: str, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = log_path.open("wb")
        env = {**os.environ, "DATABASE_URL": database_url}
        command = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port), "--log-level", "warning"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        log = self.log_path.read_text(errors="replace")
        pytest.fail(f"uvicorn did not come up on {self.url}:\n{log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of `uvicorn app.main:app` serving the seed-loaded database."""
    server = LiveServer(database_url, tmp_path_factory.mktemp("uvicorn") / "uvicorn.log")
    try:
        server.wait_until_up()
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def live_openapi(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The OpenAPI document as the live server serves it, saved to a file."""
    response = httpx.get(f"{live_server}/openapi.json", timeout=10.0)
    response.raise_for_status()
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_bytes(response.content)
    return path


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FUZZ_CASES:
        terminalreporter.write_line(
            f"schemathesis: {sum(FUZZ_CASES.values())} test cases over {len(FUZZ_CASES)} operations"
        )
