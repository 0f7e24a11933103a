"""Metrics, speakers, entities, sources, events, stats and health, through HTTP."""

import hashlib

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SEEDS


def test_metrics_list_with_counts_and_hierarchy(client: TestClient) -> None:
    body = client.get("/v1/metrics").json()
    metrics = {m["id"]: m for m in body["items"]}
    assert len(metrics) == 29
    equipment = metrics["equipment-losses"]
    assert equipment["claim_count"] == 1
    assert equipment["claim_count_with_narrower"] == 10
    assert "uav-losses" in equipment["narrower_ids"]
    assert metrics["uav-losses"]["broader_id"] == "equipment-losses"
    assert metrics["troops-deployed"]["kind"] == "stock"


def test_get_metric(client: TestClient) -> None:
    metric = client.get("/v1/metrics/prisoners-captured").json()
    assert (metric["unit"], metric["kind"], metric["claim_count"]) == ("persons", "flow", 3)


def test_speakers_are_entities_that_made_claims(client: TestClient) -> None:
    speakers = client.get("/v1/speakers?limit=500").json()["items"]
    ids = [s["id"] for s in speakers]
    assert "oleksandr-syrskyi" in ids and "russian-forces" not in ids
    assert all(s["claims_as_speaker"] > 0 for s in speakers)
    syrskyi = client.get("/v1/speakers/oleksandr-syrskyi").json()
    assert {"Syrsky", "Syrskyi"} <= set(syrskyi["aliases"])
    assert syrskyi["claims_as_speaker"] == 4
    # An entity that never spoke is not a speaker.
    assert client.get("/v1/speakers/russian-forces").status_code == 404


def test_entities_include_subjects_and_page_by_id(client: TestClient) -> None:
    forces = client.get("/v1/entities?kind=military_force").json()["items"]
    assert {e["id"] for e in forces} == {
        "dprk-forces",
        "russian-and-dprk-forces",
        "russian-forces",
        "ukrainian-forces",
    }
    russian = client.get("/v1/entities/russian-forces").json()
    assert russian["claims_as_subject"] > 20 and russian["claims_as_speaker"] == 0
    walked, cursor = [], None
    while True:
        page = client.get(
            "/v1/entities", params={"limit": 4, **({"cursor": cursor} if cursor else {})}
        ).json()
        walked += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == sorted(walked) and len(walked) == len(set(walked)) == 30


def test_sources_say_which_seed_file_they_came_from(client: TestClient) -> None:
    sources = client.get("/v1/sources?count=true").json()
    assert sources["total"] == 5
    files = {s["file_name"]: s for s in sources["items"]}
    assert set(files) == {p.name for p in (SEEDS / "sources").glob("*.txt")}
    for name, source in files.items():
        data = (SEEDS / "sources" / name).read_bytes()
        assert source["sha256"] == hashlib.sha256(data).hexdigest()
        text = client.get(f"/v1/sources/{source['id']}/text")
        assert text.headers["content-type"].startswith("text/plain")
        assert text.text == data.decode("utf-8")
        assert source["char_count"] == len(text.text)


def test_source_metadata(client: TestClient) -> None:
    source = client.get("/v1/sources/syrskyi-russia-lost-over-38000-troops-2025-01-01").json()
    assert source["author"] == "Kateryna Hodunova"
    assert (source["published_on"], source["published_on_precision"]) == ("2025-01-01", "day")
    assert source["claim_count"] == 7 and source["event_count"] == 2


def test_events_filters(client: TestClient) -> None:
    def event_ids(params: dict[str, str]) -> list[str]:
        response = client.get("/v1/events", params=params)
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["items"]]

    # October 2024 (month precision) overlaps 2024-10-15..2024-10-20.
    assert event_ids({"from": "2024-10-15", "to": "2024-10-20"}) == ["dprk-troops-arrive-in-kursk"]
    assert event_ids({"from": "2024-08", "to": "2024-08"}) == [
        "capture-of-sudzha",
        "kursk-incursion-begins",
        "ukraine-confirms-kursk-operation",
    ]
    assert "makhnovka-failed-assault" not in event_ids({"from": "2024"})
    assert event_ids({"type": "visit"}) == ["syrskyi-visit-to-kursk"]
    assert event_ids({"type": "Visit"}) == ["syrskyi-visit-to-kursk"]
    assert event_ids({"entity": "Budanov"}) == ["budanov-dprk-still-fighting-2025-02-05"]
    assert event_ids({"q": "Makhnovka"}) == ["makhnovka-failed-assault"]


@pytest.mark.parametrize(
    "bounds", [{"from": "2025-02", "to": "2025-01-31"}, {"from": "2025-12-31", "to": "2025-01-01"}]
)
def test_events_refuse_reversed_bounds(client: TestClient, bounds: dict[str, str]) -> None:
    """Each bound alone matched the event dated "2025": an impossible range answered 200."""
    response = client.get("/v1/events", params=bounds)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"parameter": "to", "message": "the lower bound is after the upper bound"}
    ]


def test_event_links_entities_citations_and_claims(client: TestClient) -> None:
    event = client.get("/v1/events/makhnovka-failed-assault").json()
    assert event["claim_ids"] == [
        "perpetua-makhnovka-casualties-2025-01-06",
        "reports-makhnovka-casualties",
    ]
    assert {e["id"] for e in event["entities"]} == {"russian-and-dprk-forces", "ukrainian-forces"}
    assert event["citations"][0]["quote"].startswith("a failed attempt to capture")


def test_stats_and_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    stats = client.get("/v1/stats").json()
    assert {k: stats[k] for k in ("sources", "claims", "events", "metrics", "entities")} == {
        "sources": 5,
        "claims": 45,
        "events": 23,
        "metrics": 29,
        "entities": 30,
    }
    assert len(stats["dataset_version"]) == 16


def test_count_on_every_paged_list(client: TestClient) -> None:
    assert client.get("/v1/speakers?count=true&limit=1").json()["total"] == 14
    assert client.get("/v1/entities?count=true&limit=1&kind=person").json()["total"] == 8
    assert client.get("/v1/events?count=true&limit=1&type=statement").json()["total"] == 7
    assert client.get("/v1/metrics").json()["total"] == 29
