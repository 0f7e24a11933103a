"""PostgreSQL answers exactly as SQLite does.

Runs only when TEST_DATABASE_URL is a PostgreSQL URL (`scripts/test.sh` does this with a
throwaway server whose default collation is deliberately not C). It loads the same seeds
into a SQLite reference and compares every endpoint, page by page: status, headers that
carry meaning, and the body byte for byte. The one documented difference is full-text
ranking: FTS5's bm25 and PostgreSQL's ts_rank score differently, so `/v1/search` must find
the same hits, but their order and snippets may differ.
"""

import difflib
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.conftest import SEEDS, load

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs TEST_DATABASE_URL=postgresql+psycopg://... (scripts/test.sh sets it)",
)

HEADERS = ("content-type", "etag", "cache-control", "x-row-count", "x-dataset-version")
CLAIM_SORTS = ("stated_on", "-stated_on", "value", "-value", "period_end", "-period_end")
CLAIM_FILTERS: list[dict[str, Any]] = [
    {},
    {"metric": "equipment-losses", "include_narrower": "true"},
    {"metric": ["personnel-casualties", "killed"]},
    {"speaker": "Zelensky"},
    {"speaker": ["SYRSKY", "general-staff-ukraine"]},
    {"subject": "dprk-forces"},
    {"stated_from": "2024-10", "stated_to": "2025-01-31"},
    {"stated_from": "2025"},
    {"period_from": "2024-10-15", "period_to": "2024-10-20"},
    {"period_to": "2024-09"},
    {"min_value": "1000", "max_value": "50000.5"},
    {"min_value": "-1"},
    {"qualifier": ["approximate", "at_least"]},
    {"q": "soldiers"},
    {"q": "North Korean troops"},
    {"q": "occupi*"},
    {"q": '"taken prisoner"'},
    {"q": "POW"},
    {"q": "Зеленский"},
    {"metric": "no-such-metric"},
    {"speaker": "nobody at all"},
    {"stated_from": "2025-13"},
    {"hedge": ["over", "More Than"]},
    {"stated_from": "2025-01", "stated_to": "2025-01", "date_match": "within"},
    {"period_from": "2024-08", "period_to": "2025-02", "date_match": "within"},
    {"latest": "true"},
    {"metric": "prisoners-captured", "latest": "true", "period_to": "2025-01-31"},
    {"speakr": "syrsky"},
]
SEARCHES = [
    "North Korean",
    "Kursk",
    "casualties",
    "killed wounded",
    "soldiers",
    "occupi*",
    "sold*",
    "helicop*",
    "Syrsky",
    "Zelensky",
    "2024",
    "2024-08-06",
    "909",
    "38,000",
    "air-defence",
    "Kursk's",
    "Ministry of Defence",
    'prisoners" OR *',
    "the",
    "_",
    "Зеленський",
    '"taken prisoner"',
    '"prisoner taken"',
    "POW",
    "prisoners of war",
    "Сирський irrecoverable",
    "Russia's Defense Ministry",
    "km²",
    "Makhnovka Perpetua",
    "zzzz-nothing",
    "!!!",
]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'facts.db'}"
    load(SEEDS, url)
    with TestClient(create_app(Settings(database_url=url))) as reference_client:
        yield reference_client


def _fetch(client: TestClient, path: str, params: dict[str, Any]) -> dict[str, Any]:
    response = client.get(path, params=params)
    return {
        "status": response.status_code,
        "headers": {h: response.headers.get(h) for h in HEADERS},
        "body": response.text,
    }


def _same(reference: TestClient, client: TestClient, path: str, **params: Any) -> Any:
    """Compare one request on both engines; return the parsed JSON body (or None)."""
    expected = _fetch(reference, path, params)
    actual = _fetch(client, path, params)
    assert actual == expected, f"{path} {params}:\n{_diff(expected, actual)}"
    if expected["headers"]["content-type"] == "application/json":
        return reference.get(path, params=params).json()
    return None


