"""Loading a new dataset under a running API: it serves the new data, ETags and all."""

import asyncio
import threading
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.queries import stats
from app.settings import Settings
from tests.conftest import load
from tests.loader.test_seed_script import STEM_003, edit

CLAIM = "/v1/claims/general-staff-russian-prisoners-2025-02-05"
RELOADED = "id: general-staff-russian-prisoners-2025-02-05\n    note: Re-read after a reload."


def test_a_reload_is_served_without_a_restart(tmp_path: Path, seeds_copy: Path) -> None:
    url = f"sqlite:///{tmp_path / 'facts.db'}"
    load(seeds_copy, url)
    with TestClient(create_app(Settings(database_url=url))) as client:
        client.app.state.dataset.check_seconds = 0  # type: ignore[attr-defined]
        before = client.get(CLAIM)
        assert client.get(CLAIM).headers["x-cache"] == "hit"
        edit(
            seeds_copy,
            STEM_003,
            "id: general-staff-russian-prisoners-2025-02-05",
            "id: general-staff-russian-prisoners-2025-02-05\n    note: Re-read after a reload.",
        )
        load(seeds_copy, url)
        after = client.get(CLAIM)
        assert after.json()["note"] == "Re-read after a reload."
        assert "x-cache" not in after.headers
        assert after.headers["etag"] != before.headers["etag"]
        stale = client.get(CLAIM, headers={"If-None-Match": before.headers["etag"]})
        assert stale.status_code == 200
        version = client.get("/v1/stats").json()["dataset_version"]
        assert after.headers["etag"].startswith(f'"{version}-')


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _etag_version(response: httpx.Response) -> str:
    return response.headers["etag"].strip('"').rsplit("-", 1)[0]


@pytest.mark.anyio
async def test_an_answer_computed_before_a_reload_is_never_served_after_it(
    tmp_path: Path, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch, queries_here: None
) -> None:
    """Issue 14 defect 2: a request in flight when a new dataset is noticed used to store its
    old answer after the cache was cleared, served as `X-Cache: hit` for as long as the
    process lived. Now an entry is keyed by the version its query read."""
    url = f"sqlite:///{tmp_path / 'facts.db'}"
    load(seeds_copy, url)
    computed, release = threading.Event(), threading.Event()
    original = stats.get_stats

    def get_stats_then_wait(conn: Any) -> Any:
        answer = original(conn)
        computed.set()
        release.wait(10)  # the reload happens and is noticed meanwhile
        return answer

    monkeypatch.setattr(stats, "get_stats", get_stats_then_wait)
    app = create_app(Settings(database_url=url))
    app.state.dataset.check_seconds = 0
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        in_flight = asyncio.create_task(client.get("/v1/stats"))
        await anyio.to_thread.run_sync(computed.wait, 10)
        old_version = app.state.dataset.version
        edit(seeds_copy, STEM_003, "id: general-staff-russian-prisoners-2025-02-05", RELOADED)
        load(seeds_copy, url)
        assert (await client.get("/health")).status_code == 200  # the reload is noticed
        new_version = app.state.dataset.version
        assert new_version != old_version
        release.set()
        old = await in_flight
        # The old answer is labelled as what it is...
        assert old.json()["dataset_version"] == _etag_version(old) == old_version
        monkeypatch.setattr(stats, "get_stats", original)
        # ...and never served again once the new dataset is.
        for _ in range(2):
            now = await client.get("/v1/stats")
            assert now.json()["dataset_version"] == _etag_version(now) == new_version


@pytest.mark.anyio
async def test_stats_never_shows_new_data_under_an_old_etag(
    tmp_path: Path, seeds_copy: Path
) -> None:
    """A request that reads the new file before the API has noticed the reload (a fresh
    connection opens the renamed-in file) is tagged with the version it read."""
    url = f"sqlite:///{tmp_path / 'facts.db'}"
    load(seeds_copy, url)
    app = create_app(Settings(database_url=url, response_cache_bytes=0))
    app.state.dataset.check_seconds = 3600  # the reload is not noticed during this test
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        before = await client.get("/v1/stats")
        edit(seeds_copy, STEM_003, "id: general-staff-russian-prisoners-2025-02-05", RELOADED)
        load(seeds_copy, url)
        app.state.engine.dispose()  # the next request opens a new connection: the new file
        after = await client.get("/v1/stats")
        assert after.json()["dataset_version"] != before.json()["dataset_version"]
        assert after.json()["dataset_version"] == _etag_version(after)


def test_names_that_filters_resolve_follow_a_reload(tmp_path: Path, seeds_copy: Path) -> None:
    """Metric ids and entity aliases are resolved from memory, read once per dataset
    version (app.queries.vocabulary.names_of): a reload that adds an alias serves it at once,
    and one that removes it refuses it."""
    url = f"sqlite:///{tmp_path / 'facts.db'}"
    load(seeds_copy, url)
    entities = seeds_copy / "vocabulary" / "entities.yaml"
    original = entities.read_text(encoding="utf-8")
    alias = "/v1/claims?speaker=Commander%20Syrskyi&count=true"
    with TestClient(create_app(Settings(database_url=url, response_cache_bytes=0))) as client:
        client.app.state.dataset.check_seconds = 0  # type: ignore[attr-defined]
        assert client.get(alias).status_code == 422
        syrskyi = client.get("/v1/claims?speaker=syrskyi&count=true").json()["total"]
        entities.write_text(
            original.replace("aliases: [Syrskyi,", "aliases: [Commander Syrskyi, Syrskyi,", 1),
            encoding="utf-8",
        )
        load(seeds_copy, url)
        assert client.get(alias).json()["total"] == syrskyi == 4
        entities.write_text(original, encoding="utf-8")
        load(seeds_copy, url)
        assert client.get(alias).status_code == 422
