"""The filters added for analysts (issue 10): `hedge`, `date_match`, `latest`, and the
registry that gives every claim endpoint the same filters (issue 12)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient


def ids(client: TestClient, query: str) -> list[str]:
    body = client.get(f"/v1/claims?limit=500&{query}").json()
    return [c["id"] for c in body["items"]]


def claims(client: TestClient, query: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/claims?limit=500&{query}")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


# -- hedge ---------------------------------------------------------------------------------
def test_hedge_matches_the_word_as_written_case_insensitively(client: TestClient) -> None:
    over = claims(client, "hedge=over")
    assert over and {c["hedge"] for c in over} == {"over"}
    assert {c["qualifier"] for c in over} == {"at_least"}
    assert ids(client, "hedge=OVER") == ids(client, "hedge=over")
    both = claims(client, "hedge=over&hedge=more%20than")
    assert {c["hedge"] for c in both} == {"over", "more than"}
    assert len(both) == len(over) + len(claims(client, "hedge=more%20than"))


def test_hedge_nearly_is_the_one_claim_that_says_nearly(client: TestClient) -> None:
    [nearly] = claims(client, "hedge=nearly")
    assert nearly["value"] == 100 and nearly["metric"]["id"] == "assaults-repelled"
    assert (nearly["value_low"], nearly["value_high"]) == (90, 100)


def test_a_hedge_no_claim_has_finds_nothing(client: TestClient) -> None:
    assert ids(client, "hedge=umpteen") == []


def test_hedge_facet_counts_each_word(client: TestClient) -> None:
    facets = client.get("/v1/claims/facets").json()
    hedges = {f["value"]: f["count"] for f in facets["hedge"]}
    assert hedges["over"] == len(claims(client, "hedge=over"))
    assert hedges[None] == len(claims(client, "qualifier=exact"))
    # The facet narrows with the filter like every other facet.
    narrowed = client.get("/v1/claims/facets?hedge=over").json()
    assert [(f["value"], f["count"]) for f in narrowed["hedge"]] == [("over", hedges["over"])]


def test_hedge_filters_the_export_too(client: TestClient) -> None:
    response = client.get("/v1/export/claims.ndjson?hedge=nearly")
    assert response.status_code == 200
    assert response.headers["x-row-count"] == "1"


# -- date_match ----------------------------------------------------------------------------
def test_within_leaves_out_a_year_dated_claim_from_a_month(client: TestClient) -> None:
    january = "stated_from=2025-01&stated_to=2025-01"
    overlap = ids(client, january)
    within = ids(client, f"{january}&date_match=within")
    # Syrskyi's 90 km², stated in "2025", overlaps January but does not lie within it.
    assert "syrskyi-territory-held-2025" in overlap
    assert "syrskyi-territory-held-2025" not in within
    assert set(within) < set(overlap)
    for claim in claims(client, f"{january}&date_match=within"):
        assert claim["stated_on"].startswith("2025-01") and claim["stated_on_precision"] != "year"


def test_within_keeps_a_month_dated_claim_inside_the_month(client: TestClient) -> None:
    # Western intelligence "in January" (2025-01, month precision).
    found = ids(client, "stated_from=2025-01-01&stated_to=2025-01-31&date_match=within")
    assert "western-intelligence-dprk-killed-2025-01" in found
    # ... but not inside a part of the month.
    part = ids(client, "stated_from=2025-01-01&stated_to=2025-01-15&date_match=within")
    assert "western-intelligence-dprk-killed-2025-01" not in part
    assert "western-intelligence-dprk-killed-2025-01" in ids(
        client, "stated_from=2025-01-01&stated_to=2025-01-15"
    )


def test_within_on_periods_needs_the_whole_period_inside(client: TestClient) -> None:
    # The General Staff's 909 covers 2024-08-06 .. 2025-02-05.
    rng = "period_from=2024-08&period_to=2025-02"
    assert "general-staff-russian-prisoners-2025-02-05" in ids(client, f"{rng}&date_match=within")
    narrower = "period_from=2024-09&period_to=2025-02&date_match=within"
    assert "general-staff-russian-prisoners-2025-02-05" not in ids(client, narrower)
    assert "general-staff-russian-prisoners-2025-02-05" in ids(
        client, "period_from=2024-09&period_to=2025-02"
    )


@pytest.mark.parametrize("sort", ["stated_on", "period_end", "-value"])
def test_within_leaves_out_a_flow_whose_start_is_not_stated(client: TestClient, sort: str) -> None:
    """Zelenskyy's "more than 3,000 ... since their deployment" ends on 2024-12-23 and starts
    on no stated day: it is not known to lie within that day. A stock's period is the day it
    is as of: the General Staff's count of DPRK brigades on 2025-02-05 lies within February."""
    day = f"period_from=2024-12-23&period_to=2024-12-23&sort={sort}"
    assert "zelenskyy-dprk-casualties-2024-12-23" in ids(client, day)
    assert "zelenskyy-dprk-casualties-2024-12-23" not in ids(client, f"{day}&date_match=within")
    february = f"period_from=2025-02&period_to=2025-02&date_match=within&sort={sort}"
    found = ids(client, february)
    assert "general-staff-dprk-casualties-2025-02-05" not in found
    assert "general-staff-dprk-brigades-destroyed-2025-02" not in found
    assert "general-staff-dprk-brigades-2025-02" in found
    for claim in claims(client, february):
        assert claim["period_start"] is not None or claim["metric"]["kind"] == "stock"


