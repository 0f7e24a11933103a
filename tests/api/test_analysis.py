"""Search, series, disagreements, facets, exports, totals, caching and CORS."""

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.api.test_claims import all_pages
from tests.conftest import load, run_queries_here

# --- full-text search -----------------------------------------------------------------------


def test_search_returns_typed_hits_with_highlighted_snippets(client: TestClient) -> None:
    hits = client.get("/v1/search", params={"q": "Makhnovka", "limit": 50}).json()["items"]
    kinds = {(h["kind"], h["id"]) for h in hits}
    assert ("event", "makhnovka-failed-assault") in kinds
    assert ("claim", "reports-makhnovka-casualties") in kinds
    assert ("source", "kursk-operation-thwarts-invasion-plans-2025-01") in kinds
    assert all("<mark>Makhnovka</mark>" in h["snippet"] for h in hits)


def test_search_kind_filter_prefix_and_stemming(client: TestClient) -> None:
    hits = client.get("/v1/search?q=prisoner&kind=claim").json()["items"]
    # Porter stemming: "prisoner" finds "taken prisoner" and "Prisoners captured".
    assert {h["id"] for h in hits} >= {"general-staff-russian-prisoners-2025-01-06"}
    assert {h["kind"] for h in hits} == {"claim"}
    prefix = client.get("/v1/search?q=helicop*&kind=claim").json()["items"]
    assert [h["id"] for h in prefix] == ["general-staff-russian-helicopter-losses-2025-02-05"]


@pytest.mark.parametrize(
    "q",
    ['"', "NEAR(", "a OR", "*", "x AND (", "Зеленський", "'; DROP TABLE claim; --", "^", "col:val"],
)
def test_any_search_text_is_safe(client: TestClient, q: str) -> None:
    response = client.get("/v1/search", params={"q": q})
    assert response.status_code in (200, 422), response.text
    claims = client.get("/v1/claims", params={"q": q})
    assert claims.status_code in (200, 422), claims.text


def test_search_pages_with_a_cursor(client: TestClient) -> None:
    first = client.get("/v1/search?q=Kursk&limit=3").json()
    second = client.get(f"/v1/search?q=Kursk&limit=3&cursor={first['next_cursor']}").json()
    assert len(first["items"]) == 3
    assert not {h["id"] for h in first["items"]} & {h["id"] for h in second["items"]}


def test_claims_q_filters_by_quote_text(client: TestClient) -> None:
    found = [c["id"] for c in client.get("/v1/claims?q=irrecoverable").json()["items"]]
    assert found == ["zelenskyy-russian-irrecoverable-losses-2025-01-06"]


# --- series ---------------------------------------------------------------------------------


def test_series_groups_points_per_speaker_and_subject_in_date_order(client: TestClient) -> None:
    body = client.get("/v1/metrics/personnel-casualties/series?subject=russian-forces").json()
    assert body["metric"]["unit"] == "persons"
    lines = {s["speaker"]["id"]: s for s in body["series"]}
    assert set(lines) == {"general-staff-ukraine", "oleksandr-syrskyi", "volodymyr-zelenskyy"}
    general_staff = lines["general-staff-ukraine"]["points"]
    assert [
        (p["reference_date"], p["value"], p["value_low"], p["value_high"]) for p in general_staff
    ] == [("2025-01-06", 38000, 38000, 38000), ("2025-02-05", 40000, 36000, 44000)]
    assert general_staff[1]["stated_on"] == "2025-02-06"
    assert general_staff[1]["reference_basis"] == "period_end"


def test_series_filters_and_undated_claims(client: TestClient) -> None:
    body = client.get("/v1/metrics/personnel-casualties/series").json()
    # The Makhnovka report has neither a period nor a stated date.
    assert body["undated_claim_ids"] == ["reports-makhnovka-casualties"]
    january = client.get(
        "/v1/metrics/personnel-casualties/series?from=2025-01&to=2025-01&speaker=zelensky"
    ).json()
    points = [p["claim_id"] for s in january["series"] for p in s["points"]]
    assert points == ["zelenskyy-russian-casualties-2025-01-06"]


def test_series_with_narrower_metrics(client: TestClient) -> None:
    body = client.get("/v1/metrics/equipment-losses/series?include_narrower=true").json()
    metrics = {p["metric_id"] for s in body["series"] for p in s["points"]}
    assert len(metrics) == 10


# --- disagreements ---------------------------------------------------------------------------


