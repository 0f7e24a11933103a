"""The curation rules of issue 10, checked through the API against the seed data: outlet-voice
dates, event links, a quantity said without digits, troops sent versus troops present, and
where publishers and URLs come from."""

from typing import Any

from fastapi.testclient import TestClient

from tests.api.test_claims import all_pages

LENGTH = {"year": 4, "month": 7, "day": 10}


def shown(value: str | None, precision: str | None) -> str | None:
    """A date as the API means it: cut to its precision ("2025", "2025-01", "2025-01-06"),
    whether it is served at its precision or as its first day plus a precision field."""
    if value is None or precision is None:
        return None
    return value[: LENGTH[precision]]


def stated(claim: dict[str, Any]) -> str | None:
    return shown(claim["stated_on"], claim["stated_on_precision"])


# --- outlet-voice figures ----------------------------------------------------------------------


def test_outlet_voice_figures_are_stated_on_their_articles_publication_date(
    client: TestClient,
) -> None:
    outlets = {
        e["id"]
        for e in client.get("/v1/entities", params={"kind": "outlet", "limit": 500}).json()["items"]
    }
    sources = {s["id"]: s for s in client.get("/v1/sources", params={"limit": 500}).json()["items"]}
    voiced = [c for c in all_pages(client, {"limit": 500}) if c["speaker"]["id"] in outlets]
    assert len(voiced) == 11  # in all five sources
    assert len({c["citations"][0]["source_id"] for c in voiced}) == 5
    for claim in voiced:
        source = sources[claim["citations"][0]["source_id"]]
        published = shown(source["published_on"], source["published_on_precision"])
        assert (stated(claim), claim["stated_on_precision"]) == (
            published,
            source["published_on_precision"],
        ), claim["id"]


def test_outlet_voice_dates_keep_the_publication_dates_precision(client: TestClient) -> None:
    # Source 000 is dated to the month, 004 to the year: so are their outlets' figures.
    month = client.get("/v1/claims/outlet-000-russian-assaults-repelled-2025-01").json()
    assert (stated(month), month["stated_on_precision"]) == ("2025-01", "month")
    year = client.get("/v1/claims/outlet-004-territory-initially-captured").json()
    assert (stated(year), year["stated_on_precision"]) == ("2025", "year")
    # Babel says in February 2025 what was known in October 2024: stated and as-of differ.
    arrival = client.get("/v1/claims/outlet-003-dprk-troops-arrived-2024-10").json()
    assert stated(arrival) == "2025-02-06"
    assert shown(arrival["period_end"], arrival["period_end_precision"]) == "2024-10"


def test_figures_an_outlet_relays_are_not_its_voice_and_stay_undated(client: TestClient) -> None:
    for claim_id in ("reports-makhnovka-casualties", "reports-dprk-troops-sent-fall-2024"):
        claim = client.get(f"/v1/claims/{claim_id}").json()
        assert claim["speaker"]["id"] == "unattributed-reports"
        assert claim["stated_on"] is None, claim_id


# --- event links ---------------------------------------------------------------------------------


def test_zelenskyys_losses_figures_are_linked_to_his_statement(client: TestClient) -> None:
    linked = client.get("/v1/claims", params={"event": "zelenskyy-statement-2025-01-06"}).json()
    assert sorted(c["id"] for c in linked["items"]) == [
        "zelenskyy-russian-casualties-2025-01-06",
        "zelenskyy-russian-irrecoverable-losses-2025-01-06",
    ]
    claim = client.get("/v1/claims/zelenskyy-russian-irrecoverable-losses-2025-01-06").json()
    assert claim["event"]["id"] == "zelenskyy-statement-2025-01-06"


def test_a_claim_quoted_inside_an_event_citation_is_linked_to_that_event(
    client: TestClient,
) -> None:
    events = [
        client.get(f"/v1/events/{e['id']}").json()
        for e in client.get("/v1/events", params={"limit": 500}).json()["items"]
    ]
    spans = [
        (c["source_id"], c["char_start"], c["char_end"], event["id"])
        for event in events
        for c in event["citations"]
    ]
    inside = []
    for claim in all_pages(client, {"limit": 500}):
        for cite in claim["citations"]:
            for source_id, start, end, event_id in spans:
                if (
                    cite["source_id"] == source_id
                    and start <= cite["char_start"]
                    and cite["char_end"] <= end
                ):
                    inside.append((claim["id"], event_id))
                    assert (claim["event"] or {}).get("id") == event_id, claim["id"]
    assert inside == [
        ("russia-ukrainian-held-territory-zero-2025", "russian-claims-territory-reclaimed")
    ]


# --- a quantity said without digits ------------------------------------------------------------


def test_russias_all_territory_retaken_is_zero_square_kilometres_held(client: TestClient) -> None:
    claim = client.get("/v1/claims/russia-ukrainian-held-territory-zero-2025").json()
    assert (claim["metric"]["id"], claim["subject"]["id"], claim["speaker"]["id"]) == (
        "territory-controlled",
        "ukrainian-forces",
        "russia-unspecified",
    )
    assert (claim["value"], claim["qualifier"], claim["value_low"], claim["value_high"]) == (
        0,
        "exact",
        0,
        0,
    )
    assert claim["unit"] == "km2"
    assert claim["stated_on"] is None  # "repeated Russian claims", none dated
    assert shown(claim["period_end"], claim["period_end_precision"]) == "2025"
    assert claim["event"]["id"] == "russian-claims-territory-reclaimed"
    assert claim["citations"][0]["quote"] == (
        "Despite repeated Russian claims that all occupied territory has been reclaimed"
    )
    speaker = client.get("/v1/entities/russia-unspecified").json()
    assert speaker["side"] == "russia"


