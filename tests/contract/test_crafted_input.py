"""Regressions for what fuzzing found, and inputs a fuzzer cannot easily build.

- Cursors that decode but were never issued by the API give a 422 problem, never a 500 (an
  offset past 2**63 overflowed SQLite's OFFSET in /v1/search).
- The earliest dates as lower bounds (`stated_from=0001`) match everything.
- A 405 keeps its `Allow` header."""

import base64

import pytest
from fastapi.testclient import TestClient


def cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/v1/search?q=north", '["search", 9223372036854775808, ""]'),
        ("/v1/search?q=north", '["search", -1, ""]'),
        ("/v1/search?q=north", '["search", 1.5, ""]'),
        ("/v1/search?q=north", '["search", true, ""]'),
        ("/v1/disagreements", '["disagreements", 9223372036854775808, ""]'),
        ("/v1/disagreements", '["disagreements", "7", ""]'),
        ("/v1/claims?sort=value", '["value", "abc", "x"]'),
        ("/v1/claims", '["stated_on", "2025-99-99", "x"]'),
        ("/v1/claims", '["stated_on", {"a": 1}, "x"]'),
        ("/v1/claims?sort=value", '["value", 1e400, "x"]'),
        ("/v1/events", '["id", null, 7]'),
        ("/v1/sources", '["stated_on", null, "a"]'),
    ],
)
def test_crafted_cursor_is_a_422(client: TestClient, path: str, raw: str) -> None:
    separator = "&" if "?" in path else "?"
    response = client.get(f"{path}{separator}cursor={cursor(raw)}")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == "cursor"


@pytest.mark.parametrize("raw", ['["value", 9223372036854775808, "x"]', '["value", -1e308, ""]'])
def test_out_of_range_sort_value_in_a_cursor_is_harmless(client: TestClient, raw: str) -> None:
    response = client.get(f"/v1/claims?sort=value&cursor={cursor(raw)}")
    assert response.status_code in (200, 422), response.text


@pytest.mark.parametrize(
    "path",
    [
        "/v1/claims?stated_from=0001",
        "/v1/claims?stated_from=0001-06-30&sort=-stated_on",
        "/v1/claims?period_from=0002-01-01&sort=period_end",
        "/v1/claims/facets?stated_from=0001",
        "/v1/export/claims.csv?stated_from=0001",
        "/v1/export/claims.ndjson?period_from=0001",
        "/v1/events?from=0001",
        "/v1/metrics/prisoners-captured/series?from=0001",
    ],
)
def test_earliest_lower_date_bounds_match_everything(client: TestClient, path: str) -> None:
    # Found by Schemathesis: `stated_from=0001` overflowed `date - 366 days` (a 500, or a
    # truncated export) once the claim queries widened lower bounds by a year.
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert len(response.content) > 100


def test_unsupported_method_is_a_405_problem_with_allow(client: TestClient) -> None:
    response = client.post("/v1/claims")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert "GET" in response.headers["allow"]