def _diff(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    def lines(fetched: dict[str, Any]) -> list[str]:
        try:
            body = json.loads(fetched["body"])
        except ValueError:
            body = fetched["body"].splitlines()
        shown = {**fetched, "body": body}
        return json.dumps(shown, indent=1, sort_keys=True, ensure_ascii=False).splitlines()

    diff = difflib.unified_diff(lines(expected), lines(actual), "sqlite", "postgresql", n=2)
    return "\n".join(list(diff)[:80])


def _walk(reference: TestClient, client: TestClient, path: str, **params: Any) -> list[Any]:
    """Every page of a cursor-paginated list, compared page by page; all items."""
    items: list[Any] = []
    cursor = None
    for _ in range(1000):
        page = _same(reference, client, path, **params, **({"cursor": cursor} if cursor else {}))
        if page is None or "items" not in page:
            return items
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError(f"{path} {params}: pagination does not end")


def _all_ids(reference: TestClient, path: str) -> list[str]:
    # /v1/metrics is served whole and takes no `limit` (an unknown parameter is a 422).
    params = {} if path == "/v1/metrics" else {"limit": 500}
    return [item["id"] for item in reference.get(path, params=params).json()["items"]]


def test_meta_and_vocabulary_match(reference: TestClient, client: TestClient) -> None:
    for path in ("/health", "/v1/stats", "/v1/metrics", "/openapi.json"):
        _same(reference, client, path)
    for metric in _all_ids(reference, "/v1/metrics"):
        _same(reference, client, f"/v1/metrics/{metric}")
        _same(reference, client, f"/v1/metrics/{metric}/series")
    _same(reference, client, "/v1/metrics/personnel-casualties/series", subject="russian-forces")
    _same(
        reference,
        client,
        "/v1/metrics/equipment-losses/series",
        include_narrower="true",
        **{"from": "2024-10", "to": "2025"},
    )
    for path in ("/v1/entities", "/v1/speakers"):
        for limit in (1, 3, 500):
            _walk(reference, client, path, limit=limit)
        for entity in _all_ids(reference, "/v1/entities"):
            _same(reference, client, f"{path}/{entity}")
    for kind in ("person", "organization", "military_force", "outlet", "group"):
        _walk(reference, client, "/v1/entities", kind=kind, limit=2)
    _same(reference, client, "/v1/metrics/prisoners-captured/series", latest="true")
    _same(reference, client, "/v1/metrics/no-such-metric")
    _same(reference, client, "/v1/entities/no-such-entity")


def test_claims_match_for_every_sort_filter_and_page(
    reference: TestClient, client: TestClient
) -> None:
    for sort in CLAIM_SORTS:
        for limit in (1, 7, 500):
            walked = _walk(reference, client, "/v1/claims", sort=sort, limit=limit)
            assert len(walked) == len(_all_ids(reference, "/v1/claims"))
    for filters in CLAIM_FILTERS:
        for sort in ("-stated_on", "value"):
            _walk(reference, client, "/v1/claims", **filters, sort=sort, limit=4, count="true")
        _same(reference, client, "/v1/claims/facets", **filters)
        _same(reference, client, "/v1/export/claims.csv", **filters)
        _same(reference, client, "/v1/export/claims.ndjson", **filters)
    for claim in _all_ids(reference, "/v1/claims"):
        _same(reference, client, f"/v1/claims/{claim}")
    _same(reference, client, "/v1/claims/no-such-claim")
    _same(reference, client, "/v1/claims", cursor="bm90LWEtY3Vyc29y")


def test_sources_events_and_disagreements_match(reference: TestClient, client: TestClient) -> None:
    for limit in (1, 2, 500):
        _walk(reference, client, "/v1/sources", limit=limit, count="true")
    for source in _all_ids(reference, "/v1/sources"):
        _same(reference, client, f"/v1/sources/{source}")
        _same(reference, client, f"/v1/sources/{source}/text")
        _walk(reference, client, "/v1/claims", source=source, limit=5)
    for params in (
        {},
        {"from": "2024-10-15", "to": "2024-10-20"},
        {"from": "2025"},
        {"type": "deployment"},
        {"entity": "dprk-forces"},
        {"q": "troops"},
        {"q": "Makhnovka"},
    ):
        for limit in (2, 500):
            _walk(reference, client, "/v1/events", **params, limit=limit, count="true")
    for event in _all_ids(reference, "/v1/events"):
        _same(reference, client, f"/v1/events/{event}")
        _walk(reference, client, "/v1/claims", event=event)
    for params in (
        {},
        {"metric": "personnel-casualties"},
        {"subject": "russian-forces"},
        {"speaker": "zelenskyy"},
    ):
        for limit in (1, 500):
            _walk(reference, client, "/v1/disagreements", **params, limit=limit)


def test_search_finds_the_same_hits(reference: TestClient, client: TestClient) -> None:
    for q in SEARCHES:
        for kind in ([], ["claim"], ["event", "source"]):
            expected = reference.get("/v1/search", params={"q": q, "kind": kind, "limit": 100})
            actual = client.get("/v1/search", params={"q": q, "kind": kind, "limit": 100})
            assert actual.status_code == expected.status_code, q
            if expected.status_code != 200:
                assert actual.json() == expected.json(), q
                continue
            hits = {(h["kind"], h["id"]) for h in expected.json()["items"]}
            assert {(h["kind"], h["id"]) for h in actual.json()["items"]} == hits, q
            for hit in actual.json()["items"]:
                assert "<mark>" in hit["snippet"], (q, hit)
