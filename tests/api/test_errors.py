"""One error shape everywhere: application/problem+json with a useful detail."""

import pytest
from fastapi.testclient import TestClient

NOT_FOUND = [
    "/v1/claims/no-such-claim",
    "/v1/metrics/no-such-metric",
    "/v1/metrics/no-such-metric/series",
    "/v1/speakers/no-such-speaker",
    "/v1/entities/no-such-entity",
    "/v1/sources/no-such-source",
    "/v1/sources/no-such-source/text",
    "/v1/events/no-such-event",
    "/v1/no-such-route",
]

INVALID = [
    ("/v1/claims?stated_from=2025-13-01", "stated_from", "is not a date: expected YYYY-MM-DD"),
    ("/v1/claims?stated_to=yesterday", "stated_to", "is not a date"),
    ("/v1/claims?period_from=2025-02-30", "period_from", "not a calendar date"),
    ("/v1/claims?limit=0", "limit", "greater than or equal to 1"),
    ("/v1/claims?limit=501", "limit", "less than or equal to 500"),
    ("/v1/claims?sort=size", "sort", "Input should be"),
    ("/v1/claims?qualifier=roughly", "qualifier", "Input should be"),
    ("/v1/claims?min_value=lots", "min_value", "valid number"),
    ("/v1/claims?metric=drone-losses", "metric", "unknown metric id 'drone-losses'"),
    ("/v1/claims?speaker=Putin", "speaker", "no entity is called 'Putin'"),
    ("/v1/claims?cursor=!!", "cursor", "is not a cursor"),
    ("/v1/claims?cursor=bm90LWEtY3Vyc29y", "cursor", "not a cursor returned by this API"),
    ("/v1/claims?stated_from=2025-02&stated_to=2025-01", "stated_to", "lower bound is after"),
    ("/v1/claims?q=%2A%2A%2A", "q", "needs at least one letter or digit"),
    ("/v1/events?from=2024-1", "from", "is not a date"),
    ("/v1/search", "q", "Field required"),
    ("/v1/export/claims.csv?stated_from=01/01/2025", "stated_from", "is not a date"),
]


def assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text
    return body


@pytest.mark.parametrize("path", NOT_FOUND)
def test_unknown_ids_are_404_problems(client: TestClient, path: str) -> None:
    body = assert_problem(client.get(path), 404)
    assert body["instance"] == path


def test_404_detail_names_the_id(client: TestClient) -> None:
    assert client.get("/v1/claims/nope").json()["detail"] == "no claim with id 'nope'"


@pytest.mark.parametrize(("path", "parameter", "message"), INVALID)
def test_bad_parameters_are_422_problems_naming_the_parameter(
    client: TestClient, path: str, parameter: str, message: str
) -> None:
    body = assert_problem(client.get(path), 422)
    assert body["detail"].startswith(f"{parameter}: "), body["detail"]
    assert message in body["detail"]
    assert body["errors"][0]["parameter"] == parameter


def test_cursor_from_another_sort_is_refused(client: TestClient) -> None:
    cursor = client.get("/v1/claims?limit=1&sort=value").json()["next_cursor"]
    body = assert_problem(client.get(f"/v1/claims?limit=1&sort=-value&cursor={cursor}"), 422)
    assert "repeat the same sort" in body["detail"]


def test_the_api_cannot_write(client: TestClient) -> None:
    assert client.post("/v1/claims", json={}).status_code == 405
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as conn, pytest.raises(Exception, match=r"readonly|read-only|read only"):
        conn.exec_driver_sql("DELETE FROM claim")