def test_zero_held_disagrees_with_syrskyis_ninety_square_kilometres(client: TestClient) -> None:
    pairs = client.get(
        "/v1/disagreements",
        params={"metric": "territory-controlled", "subject": "ukrainian-forces"},
    ).json()["items"]
    assert len(pairs) == 1
    pair = pairs[0]
    assert (pair["claim_a"]["id"], pair["claim_b"]["id"]) == (
        "russia-ukrainian-held-territory-zero-2025",
        "syrskyi-territory-held-2025",
    )
    assert pair["comparability"] == "same_as_of"
    assert pair["gap"] == 81  # ~90 is [81, 99]; 0 is [0, 0]
    assert "disjoint" in pair["reason"]


# --- troops sent, not present ------------------------------------------------------------------


def test_general_staffs_12000_north_koreans_are_troops_sent_over_the_operation(
    client: TestClient,
) -> None:
    claim = client.get("/v1/claims/general-staff-dprk-troops-involved-2025-02").json()
    assert claim["metric"]["id"] == "troops-sent"
    assert claim["metric"]["kind"] == "flow"
    assert (claim["value"], claim["unit"], claim["subject"]["id"]) == (
        12000,
        "persons",
        "dprk-forces",
    )
    assert shown(claim["period_start"], claim["period_start_precision"]) == "2024-08-06"
    assert shown(claim["period_end"], claim["period_end_precision"]) == "2025-02-05"
    # Not a level present on 5 February: the same text says the units were withdrawn.
    present = client.get(
        "/v1/claims",
        params={"metric": "troops-deployed", "subject": "dprk-forces", "period_from": "2025-02"},
    ).json()["items"]
    assert present == []
    metric = client.get("/v1/metrics/troops-sent").json()
    assert metric["unit"] == "persons" and "withdrawn" in metric["description"]


def test_over_governs_both_the_area_and_the_settlements(client: TestClient) -> None:
    for claim_id, value in (
        ("outlet-003-territory-controlled-peak", 1000),
        ("outlet-003-settlements-controlled-peak", 100),
    ):
        claim = client.get(f"/v1/claims/{claim_id}").json()
        assert (claim["value"], claim["qualifier"], claim["hedge"]) == (value, "at_least", "over")
        assert (claim["value_low"], claim["value_high"]) == (value, None)


# --- publishers and URLs ----------------------------------------------------------------------


def test_publishers_and_urls_where_the_text_or_public_record_establishes_them(
    client: TestClient,
) -> None:
    sources = {s["id"]: s for s in client.get("/v1/sources", params={"limit": 500}).json()["items"]}
    found = {sid: (s["publisher"], s["url"]) for sid, s in sources.items()}
    assert found == {
        "kursk-operation-thwarts-invasion-plans-2025-01": (
            "24ukraine.com",
            "https://24ukraine.com/ukr_2904/ukraines-kursk-operation-thwarts-russian-invasion-"
            "plans-inflicts-38000-casualties-since-august-2024",
        ),
        "abc-zelenskyy-war-back-to-russia-2025-01-06": (
            "Kmaupdates",
            "https://kmaupdates.com/2025/01/07/ukraine-is-bringing-war-back-to-russia-zelenskyy-"
            "says-after-new-kursk-offensive",
        ),
        "syrskyi-russia-lost-over-38000-troops-2025-01-01": (
            "The Kyiv Independent",
            "https://kyivindependent.com/russia-has-lost-over-38-000-troops-in-kursk-oblast-"
            "syrskyi-says/",
        ),
        "general-staff-kursk-operation-summary-2025-02-06": (
            "Babel",
            "https://babel.ua/en/news/115153-losses-of-north-korean-troops-and-hundreds-of-"
            "russian-prisoners-the-general-staff-of-ukraine-revealed-the-details-of-the-kursk-"
            "operation",
        ),
        # No stored public page carries this text verbatim: nothing is guessed.
        "ukrainian-troops-still-hold-kursk-territory-2025": (None, None),
    }
    for source in sources.values():
        if source["url"] is not None:  # the note says where it comes from
            assert "verbatim" in source["note"], source["id"]
    assert (
        "searches of stored public pages"
        in sources["ukrainian-troops-still-hold-kursk-territory-2025"]["note"]
    )


def test_named_outlets_speak_for_the_figures_in_their_own_voice(client: TestClient) -> None:
    for claim_id, outlet in (
        ("outlet-002-territory-share-lost-2025-01-01", "kyiv-independent"),
        ("outlet-003-territory-controlled-peak", "babel-ua"),
        ("abc-russia-occupies-share-of-ukraine-2025-01-06", "abc-news"),
    ):
        assert client.get(f"/v1/claims/{claim_id}").json()["speaker"]["id"] == outlet
    assert client.get("/v1/entities/outlet-source-002").status_code == 404


def test_disagreement_reason_shows_dates_at_their_precision(client: TestClient) -> None:
    [pair] = client.get("/v1/disagreements?metric=territory-controlled").json()["items"]
    # Both as-of dates are known to the year alone: the reason must not say 2025-01-01.
    assert "2025-01-01" not in pair["reason"]
    assert "as-of dates 2025 and 2025 overlap" in pair["reason"]
