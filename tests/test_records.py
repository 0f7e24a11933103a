"""Every response record (app/records.py) has exactly its schema's fields: a key misspelt or
forgotten in a record would otherwise be served (orjson writes the dict as it is) while the
OpenAPI document promises another shape."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from app.schemas.analysis import SeriesPoint
from app.schemas.claims import ClaimPublic
from app.schemas.common import Citation
from app.schemas.events import EventPublic
from app.schemas.sources import SourcePublic
from app.schemas.vocabulary import EntityPublic, MetricPublic


def _claim(client: TestClient) -> dict[str, Any]:
    return client.get("/v1/claims/general-staff-russian-prisoners-2025-02-05").json()


CASES = [
    ("claim", ClaimPublic, _claim),
    ("citation", Citation, lambda client: _claim(client)["citations"][0]),
    (
        "series point",
        SeriesPoint,
        lambda client: client.get("/v1/metrics/prisoners-captured/series").json()["series"][0][
            "points"
        ][0],
    ),
    ("metric", MetricPublic, lambda client: client.get("/v1/metrics/prisoners-captured").json()),
    ("entity", EntityPublic, lambda client: client.get("/v1/entities/oleksandr-syrskyi").json()),
    ("event", EventPublic, lambda client: client.get("/v1/events").json()["items"][0]),
    ("source", SourcePublic, lambda client: client.get("/v1/sources").json()["items"][0]),
]


@pytest.mark.parametrize(("name", "schema", "fetch"), CASES, ids=[c[0] for c in CASES])
def test_record_keys_are_the_schema_fields(
    client: TestClient, name: str, schema: type[BaseModel], fetch: Any
) -> None:
    record = fetch(client)
    assert set(record) == set(schema.model_fields), name
    schema.model_validate(record)  # and the values fit the declared types and patterns
