"""The explorer in real headless Chromium, from a live uvicorn server with every other host
unresolvable: the pages render, their script runs without error, and each page is
photographed at 1400 and 390 px wide into test-artifacts/explorer/ (gitignored).

Script errors are caught by the page itself: explorer.js loads first and writes every
uncaught error, unhandled rejection, console.error and failed resource load into
`html[data-js-errors]` and `#js-errors`, which `--dump-dom` shows (no DevTools needed).
"""

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from app.settings import PROJECT_ROOT
from tests.browser import chromium, render

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "explorer"
WIDTHS = [(1400, 1400), (390, 1400)]
CLAIM_909 = "general-staff-russian-prisoners-2025-02-05"
PAGES = {
    "claims": "/",
    "claims-filtered": "/?speaker=oleksandr-syrskyi",
    "claim": f"/claims/{CLAIM_909}",
    "series": "/metrics/prisoners-captured",
    "series-narrower": "/metrics/equipment-losses?include_narrower=true",
    "disagreements": "/disagreements",
    "events": "/events",
    "source": "/sources/abc-zelenskyy-war-back-to-russia-2025-01-06",
    "not-found": "/claims/no-such-claim",
}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def rendered(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every page's DOM at both widths (keyed `name@width`), screenshots written alongside.
    Two Chromiums at a time: each run is mostly waiting."""
    chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    profiles = tmp_path_factory.mktemp("chromium")
    jobs = [(name, path, size) for name, path in PAGES.items() for size in WIDTHS]

    def run(job: tuple[str, str, tuple[int, int]]) -> tuple[str, str]:
        name, path, (width, height) = job
        key = f"{name}@{width}"
        dom = render(
            live_server + path,
            profiles / key,
            screenshot=ARTIFACTS / f"{name}-{width}.png",
            window=(width, height),
            time_budget_ms=3000,
        )
        return key, dom

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, jobs))


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("width", [w for w, _ in WIDTHS])
def test_page_runs_its_script_without_errors(
    rendered: dict[str, str], name: str, width: int
) -> None:
    dom = rendered[f"{name}@{width}"]
    assert 'data-js-ready="true"' in dom, dom[:2000]
    errors = re.findall(r"<li>(.*?)</li>", dom[dom.index('id="js-errors"') :])
    assert "data-js-errors" not in dom and not errors, errors
    assert (ARTIFACTS / f"{name}-{width}.png").stat().st_size > 5_000


def test_claims_table_lists_the_claims_and_a_url_filter_narrows_them(
    rendered: dict[str, str], live_server: str
) -> None:
    everything = re.findall(r'<tr id="claim-([^"]+)"', rendered["claims@1400"])
    assert len(everything) == httpx.get(f"{live_server}/v1/stats").json()["claims"]
    syrskyi = re.findall(r'<tr id="claim-([^"]+)"', rendered["claims-filtered@1400"])
    assert len(syrskyi) == 4 and all(claim.startswith("syrskyi-") for claim in syrskyi)
    assert '<option value="oleksandr-syrskyi" selected="">' in rendered["claims-filtered@1400"]


def test_on_a_phone_the_filters_start_folded(rendered: dict[str, str]) -> None:
    assert '<details class="filters" open="">' in rendered["claims@1400"]
    assert '<details class="filters">' in rendered["claims@390"]


def test_series_chart_draws_the_700_plus_860_and_909_points(rendered: dict[str, str]) -> None:
    dom = rendered["series@1400"]
    svg = re.search(r'<svg class="series-chart".*?</svg>', dom, re.S)
    assert svg is not None and 'role="img"' in svg.group(0)
    labels = re.findall(r'class="point-label"[^>]*>([^<]+)</text>', svg.group(0))
    assert sorted(labels) == ["700+", "860", "909"]
    assert f'<a href="/claims/{CLAIM_909}" class="point" data-value="909">' in svg.group(0)


def test_claim_page_shows_the_quote_in_mark_inside_its_paragraph(rendered: dict[str, str]) -> None:
    paragraph = re.search(r'<p class="passage">(.*?)</p>', rendered["claim@1400"], re.S)
    assert paragraph is not None
    assert "<mark>Ukrainian soldiers captured 909 occupiers</mark>" in paragraph.group(1)
    assert paragraph.group(1).endswith("to return home.")


def test_disagreements_page_renders(rendered: dict[str, str]) -> None:
    dom = rendered["disagreements@1400"]
    assert "<h1>Disagreements</h1>" in dom
    assert "No disagreement found" in dom or '<article class="pair">' in dom


def test_not_found_page_renders(rendered: dict[str, str]) -> None:
    assert "<h1>Not found</h1>" in rendered["not-found@1400"]


def test_the_error_hook_reports_a_script_error(live_server: str, tmp_path: Path) -> None:
    """The check above would pass vacuously if the hook saw nothing: show that it sees."""
    page = tmp_path / "broken.html"
    page.write_text(
        f'<!doctype html><html><head><script src="{live_server}/static/explorer/explorer.js">'
        "</script></head><body><script>undefinedFunction();</script>"
        f'<img src="{live_server}/static/explorer/missing.png"></body></html>'
    )
    dom = render(page.as_uri(), tmp_path / "profile", time_budget_ms=3000)
    assert 'data-js-errors="2"' in dom, dom
    assert "undefinedFunction" in dom and "missing.png" in dom
