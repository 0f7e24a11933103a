"""Shared fixtures for the contract tests, over the live uvicorn server that
`tests/conftest.py` starts (`live_server`) on the seed-loaded database."""

import sys
from collections import Counter
from pathlib import Path

import httpx
import pytest

# Filled by test_fuzz.py: Schemathesis cases run, per operation.
FUZZ_CASES: Counter[str] = Counter()


def venv_bin() -> Path:
    """The folder of this interpreter's scripts (uvicorn, ruff, openapi-python-client)."""
    return Path(sys.executable).parent


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