def test_seed_data_has_one_disagreement_russia_against_syrskyi(client: TestClient) -> None:
    """Read by hand: the one real conflict is Russia's "all occupied territory has been
    reclaimed" (0 km²) against Syrskyi's ~90 km² held, both as of 2025. Every other pair that
    looks contradictory is consistent once qualifiers and periods are taken into account
    ("over 700" by 2025-01-01 vs 860 by 2025-01-06; ~400 vs 408 at Makhnovka; 38,000 vs
    "about 40 thousand" a month later; 60,000 stationed vs 70,000 sent are different
    metrics)."""
    body = client.get("/v1/disagreements").json()
    assert (body["next_cursor"], body["total"]) == (None, 1)
    assert [(p["claim_a"]["id"], p["claim_b"]["id"]) for p in body["items"]] == [
        ("russia-ukrainian-held-territory-zero-2025", "syrskyi-territory-held-2025")
    ]
    # What was compared, and why the other pairs do not conflict.
    comparison = body["comparison"]
    assert comparison["claims"] == client.get("/v1/stats").json()["claims"]
    assert comparison["pairs_compared"] > 0 and comparison["conflicting"] == 1
    assert sum(comparison["not_conflicting"].values()) == comparison["pairs_compared"] - 1
    n = comparison["claims"]
    assert comparison["pairs_compared"] + sum(comparison["not_compared"].values()) == (
        n * (n - 1) // 2
    )


CONFLICTING_TEXT = (
    "Officials said on 6 January 2025 that 5,000 Russian soldiers had been taken prisoner in "
    "Kursk since 6 August 2024.\n"
)
CONFLICTING_YAML = """\
source:
  id: test-conflicting-prisoner-count
  title: A test article with a prisoner count that contradicts the General Staff
  published_on: 2025-01-06
  published_on_basis: test fixture
  language: en
claims:
  - id: test-officials-prisoners-2025-01-06
    metric: prisoners-captured
    subject: russian-forces
    speaker: government-of-ukraine
    value: 5000
    qualifier: exact
    unit: persons
    period: {start: 2024-08-06, end: 2025-01-06}
    stated_on: 2025-01-06
    citations:
      - quote: QUOTE
""".replace("QUOTE", CONFLICTING_TEXT.strip())


@pytest.fixture(scope="module")
def conflicting_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    import shutil

    from tests.conftest import SEEDS

    root = tmp_path_factory.mktemp("conflict")
    seeds = root / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "sources" / "900_test.txt").write_text(CONFLICTING_TEXT, encoding="utf-8")
    (seeds / "sources" / "900_test.yaml").write_text(CONFLICTING_YAML, encoding="utf-8")
    url = f"sqlite:///{root / 'facts.db'}"
    load(seeds, url)
    with TestClient(create_app(Settings(database_url=url))) as client:
        yield client


def test_disagreeing_pairs_are_reported_with_gap_and_reason(conflicting_client: TestClient) -> None:
    pairs = conflicting_client.get("/v1/disagreements?metric=prisoners-captured").json()["items"]
    found = {(p["claim_a"]["id"], p["claim_b"]["id"]): p for p in pairs}
    same = found[
        ("general-staff-russian-prisoners-2025-01-06", "test-officials-prisoners-2025-01-06")
    ]
    assert same["comparability"] == "same_period"
    assert same["gap"] == 4140  # 5,000 - 860
    assert "disjoint" in same["reason"]
    nested = found[
        ("general-staff-russian-prisoners-2025-02-05", "test-officials-prisoners-2025-01-06")
    ]
    assert nested["comparability"] == "nested_period"
    assert nested["gap"] == 4091  # 5,000 by Jan 6 cannot exceed 909 by Feb 5
    # "over 700" (to 2025-01-01) is consistent with 5,000, as with 860 and 909.
    assert not any("syrskyi-russian-prisoners-2025-01-01" in pair for pair in found)
    assert len(found) == 2


