"""Loading a new dataset under a running API: it serves the new data, ETags and all."""

from pathlib import Path

from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.conftest import load
from tests.loader.test_seed_script import STEM_003, edit

CLAIM = "/v1/claims/general-staff-russian-prisoners-2025-02-05"


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
