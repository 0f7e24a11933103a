"""The claims page's filter form, read from the OpenAPI document of `listClaims`.

Every query parameter the API accepts becomes a labelled control, and only those are
passed on: a filter added to `/v1/claims` appears in the form without touching the
explorer, and a name the API would refuse (unknown parameters are 422) never reaches it.
"""

from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import QueryParams

from app.dates import PARTIAL_DATE_PATTERN

# Paging is the explorer's business (links), not the reader's.
NOT_IN_FORM = {"cursor", "count"}
# Labels clearer than the parameter's name; the rest are the name, capitalised.
LABELS = {"q": "Search quotes", "include_narrower": "Include narrower metrics"}


@dataclass
class Control:
    name: str
    label: str
    hint: str
    kind: str  # select | checks | checkbox | date | number | search | text
    values: list[str]
    repeatable: bool
    options: list[tuple[str, str]] = field(default_factory=list)
    default: str = ""

    @property
    def slots(self) -> list[str]:
        """One select per chosen value (a shared URL may name several), at least one."""
        return self.values or [""]


def operation_parameters(app: FastAPI, operation_id: str) -> list[dict[str, Any]]:
    document = app.openapi()
    for item in document["paths"].values():
        for operation in item.values():
            if operation.get("operationId") == operation_id:
                return [p for p in operation.get("parameters", []) if p["in"] == "query"]
    raise LookupError(operation_id)


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return {
            **components[schema["$ref"].rsplit("/", 1)[-1]],
            **{k: v for k, v in schema.items() if k != "$ref"},
        }
    if "anyOf" in schema:
        non_null = [s for s in schema["anyOf"] if s.get("type") != "null"]
        if len(non_null) == 1:
            return {**_resolve(non_null[0], components), "default": schema.get("default")}
    return schema


def _as_query_value(default: object) -> str:
    """A schema default as it reads in a URL: `False` -> `false`, none -> empty."""
    if default is None:
        return ""
    return str(default).lower() if isinstance(default, bool) else str(default)


def api_params(app: FastAPI, operation_id: str, query: QueryParams) -> dict[str, list[str]]:
    """The page's query values that the operation accepts, empty ones dropped."""
    names = {p["name"] for p in operation_parameters(app, operation_id)}
    return {
        name: values
        for name in names
        if (values := [v for v in query.getlist(name) if v.strip() != ""])
    }


def claim_controls(
    app: FastAPI, query: QueryParams, choices: dict[str, list[tuple[str, str]]]
) -> list[Control]:
    """The controls of `listClaims`, in the API's order, holding the page's current values."""
    components = app.openapi()["components"]["schemas"]
    controls = []
    for parameter in operation_parameters(app, "listClaims"):
        name = parameter["name"]
        if name in NOT_IN_FORM:
            continue
        schema = _resolve(parameter["schema"], components)
        repeatable = schema.get("type") == "array"
        if repeatable:
            schema = _resolve(schema.get("items", {}), components)
        values = [v for v in query.getlist(name) if v != ""]
        default = schema.get("default")
        options = [(str(v), str(v).replace("_", " ")) for v in schema.get("enum", [])]
        if options:
            kind = "checks" if repeatable else "select"
        elif name in choices:
            kind, options = "select", choices[name]
        elif schema.get("type") == "boolean":
            kind = "checkbox"
        elif schema.get("pattern") == PARTIAL_DATE_PATTERN:
            kind = "date"
        elif schema.get("type") in ("number", "integer"):
            kind = "number"
        elif name == "q":
            kind = "search"
        else:
            kind = "text"
        controls.append(
            Control(
                name=name,
                label=LABELS.get(name, name.replace("_", " ").capitalize()),
                hint=parameter.get("description", ""),
                kind=kind,
                values=values,
                repeatable=repeatable,
                options=options,
                default=_as_query_value(default),
            )
        )
    return controls
