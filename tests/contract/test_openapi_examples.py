"""The examples in the OpenAPI document are real: each one validates against its schema,
and each resource in them is what the API serves for that id from the seed data."""

from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

# Where the API serves one resource of each schema, by id.
RESOURCE_URL = {
    "ClaimPublic": "/v1/claims/{id}",
    "EventPublic": "/v1/events/{id}",
    "SourcePublic": "/v1/sources/{id}",
    "MetricPublic": "/v1/metrics/{id}",
    "EntityPublic": "/v1/entities/{id}",
}
PAGE_ITEMS = {
    "ClaimPage": "ClaimPublic",
    "EventPage": "EventPublic",
    "SourcePage": "SourcePublic",
    "MetricPage": "MetricPublic",
    "EntityPage": "EntityPublic",
}


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def _validator(document: dict[str, Any], ref: str) -> Any:
    root = {"$ref": ref, "components": document["components"]}
    return jsonschema_rs.Draft202012Validator(root, validate_formats=True)


def _schema_examples(document: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(where, $ref, example) for every example in the document."""
    found = []
    for name, schema in document["components"]["schemas"].items():
        ref = f"#/components/schemas/{name}"
        found += [(name, ref, example) for example in schema.get("examples", [])]
        for field, spec in schema.get("properties", {}).items():
            field_ref = f"{ref}/properties/{field}"
            found += [(f"{name}.{field}", field_ref, ex) for ex in spec.get("examples", [])]
    for path, item in document["paths"].items():
        for method, op in item.items():
            for status, response in op["responses"].items():
                for media_type, content in response.get("content", {}).items():
                    if "example" in content and "$ref" in content.get("schema", {}):
                        where = f"{method.upper()} {path} {status} {media_type}"
                        found.append((where, content["schema"]["$ref"], content["example"]))
    return found


def test_every_example_matches_its_schema(document: dict[str, Any]) -> None:
    examples = _schema_examples(document)
    assert len(examples) > 50
    problems = []
    for where, ref, example in examples:
        for error in _validator(document, ref).iter_errors(example):
            problems.append(f"{where}: {error.message} at {list(error.instance_path)}")
    assert not problems, "\n".join(problems)


def test_main_resources_and_list_endpoints_carry_examples(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in [*RESOURCE_URL, *PAGE_ITEMS, "ClaimFacets", "MetricSeries", "Problem", "Stats"]:
        assert schemas[name].get("examples"), f"{name} has no example"


def test_examples_are_the_seed_data_as_served(document: dict[str, Any], client: TestClient) -> None:
    schemas = document["components"]["schemas"]
    resources = [(name, ex) for name in RESOURCE_URL for ex in schemas[name]["examples"]]
    for page, item_schema in PAGE_ITEMS.items():
        for example in schemas[page]["examples"]:
            resources += [(item_schema, item) for item in example["items"]]
    assert len(resources) >= 10
    for name, example in resources:
        url = RESOURCE_URL[name].format(id=example["id"])
        served = client.get(url)
        assert served.status_code == 200, url
        assert served.json() == example, (
            f"the {name} example differs from GET {url}: update it in app/schemas/ "
            "(and regenerate the OpenAPI snapshot)"
        )
