"""Spot checks of figures across all five sources, read against the articles by hand:
value, qualifier, speaker, stated date (with precision, or null) and the main quote."""

import pytest
from fastapi.testclient import TestClient

SPOT_CHECKS = [
    # (claim id, value, qualifier, hedge, speaker, stated_on, precision, quote)
    (
        "general-staff-russian-casualties-2025-01-06",
        38000,
        "exact",
        None,
        "general-staff-ukraine",
        "2025-01-06",
        "day",
        "On 6 January, Ukraine’s General Staff reported that since August 2024, Russian forces "
        "have suffered 38,000 casualties (killed and wounded)",
    ),
    (
        "general-staff-russian-prisoners-2025-01-06",
        860,
        "exact",
        None,
        "general-staff-ukraine",
        "2025-01-06",
        "day",
        "and 860 Russian soldiers have been taken prisoner in Kursk Oblast",
    ),
    (
        "reports-makhnovka-casualties",
        400,
        "approximate",
        "approximately",
        "unattributed-reports",
        None,
        None,
        "Earlier, reports said that a combined force of Russian and North Korean troops sustained "
        "approximately 400 casualties in a failed attempt to capture the village of Makhnovka",
    ),
    (
        "zelenskyy-russian-casualties-2025-01-06",
        38000,
        "at_least",
        "over",
        "volodymyr-zelenskyy",
        "2025-01-06",
        "day",
        "“Since the beginning of the Kursk operation, the enemy has already lost over 38,000 "
        "troops in this area alone",
    ),
    (
        "zelenskyy-russian-irrecoverable-losses-2025-01-06",
        15000,
        "approximate",
        "approximately",
        "volodymyr-zelenskyy",
        "2025-01-06",
        "day",
        "including approximately 15,000 irrecoverable losses,” Zelenskyy said.",
    ),
    (
        "russian-mod-assaults-repelled-2025-01-06",
        2,
        "exact",
        None,
        "russian-ministry-of-defence",
        "2025-01-06",
        "day",
        "Russia’s Defense Ministry said in a Monday statement that two assaults were repelled.",
    ),
    (
        "syrskyi-russian-prisoners-2025-01-01",
        700,
        "at_least",
        "over",
        "oleksandr-syrskyi",
        "2025-01-01",
        "day",
        "Over 700 servicemen from the Russian military were captured during the Ukrainian "
        "incursion, the general added.",
    ),
    (
        "zelenskyy-dprk-casualties-2024-12-23",
        3000,
        "at_least",
        "more than",
        "volodymyr-zelenskyy",
        "2024-12-23",
        "day",
        "President Volodymyr Zelensky said on Dec. 23 that more than 3,000 North Korean soldiers "
        "have been killed or injured since their deployment in Kursk Oblast.",
    ),
    (
        "general-staff-russian-prisoners-2025-02-05",
        909,
        "exact",
        None,
        "general-staff-ukraine",
        "2025-02-06",
        "day",
        "Ukrainian soldiers captured 909 occupiers",
    ),
    (
        "general-staff-russian-vehicle-losses-2025-02-05",
        1164,
        "exact",
        None,
        "general-staff-ukraine",
        "2025-02-06",
        "day",
        "1,164 units of automotive equipment",
    ),
    (
        "outlet-003-dprk-troops-arrived-2024-10",
        12000,
        "approximate",
        "about",
        "babel-ua",
        "2025-02-06",
        "day",
        "It was about 12 thousand soldiers",
    ),
    (
        "syrskyi-territory-held-2025",
        90,
        "approximate",
        "approximately",
        "oleksandr-syrskyi",
        "2025",
        "year",
        "Ukrainian troops are defending approximately 90 square kilometers (around 35 square "
        "miles) of Russian territory seized during the August 2024 incursion",
    ),
    (
        "outlet-004-russian-reinforcements",
        70000,
        "approximate",
        "estimated",
        "outlet-source-004",
        "2025",
        "year",
        "Russia responded to the incursion with a rapid deployment of reinforcements, including "
        "an estimated 70,000 Russian troops",
    ),
    (
        "western-intelligence-dprk-killed-2025-01",
        1000,
        "at_least",
        "over",
        "western-intelligence-sources",
        "2025-01",
        "month",
        "Western intelligence sources told the BBC in January that over 1,000 North Korean "
        "soldiers had died in the conflict over a three-month span.",
    ),
]


@pytest.mark.parametrize(
    ("claim_id", "value", "qualifier", "hedge", "speaker", "stated_on", "precision", "quote"),
    SPOT_CHECKS,
    ids=[c[0] for c in SPOT_CHECKS],
)
def test_spot_check(
    client: TestClient,
    claim_id: str,
    value: int,
    qualifier: str,
    hedge: str | None,
    speaker: str,
    stated_on: str | None,
    precision: str | None,
    quote: str,
) -> None:
    claim = client.get(f"/v1/claims/{claim_id}").json()
    assert claim["value"] == value
    assert claim["qualifier"] == qualifier
    assert claim["hedge"] == hedge
    assert claim["speaker"]["id"] == speaker
    assert (claim["stated_on"], claim["stated_on_precision"]) == (stated_on, precision)
    assert claim["citations"][0]["quote"] == quote


def test_spot_checks_cover_all_five_sources(client: TestClient) -> None:
    sources = {
        client.get(f"/v1/claims/{c[0]}").json()["citations"][0]["source_id"] for c in SPOT_CHECKS
    }
    assert len(sources) == 5


def test_one_statement_in_two_places_is_one_claim_with_two_citations(client: TestClient) -> None:
    claim = client.get("/v1/claims/zelenskyy-russian-casualties-2025-01-06").json()
    assert [c["quote"][:40] for c in claim["citations"]] == [
        "“Since the beginning of the Kursk operat",
        "Ukrainian President Volodymyr Zelenskyy ",
    ]
    event = client.get("/v1/events/kursk-incursion-begins").json()
    assert len({c["source_id"] for c in event["citations"]}) == 4


def test_dates_the_text_does_not_give_stay_null(client: TestClient) -> None:
    makhnovka = client.get("/v1/events/makhnovka-failed-assault").json()
    assert makhnovka["start_on"] is None and makhnovka["end_on"] is None
    perpetua = client.get("/v1/claims/perpetua-makhnovka-casualties-2025-01-06").json()
    assert perpetua["period_start"] is None and perpetua["period_end"] is None
    source = client.get("/v1/sources/ukrainian-troops-still-hold-kursk-territory-2025").json()
    assert (source["published_on"], source["published_on_precision"]) == ("2025", "year")
    assert source["publisher"] is None


def test_dprk_arrival_is_october_2024_month_precision(client: TestClient) -> None:
    event = client.get("/v1/events/dprk-troops-arrive-in-kursk").json()
    assert (event["start_on"], event["start_on_precision"]) == ("2024-10", "month")


def test_relative_dates_are_resolved_against_a_known_source_date(client: TestClient) -> None:
    source = client.get("/v1/sources/abc-zelenskyy-war-back-to-russia-2025-01-06").json()
    assert (source["published_on"], source["published_on_precision"]) == ("2025-01-06", "day")
    assert "five months" in source["published_on_basis"]
    offensive = client.get("/v1/events/ukrainian-kursk-offensive-january-2025").json()
    assert offensive["start_on"] == "2025-01-05"  # "On Sunday"