@pytest.mark.parametrize("sort", ["stated_on", "-stated_on", "value", "period_end"])
def test_within_pages_agree_with_one_big_page(client: TestClient, sort: str) -> None:
    query = f"stated_from=2025-01&stated_to=2025-02&date_match=within&sort={sort}"
    whole = ids(client, query)
    walked, cursor = [], None
    while True:
        after = f"&cursor={cursor}" if cursor else ""
        body = client.get(f"/v1/claims?{query}&limit=3{after}").json()
        walked += [c["id"] for c in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert walked == whole and len(whole) > 3


def test_date_match_is_validated(client: TestClient) -> None:
    response = client.get("/v1/claims?date_match=inside")
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "date_match"


# -- latest --------------------------------------------------------------------------------
def test_latest_gives_the_909_alone(client: TestClient) -> None:
    query = "metric=prisoners-captured&speaker=general-staff-ukraine"
    assert len(claims(client, query)) == 2  # 860 (to 2025-01-06) and 909 (to 2025-02-05)
    [latest] = claims(client, f"{query}&latest=true")
    assert (latest["id"], latest["value"]) == ("general-staff-russian-prisoners-2025-02-05", 909)


def test_latest_keeps_one_claim_per_metric_subject_and_speaker(client: TestClient) -> None:
    latest = claims(client, "latest=true")
    keys = [(c["metric"]["id"], c["subject"]["id"], c["speaker"]["id"]) for c in latest]
    everything = claims(client, "")
    dated = [c for c in everything if c["period_end"] or c["stated_on"]]
    # No ties in the seeds: one claim per key, and every dated key is there.
    assert len(keys) == len(set(keys))
    assert set(keys) == {(c["metric"]["id"], c["subject"]["id"], c["speaker"]["id"]) for c in dated}
    # Undated claims are never "the latest".
    assert all(c["period_end"] or c["stated_on"] for c in latest)


def test_latest_applies_after_the_other_filters(client: TestClient) -> None:
    # Before February, the General Staff's latest prisoner figure was the 860.
    query = "metric=prisoners-captured&speaker=general-staff-ukraine&period_to=2025-01-31"
    [latest] = claims(client, f"{query}&latest=true&date_match=within")
    assert latest["value"] == 860


def test_latest_filters_exports_and_facets(client: TestClient) -> None:
    query = "metric=prisoners-captured&speaker=general-staff-ukraine&latest=true"
    export = client.get(f"/v1/export/claims.ndjson?{query}")
    assert export.headers["x-row-count"] == "1" and b"909" in export.content
    assert client.get(f"/v1/claims/facets?{query}").json()["total"] == 1


# -- the registry serves series and disagreements too --------------------------------------
def test_series_takes_the_claim_filters(client: TestClient) -> None:
    body = client.get("/v1/metrics/prisoners-captured/series?latest=true").json()
    points = [p["value"] for line in body["series"] for p in line["points"]]
    assert 909 in points and 860 not in points
    hedged = client.get("/v1/metrics/prisoners-captured/series?hedge=over").json()
    [line] = hedged["series"]
    assert [(p["value"], p["hedge"]) for p in line["points"]] == [(700, "over")]
    # The path names the metric: a `metric` parameter is not taken.
    assert client.get("/v1/metrics/prisoners-captured/series?metric=killed").status_code == 422


def test_series_from_and_to_are_the_period_bounds(client: TestClient) -> None:
    old = client.get("/v1/metrics/prisoners-captured/series?from=2025-02").json()
    new = client.get("/v1/metrics/prisoners-captured/series?period_from=2025-02").json()
    assert old == new
    both = client.get("/v1/metrics/prisoners-captured/series?from=2025-02&period_from=2025-01")
    assert both.status_code == 422


def test_disagreements_take_the_claim_filters(client: TestClient) -> None:
    body = client.get("/v1/disagreements?metric=prisoners-captured&stated_from=2025-02").json()
    assert body["comparison"]["claims"] == len(
        claims(client, "metric=prisoners-captured&stated_from=2025-02")
    )


def test_stated_precision_keeps_the_claims_dated_to_that_precision(client: TestClient) -> None:
    year_only = claims(client, "stated_precision=year")
    assert {c["stated_on_precision"] for c in year_only} == {"year"}
    assert "syrskyi-territory-held-2025" in [c["id"] for c in year_only]
    assert all(len(c["stated_on"]) == 4 for c in year_only)  # "2025", never 2025-01-01
    exact = ids(client, "stated_precision=day&stated_precision=month")
    assert set(exact).isdisjoint(c["id"] for c in year_only)
    everything = claims(client, "")
    undated = [c for c in everything if c["stated_on"] is None]
    assert len(exact) + len(year_only) + len(undated) == len(everything)
    # In a year, the facet's year bucket: the claims dated only "2025".
    facets = client.get("/v1/claims/facets").json()["stated_month"]
    [bucket] = [f["count"] for f in facets if f["value"] == "2025"]
    assert len(ids(client, "stated_from=2025&stated_to=2025&stated_precision=year")) == bucket