def test_disagreements_too_broad_to_compare_are_refused_with_a_reason(
    conflicting_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.queries import disagreements

    run_queries_here(conflicting_client.app, monkeypatch)  # the limits are patched here
    # The 5,000 claim is close in time to the three General Staff/Syrskyi prisoner counts.
    monkeypatch.setattr(disagreements, "MAX_COMPARISONS", 2)
    response = conflicting_client.get("/v1/disagreements?metric=prisoners-captured&limit=7")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "pairs of claims are close enough in time" in response.json()["detail"]
    monkeypatch.setattr(disagreements, "MAX_COMPARISONS", 1_000)
    monkeypatch.setattr(disagreements, "MAX_CLAIMS", 3)
    response = conflicting_client.get("/v1/disagreements?metric=prisoners-captured&limit=8")
    assert response.status_code == 422
    assert "4 claims match" in response.json()["detail"]
    monkeypatch.setattr(disagreements, "MAX_CLAIMS", 4)
    assert (
        conflicting_client.get("/v1/disagreements?metric=prisoners-captured&limit=9").json()[
            "total"
        ]
        == 2
    )


def test_disagreement_filters(conflicting_client: TestClient) -> None:
    assert conflicting_client.get("/v1/disagreements?speaker=Kyiv").json()["total"] == 2
    # Syrskyi's only disagreement: his ~90 km² held against Russia's 0 km² (same year, 2025).
    assert conflicting_client.get("/v1/disagreements?speaker=syrskyi").json()["total"] == 1
    assert conflicting_client.get("/v1/disagreements?subject=dprk-forces").json()["total"] == 0


# --- facets -----------------------------------------------------------------------------------


def test_facets_count_by_every_dimension(client: TestClient) -> None:
    facets = client.get("/v1/claims/facets?subject=dprk-forces").json()
    assert facets["total"] == 12
    assert {f["value"]: f["count"] for f in facets["speaker"]} == {
        "general-staff-ukraine": 5,
        "babel-ua": 3,
        "kyiv-independent": 1,
        "volodymyr-zelenskyy": 1,
        "unattributed-reports": 1,
        "western-intelligence-sources": 1,
    }
    months = {f["value"]: f["count"] for f in facets["stated_month"]}
    # Babel's three outlet-voice figures carry its publication date (2025-02-06); the
    # 11,000 "reportedly" sent is relayed, not the outlet's voice, and stays undated.
    assert months == {"2024-12": 1, "2025-01": 2, "2025-02": 8, None: 1}
    assert sum(f["count"] for f in facets["qualifier"]) == 12


def test_facets_list_the_most_frequent_values_and_say_how_many_there_are(
    client: TestClient,
) -> None:
    facets = client.get("/v1/claims/facets?subject=dprk-forces&limit=2").json()
    assert facets["values_per_facet"] == 2
    assert facets["distinct_values"] == {
        "metric": 9,
        "speaker": 6,
        "subject": 1,
        "source": 3,
        "qualifier": 3,
        "hedge": 6,
        "stated_month": 4,
    }
    assert [(f["value"], f["count"]) for f in facets["speaker"]] == [
        ("general-staff-ukraine", 5),
        ("babel-ua", 3),
    ]
    assert facets["speaker"][0]["label"] == "General Staff of the Armed Forces of Ukraine"
    # The two most frequent months (February 2025, then January 2025), listed in date order.
    assert [(f["value"], f["count"]) for f in facets["stated_month"]] == [
        ("2025-01", 2),
        ("2025-02", 8),
    ]
    everything = client.get("/v1/claims/facets?subject=dprk-forces").json()
    assert everything["values_per_facet"] == 100
    assert {k: len(everything[k]) for k in everything["distinct_values"]} == facets[
        "distinct_values"
    ]
    assert client.get("/v1/claims/facets?limit=0").status_code == 422
    assert client.get("/v1/claims/facets?limit=1001").status_code == 422


def test_facets_take_the_claim_filters(client: TestClient) -> None:
    facets = client.get("/v1/claims/facets?speaker=syrskyi").json()
    assert facets["total"] == 4
    assert {f["value"] for f in facets["source"]} == {
        "syrskyi-russia-lost-over-38000-troops-2025-01-01",
        "ukrainian-troops-still-hold-kursk-territory-2025",
    }
    assert {f["value"]: f["count"] for f in facets["stated_month"]} == {"2025-01": 3, "2025": 1}


# --- exports ----------------------------------------------------------------------------------


def _csv_value(value: Any) -> str:
    return "" if value is None else str(value)


def _at_precision(source: dict[str, Any]) -> str | None:
    """A source's published date as shown: cut to its precision (right before and after
    dates became strings at their precision)."""
    shown = source["published_on"]
    if shown is None:
        return None
    return str(shown)[: {"year": 4, "month": 7}.get(source["published_on_precision"], 10)]


def test_csv_export_parses_back_into_the_paged_claims(client: TestClient) -> None:
    response = client.get("/v1/export/claims.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["x-row-count"] == "45"
    assert (
        response.headers["x-dataset-version"] == client.get("/v1/stats").json()["dataset_version"]
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    paged = {c["id"]: c for c in all_pages(client, {"limit": 500})}
    assert [r["id"] for r in rows] == [c["id"] for c in all_pages(client, {"limit": 500})]
    sources = {s["id"]: s for s in client.get("/v1/sources?limit=500").json()["items"]}
    for row in rows:
        claim = paged[row["id"]]
        citations = [
            {
                **c,
                "source_published_on": _at_precision(sources[c["source_id"]]),
                "source_url": sources[c["source_id"]]["url"],
            }
            for c in claim["citations"]
        ]
        expected = {
            "metric_id": claim["metric"]["id"],
            "metric_name": claim["metric"]["name"],
            "speaker_id": claim["speaker"]["id"],
            "speaker_name": claim["speaker"]["name"],
            "subject_id": claim["subject"]["id"],
            "subject_name": claim["subject"]["name"],
            "event_id": claim["event"]["id"] if claim["event"] else None,
            "citation_count": len(claim["citations"]),
            # Every citation, in order, one per line of the cell.
            **{
                k: "\n".join(_csv_value(c[k]) for c in citations)
                for k in (
                    "source_id",
                    "source_title",
                    "source_published_on",
                    "source_url",
                    "quote",
                    "char_start",
                    "char_end",
                )
            },
            **{
                k: claim[k]
                for k in (
                    "value",
                    "qualifier",
                    "hedge",
                    "value_low",
                    "value_high",
                    "unit",
                    "place",
                    "period_start",
                    "period_start_precision",
                    "period_end",
                    "period_end_precision",
                    "stated_on",
                    "stated_on_precision",
                    "note",
                )
            },
        }
        assert row == {"id": claim["id"], **{k: _csv_value(v) for k, v in expected.items()}}


def test_ndjson_export_is_the_full_claims(client: TestClient) -> None:
    response = client.get("/v1/export/claims.ndjson?speaker=zelensky")
    assert response.headers["x-row-count"] == "4"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert lines == [client.get(f"/v1/claims/{c['id']}").json() for c in lines]
    assert len(lines) == 4


def test_export_of_nothing_is_a_header_only(client: TestClient) -> None:
    response = client.get("/v1/export/claims.csv?min_value=1e12")
    assert response.headers["x-row-count"] == "0"
    assert response.text.splitlines()[0].startswith("id,metric_id,")
    assert len(response.text.splitlines()) == 1


# --- caching and CORS -----------------------------------------------------------------------


def test_etag_and_304(client: TestClient) -> None:
    first = client.get("/v1/claims?limit=2")
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, max-age=300"
    again = client.get("/v1/claims?limit=2", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = client.get("/v1/claims?limit=3")
    assert other.headers["etag"] != etag
    assert client.get("/v1/claims?limit=3", headers={"If-None-Match": etag}).status_code == 200


def test_errors_are_not_cached(client: TestClient) -> None:
    response = client.get("/v1/claims/nope")
    assert "etag" not in response.headers and "cache-control" not in response.headers


def test_cors_allows_get_from_any_origin(client: TestClient) -> None:
    response = client.get("/v1/stats", headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "ETag" in response.headers["access-control-expose-headers"]
    preflight = client.options(
        "/v1/claims",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200


def test_etag_changes_with_the_dataset(conflicting_client: TestClient, client: TestClient) -> None:
    assert (
        conflicting_client.get("/v1/stats").headers["etag"]
        != client.get("/v1/stats").headers["etag"]
    )


def test_repeated_requests_are_served_from_the_response_cache(client: TestClient) -> None:
    first = client.get("/v1/claims?limit=4&sort=-value")
    second = client.get("/v1/claims?limit=4&sort=-value")
    assert "x-cache" not in first.headers
    assert second.headers["x-cache"] == "hit"
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["content-type"] == "application/json"


def test_response_cache_is_bounded() -> None:
    from app.api.caching import ResponseCache, _Entry

    cache = ResponseCache(max_bytes=10_000)
    for i in range(50):
        cache.put(f"k{i}", _Entry(200, [], b"x" * 500))
    assert cache.size <= 10_000
    assert cache.get("k0") is None and cache.get("k49") is not None
    cache.put("big", _Entry(200, [], b"x" * 2_000))  # over a tenth of the budget
    assert cache.get("big") is None
