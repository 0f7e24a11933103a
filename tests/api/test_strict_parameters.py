"""Unknown query parameters are 422s that name them (issue 10.1): a misspelt filter must
never be dropped silently and answer with every claim."""

import re

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings


def _operations(database_url: str) -> list[str]:
    """Every GET path of the OpenAPI document, path parameters filled with real ids."""
    examples = {
        "claim_id": "general-staff-russian-prisoners-2025-02-05",
        "metric_id": "prisoners-captured",
        "speaker_id": "oleksandr-syrskyi",
        "entity_id": "oleksandr-syrskyi",
        "source_id": "general-staff-kursk-operation-summary-2025-02-06",
        "event_id": "dprk-troops-arrive-in-kursk",
    }
    document = create_app(Settings(database_url=database_url)).openapi()
    return [
        re.sub(r"\{(\w+)\}", lambda m: examples[m.group(1)], path)
        for path, item in document["paths"].items()
        if "get" in item
    ]


def test_every_operation_refuses_an_unknown_parameter(
    client: TestClient, database_url: str
) -> None:
    paths = _operations(database_url)
    assert len(paths) >= 20
    for path in paths:
        response = client.get(path, params={"no_such_parameter": "1"})
        assert response.status_code == 422, path
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["errors"][0]["parameter"] == "no_such_parameter", path
        assert "no_such_parameter" in problem["detail"]


@pytest.mark.parametrize(
    ("query", "unknown", "suggested"),
    [
        ("speakr=syrsky", "speakr", "speaker"),
        ("metrics=prisoners-captured", "metrics", "metric"),
        ("stated_after=2025-01", "stated_after", "stated_from"),
    ],
)
def test_a_misspelt_claim_filter_is_named_with_the_accepted_ones(
    client: TestClient, query: str, unknown: str, suggested: str
) -> None:
    response = client.get(f"/v1/claims?{query}")
    assert response.status_code == 422
    problem = response.json()
    assert [e["parameter"] for e in problem["errors"]] == [unknown]
    accepted = problem["detail"].split("accepts: ")[1].split(", ")
    assert suggested in accepted and "limit" in accepted and "cursor" in accepted


def test_several_unknown_parameters_are_all_named(client: TestClient) -> None:
    response = client.get("/v1/claims?speaker=syrsky&foo=1&bar=2&foo=3")
    assert response.status_code == 422
    assert [e["parameter"] for e in response.json()["errors"]] == ["foo", "bar"]


def test_known_parameters_still_answer(client: TestClient) -> None:
    response = client.get("/v1/claims?speaker=syrsky&limit=2&count=true")
    assert response.status_code == 200
    assert response.json()["total"] == 4
    # A dependency's own parameters count as known (the export takes the claim filters).
    assert client.get("/v1/export/claims.csv?speaker=syrsky").status_code == 200
    assert client.get("/v1/events?from=2024-10&to=2024-10").status_code == 200
