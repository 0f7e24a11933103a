"""The OpenAPI document is a contract: any change to it shows up as a diff of the committed
`tests/snapshots/openapi.json`, made on purpose with `scripts/openapi_snapshot.py`."""

import difflib
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.settings import PROJECT_ROOT
from scripts.openapi_snapshot import REGENERATE, SNAPSHOT, render


def test_openapi_document_matches_the_snapshot(client: TestClient) -> None:
    served = client.get("/openapi.json")
    assert served.status_code == 200
    current = render(served.json())
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    if current != committed:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                current.splitlines(keepends=True),
                fromfile=str(SNAPSHOT.relative_to(PROJECT_ROOT)),
                tofile="served /openapi.json",
                n=2,
            )
        )
        lines = diff.splitlines()
        shown = "\n".join(lines[:120]) + (
            f"\n... {len(lines) - 120} more lines" if len(lines) > 120 else ""
        )
        pytest.fail(
            "The OpenAPI document differs from the committed snapshot. If the change is "
            f"intended, regenerate it and commit the diff:\n\n    {REGENERATE}\n\n{shown}",
            pytrace=False,
        )


def _has_inline_enum(schema: Any) -> bool:
    if isinstance(schema, dict):
        return "enum" in schema or any(_has_inline_enum(v) for v in schema.values())
    if isinstance(schema, list):
        return any(_has_inline_enum(v) for v in schema)
    return False


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def test_every_operation_is_documented(document: dict[str, Any]) -> None:
    problems = []
    for label, op in _operations(document):
        op_id = op.get("operationId", "")
        if not op_id or not op_id[0].islower() or not op_id.isalnum():
            problems.append(f"{label}: operationId {op_id!r} is not camelCase")
        if len(op.get("tags", [])) != 1:
            problems.append(f"{label}: has tags {op.get('tags')}, wants exactly one")
        for key in ("summary", "description"):
            if not op.get(key):
                problems.append(f"{label}: no {key}")
        for parameter in op.get("parameters", []):
            if not parameter.get("description"):
                problems.append(f"{label}: parameter {parameter['name']!r} has no description")
        for status, response in op["responses"].items():
            if status.startswith("2"):
                continue
            content = response.get("content", {})
            if list(content) != ["application/problem+json"]:
                problems.append(f"{label}: {status} is documented as {list(content)}")
            elif content["application/problem+json"]["schema"] != {
                "$ref": "#/components/schemas/Problem"
            }:
                problems.append(f"{label}: {status} is not a Problem")
        if (
            any(p["in"] == "path" for p in op.get("parameters", []))
            and "404" not in op["responses"]
        ):
            problems.append(f"{label}: looks an id up but documents no 404")
        if op.get("parameters") and "422" not in op["responses"]:
            problems.append(f"{label}: takes parameters but documents no 422")
    assert not problems, "\n".join(problems)


def test_every_schema_and_field_is_described_and_enums_are_named(
    document: dict[str, Any],
) -> None:
    problems = []
    for name, schema in document["components"]["schemas"].items():
        if not schema.get("description"):
            problems.append(f"{name}: no description")
        if not name.isalnum():
            problems.append(f"{name}: not a readable name for a generated type")
        for field, spec in schema.get("properties", {}).items():
            if not spec.get("description"):
                problems.append(f"{name}.{field}: no description")
            if _has_inline_enum(spec):
                problems.append(f"{name}.{field}: an inline enum; make it a named schema")
    for label, op in _operations(document):
        for parameter in op.get("parameters", []):
            if _has_inline_enum(parameter["schema"]):
                problems.append(f"{label}: parameter {parameter['name']!r} has an inline enum")
    assert not problems, "\n".join(problems)
    named = ["Qualifier", "Precision", "MetricKind", "EntityKind", "Side", "ClaimSort"]
    for enum in [*named, "SearchKind", "ReferenceBasis", "Comparability"]:
        assert "enum" in document["components"]["schemas"][enum], enum
