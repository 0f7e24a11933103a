"""Unknown query parameters are 422s that name them (issue 10.1): a misspelt filter must
never be dropped silently and answer with every claim. Nor may a known one given twice (the
framework would keep the last value) or empty (`type=` meant "no filter", `hedge=` "match
nothing")."""

import re

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings

EXAMPLE_IDS = {
    "claim_id": "general-staff-russian-prisoners-2025-02-05",
    "metric_id": "prisoners-captured",
    "speaker_id": "oleksandr-syrskyi",
    "entity_id": "oleksandr-syrskyi",
    "source_id": "general-staff-kursk-operation-summary-2025-02-06",
    "event_id": "dprk-troops-arrive-in-kursk",
}


def _query_parameters(database_url: str) -> list[tuple[str, str, bool]]:
    """(path with real ids, query parameter, whether it is repeatable) for every GET
    operation of the OpenAPI document."""
    document = create_app(Settings(database_url=database_url)).openapi()
    found = []
    for path, item in document["paths"].items():
        if "get" not in item:
            continue
        filled = re.sub(r"\{(\w+)\}", lambda m: EXAMPLE_IDS[m.group(1)], path)
        found.append((filled, "", False))
        for parameter in item["get"].get("parameters", []):
            if parameter["in"] == "query":
                schema = parameter["schema"]
                kinds = [s.get("type") for s in schema.get("anyOf", [schema])]
                found.append((filled, parameter["name"], "array" in kinds))
    return found


def _operations(database_url: str) -> list[str]:
    """Every GET path of the OpenAPI document, path parameters filled with real ids."""
    return [path for path, name, _ in _query_parameters(database_url) if not name]


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


def test_every_parameter_that_takes_one_value_refuses_a_second(
    client: TestClient, database_url: str
) -> None:
    """`stated_from=2025&stated_from=2024` answered with the last value only (40 claims
    one way round, 39 the other)."""
    single = [(p, n) for p, n, many in _query_parameters(database_url) if n and not many]
    assert len(single) >= 40
    for path, name in single:
        response = client.get(path, params=[(name, "x"), (name, "y")])
        assert response.status_code == 422, (path, name)
        assert response.json()["errors"] == [
            {"parameter": name, "message": "given 2 times; this parameter takes one value"}
        ], (path, name)


def test_a_repeatable_parameter_still_takes_several_values(client: TestClient) -> None:
    response = client.get("/v1/claims?speaker=syrsky&speaker=zelensky&count=true")
    assert response.status_code == 200
    assert (
        response.json()["total"]
        > client.get("/v1/claims?speaker=syrsky&count=true").json()["total"]
    )


def test_every_parameter_refuses_an_empty_value(client: TestClient, database_url: str) -> None:
    """`/v1/events?type=` listed every event and `/v1/claims?hedge=` none: an empty value
    has no one meaning."""
    parameters = [(p, n) for p, n, _ in _query_parameters(database_url) if n]
    assert len(parameters) >= 80
    for path, name in parameters:
        for empty in ("", " "):
            response = client.get(path, params={name: empty})
            assert response.status_code == 422, (path, name, empty)
            assert [e["parameter"] for e in response.json()["errors"]] == [name], (path, name)


def test_every_problem_with_the_parameters_is_named_at_once(client: TestClient) -> None:
    response = client.get("/v1/claims?sort=value&sort=-value&hedge=&limit=1&limit=2")
    assert response.status_code == 422
    assert [e["parameter"] for e in response.json()["errors"]] == ["hedge", "sort", "limit"]
