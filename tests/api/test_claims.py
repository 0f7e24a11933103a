"""`/v1/claims` and `/v1/claims/{id}` through HTTP, on the seed data."""

from typing import Any

import pytest
from fastapi.testclient import TestClient


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def all_pages(client: TestClient, params: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        response = client.get(
            "/v1/claims", params={**params, **({"cursor": cursor} if cursor else {})}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def test_claim_909_prisoners_has_value_qualifier_speaker_and_quote(client: TestClient) -> None:
    claim = client.get("/v1/claims/general-staff-russian-prisoners-2025-02-05").json()
    assert claim["value"] == 909
    assert claim["qualifier"] == "exact"
    assert (claim["value_low"], claim["value_high"]) == (909, 909)
    assert claim["speaker"] == {
        "id": "general-staff-ukraine",
        "name": "General Staff of the Armed Forces of Ukraine",
    }
    assert claim["subject"]["id"] == "russian-forces"
    assert claim["metric"] == {
        "id": "prisoners-captured",
        "name": "Prisoners captured",
        "unit": "persons",
        "kind": "flow",
    }
    assert (claim["stated_on"], claim["stated_on_precision"]) == ("2025-02-06", "day")
    assert (claim["period_start"], claim["period_end"]) == ("2024-08-06", "2025-02-05")
    [citation] = claim["citations"]
    assert citation["quote"] == "Ukrainian soldiers captured 909 occupiers"
    text = client.get(f"/v1/sources/{citation['source_id']}/text").text
    assert text[citation["char_start"] : citation["char_end"]] == citation["quote"]


def test_every_citation_offset_points_at_its_quote(client: TestClient) -> None:
    texts: dict[str, str] = {}
    claims = all_pages(client, {"limit": 500})
    assert len(claims) == 45
    for claim in claims:
        assert claim["citations"], claim["id"]
        for c in claim["citations"]:
            if c["source_id"] not in texts:
                texts[c["source_id"]] = client.get(f"/v1/sources/{c['source_id']}/text").text
            assert texts[c["source_id"]][c["char_start"] : c["char_end"]] == c["quote"]


def test_over_700_is_at_least_with_open_upper_bound(client: TestClient) -> None:
    claim = client.get("/v1/claims/syrskyi-russian-prisoners-2025-01-01").json()
    assert (claim["value"], claim["qualifier"], claim["hedge"]) == (700, "at_least", "over")
    assert (claim["value_low"], claim["value_high"]) == (700, None)


def test_approximate_band_is_ten_percent_and_nearly_is_below(client: TestClient) -> None:
    about = client.get("/v1/claims/general-staff-russian-casualties-2025-02-05").json()
    assert (about["qualifier"], about["hedge"]) == ("approximate", "about")
    assert (about["value_low"], about["value_high"]) == (36000, 44000)
    nearly = client.get("/v1/claims/outlet-000-russian-assaults-repelled-2025-01").json()
    assert (nearly["value"], nearly["hedge"]) == (100, "nearly")
    assert (nearly["value_low"], nearly["value_high"]) == (90, 100)


@pytest.mark.parametrize("alias", ["zelensky", "Zelenskyy", "ZELENSKY", "volodymyr-zelenskyy"])
def test_speaker_alias_lookup_is_case_insensitive(client: TestClient, alias: str) -> None:
    found = ids(client.get("/v1/claims", params={"speaker": alias}))
    assert sorted(found) == [
        "zelenskyy-dprk-casualties-2024-12-23",
        "zelenskyy-russian-casualties-2025-01-06",
        "zelenskyy-russian-irrecoverable-losses-2025-01-06",
        "zelenskyy-russian-troops-in-kursk-2025-01",
    ]


def test_syrsky_and_syrskyi_are_one_speaker(client: TestClient) -> None:
    assert ids(client.get("/v1/claims?speaker=Syrsky")) == ids(
        client.get("/v1/claims?speaker=syrskyi")
    )
    assert len(ids(client.get("/v1/claims?speaker=Syrsky"))) == 4


def test_month_precision_date_matches_a_range_inside_the_month(client: TestClient) -> None:
    # "As of January 2025" (month precision) overlaps 2025-01-15..2025-01-20.
    found = ids(
        client.get(
            "/v1/claims",
            params={"period_from": "2025-01-15", "period_to": "2025-01-20", "limit": 500},
        )
    )
    assert "outlet-000-russian-assaults-repelled-2025-01" in found
    assert "zelenskyy-russian-troops-in-kursk-2025-01" in found
    # ... and day-precision claims that end on 2025-01-06 do not.
    assert "general-staff-russian-casualties-2025-01-06" not in found


def test_stated_month_filter_takes_partial_dates(client: TestClient) -> None:
    found = ids(
        client.get(
            "/v1/claims",
            params={"stated_from": "2025-01", "stated_to": "2025-01", "speaker": "syrskyi"},
        )
    )
    # The three of 2025-01-01, and the one dated only "2025" (year precision overlaps January).
    assert sorted(found) == [
        "syrskyi-russian-casualties-2025-01-01",
        "syrskyi-russian-equipment-losses-2025-01-01",
        "syrskyi-russian-prisoners-2025-01-01",
        "syrskyi-territory-held-2025",
    ]
    assert (
        ids(
            client.get(
                "/v1/claims", params={"stated_from": "2024-12-24", "stated_to": "2024-12-31"}
            )
        )
        == []
    )


def test_stated_and_period_filters_are_separate(client: TestClient) -> None:
    # Zelenskyy spoke on 2024-12-23; the figure covers up to that day. Stated in December:
    assert ids(client.get("/v1/claims?stated_from=2024-12&stated_to=2024-12")) == [
        "zelenskyy-dprk-casualties-2024-12-23"
    ]
    # The General Staff's October-2024 reference period (stated in 2025) is found by period only.
    by_period = ids(client.get("/v1/claims?period_from=2024-10-10&period_to=2024-10-12&limit=500"))
    assert "outlet-003-dprk-troops-arrived-2024-10" in by_period
    assert "outlet-003-dprk-troops-arrived-2024-10" not in ids(
        client.get("/v1/claims?stated_from=2024-10-10&stated_to=2024-10-12")
    )


def test_value_and_qualifier_filters(client: TestClient) -> None:
    found = ids(client.get("/v1/claims?min_value=30000&max_value=40000&qualifier=exact"))
    assert found == ["general-staff-russian-casualties-2025-01-06"]


def test_metric_filter_and_include_narrower(client: TestClient) -> None:
    assert ids(client.get("/v1/claims?metric=equipment-losses")) == [
        "syrskyi-russian-equipment-losses-2025-01-01"
    ]
    narrower = client.get("/v1/claims?metric=equipment-losses&include_narrower=true&count=true")
    assert narrower.json()["total"] == 10
    assert "general-staff-russian-uav-losses-2025-02-05" in ids(narrower)


def test_source_and_event_filters(client: TestClient) -> None:
    assert sorted(ids(client.get("/v1/claims?event=makhnovka-failed-assault"))) == [
        "perpetua-makhnovka-casualties-2025-01-06",
        "reports-makhnovka-casualties",
    ]
    found = client.get(
        "/v1/claims?source=syrskyi-russia-lost-over-38000-troops-2025-01-01&count=true"
    ).json()
    assert found["total"] == 7


@pytest.mark.parametrize(
    "sort", ["stated_on", "-stated_on", "value", "-value", "period_end", "-period_end"]
)
@pytest.mark.parametrize("limit", [1, 7, 50])
def test_pagination_walks_every_claim_exactly_once(
    client: TestClient, sort: str, limit: int
) -> None:
    walked = all_pages(client, {"sort": sort, "limit": limit})
    walked_ids = [c["id"] for c in walked]
    assert len(walked_ids) == len(set(walked_ids)) == 45
    key = sort.lstrip("-")
    if key == "value":
        values = [c["value"] for c in walked]
        assert values == sorted(values, reverse=sort.startswith("-"))


def test_sort_puts_unknown_stated_dates_last_ascending(client: TestClient) -> None:
    walked = all_pages(client, {"sort": "stated_on", "limit": 500})
    dates = [c["stated_on"] for c in walked]
    known = [d for d in dates if d is not None]
    # By the first day each date covers: "2025" (a year) sorts with 2025-01-01.
    assert dates[: len(known)] == sorted(known, key=lambda d: (d + "-01-01")[:10])
    assert all(d is None for d in dates[len(known) :])
    assert dates[0] == "2024-12-23"


def test_count_gives_exact_total(client: TestClient) -> None:
    body = client.get("/v1/claims?limit=5&count=true&subject=dprk-forces").json()
    assert body["total"] == 12
    assert len(body["items"]) == 5
    assert client.get("/v1/claims?limit=5").json()["total"] is None
