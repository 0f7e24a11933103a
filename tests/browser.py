"""Headless Chromium (Debian's `chromium`) for the browser tests: the DOM a page has once
its scripts ran, and a screenshot, with no host but 127.0.0.1 reachable.

Skips where Chromium is missing, except in CI (CI=true), where scripts/setup.sh installs it.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM_NAMES = ["chromium", "chromium-browser"]


def chromium() -> str:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is missing in CI: scripts/setup.sh should have installed it")
    pytest.skip("headless Chromium is not installed (apt-get install chromium)")


def render(
    url: str,
    profile: Path,
    *,
    screenshot: Path | None = None,
    window: tuple[int, int] = (1400, 1000),
    time_budget_ms: int = 15000,
) -> str:
    """The DOM of `url` once its scripts have run; also a screenshot, if asked for."""
    extra = [f"--screenshot={screenshot}", "--hide-scrollbars"] if screenshot else []
    result = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            f"--user-data-dir={profile}",
            f"--window-size={window[0]},{window[1]}",
            f"--virtual-time-budget={time_budget_ms}",
            *extra,
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout
