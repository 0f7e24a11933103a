"""The explorer's pages. Each is built from a handful of `/v1` calls (see `client.py`) and
rendered on the server; the pages stay out of the OpenAPI document (`include_in_schema`)."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from app.explorer import present
from app.explorer.chart import series_chart
from app.explorer.client import ApiNotFound, ApiRejected, V1Client
from app.explorer.form import api_params, claim_controls, operation_parameters
from app.explorer.marks import Quote, marked_paragraphs

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
STATIC_URL = "/static/explorer"
CALLS_HEADER = "X-Explorer-Api-Calls"
# Claims per page on the explorer's table unless the URL says otherwise.
PAGE_SIZE = "50"
# Facet keys that are not parameter names, and the parameters they set.
MONTH_FACET = "stated_month"
# Claims of many events are asked for this many events at a time (the API's repeat cap).
EVENTS_PER_CALL = 50

templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters.update(
    at_precision=present.at_precision,
    period=present.period,
    figure=present.figure,
    band=present.band,
    number=present.number,
    short_figure=present.short_figure,
)
templates.env.globals.update(static=STATIC_URL)

router = APIRouter(include_in_schema=False)

Page = Callable[[V1Client], Awaitable[tuple[str, dict[str, Any]]]]


def _accepted(request: Request, *operation_ids: str) -> frozenset[str]:
    """The query parameters of these API operations: what a page built on them takes."""
    return frozenset(
        p["name"] for op in operation_ids for p in operation_parameters(request.app, op)
    )


def _unknown_parameters(request: Request, accepted: frozenset[str]) -> dict[str, Any] | None:
    """A problem naming the query parameters the page does not take: a shared link with a
    misspelt filter (`?speakr=syrsky`) must not show every claim as if it were filtered."""
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in accepted]
    if not unknown:
        return None
    takes = ", ".join(sorted(accepted)) or "none"
    return {"detail": f"unknown parameter {', '.join(unknown)}; this page takes: {takes}"}


async def _render(
    request: Request, build: Page, accepted: frozenset[str] = frozenset()
) -> Response:
    """Build a page from the API; an unknown id is an HTML 404, a refused parameter (or one
    the page does not take) a 400."""
    async with V1Client(request) as api:
        status = 200
        unknown = _unknown_parameters(request, accepted)
        context: dict[str, Any]
        try:
            if unknown is not None:
                name, context, status = "refused.html", {"problem": unknown}, 400
            else:
                name, context = await build(api)
                status = context.pop("status", 200)
        except ApiNotFound as missing:
            name, context, status = "not_found.html", {"detail": missing.detail}, 404
        except ApiRejected as refused:
            name, context, status = "refused.html", {"problem": refused.problem}, 400
        response = templates.TemplateResponse(
            request, name, {"api_calls": api.calls, **context}, status_code=status
        )
        response.headers[CALLS_HEADER] = str(len(api.calls))
        return response


def _query(pairs: list[tuple[str, str]]) -> str:
    return "?" + urlencode(pairs) if pairs else "?"


def _without(request: Request, *names: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.query_params.multi_items() if k not in names and v != ""]


def _facet_groups(request: Request, facets: dict[str, Any]) -> list[dict[str, Any]]:
    """Each facet's values as links that narrow the table to that value (or widen it back);
    a facet with no filter of the same name to narrow by is left out."""
    filters = {p["name"] for p in operation_parameters(request.app, "listClaims")}
    groups = []
    for key, values in facets.items():
        if not isinstance(values, list) or (key not in filters and key != MONTH_FACET):
            continue
        items = []
        for value in values:
            if value["value"] is None:
                items.append({**value, "href": None, "active": False})
                continue
            params, chosen = _facet_filter(key, value["value"])
            current = [request.query_params.getlist(p) for p in params]
            active = all(c == [v] for c, v in zip(current, chosen, strict=True))
            kept = _without(request, "cursor", *params)
            pairs = kept if active else kept + list(zip(params, chosen, strict=True))
            items.append({**value, "href": "/" + _query(pairs), "active": active})
        title = "Stated month" if key == MONTH_FACET else key.replace("_", " ").capitalize()
        more = facets.get("distinct_values", {}).get(key, len(values)) - len(values)
        groups.append({"key": key, "title": title, "entries": items, "more": max(more, 0)})
    return groups


def _facet_filter(key: str, value: str) -> tuple[tuple[str, ...], list[str]]:
    """The filter that selects exactly the claims a facet value counts: a month counts the
    claims dated within it, a year (`2025`) those dated to that year only."""
    if key != MONTH_FACET:
        return (key,), [value]
    if len(value) == len("2025"):
        return ("stated_from", "stated_to", "stated_precision"), [value, value, "year"]
    return ("stated_from", "stated_to", "date_match"), [value, value, "within"]


def _choices(facets: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    return {
        key: [(v["value"], v["label"]) for v in values if v["value"] is not None]
        for key, values in facets.items()
        if isinstance(values, list) and key != MONTH_FACET
    }


@router.get("/")
async def claims_page(request: Request) -> Response:
    """The claims table: every `/v1/claims` filter as a form control, facets, keyset paging."""
    app = request.app

    async def build(api: V1Client) -> tuple[str, dict[str, Any]]:
        params = api_params(app, "listClaims", request.query_params)
        params.setdefault("limit", [PAGE_SIZE])
        params["count"] = ["true"]  # the heading's total, under every filter (`latest` too)
        facet_params = {
            k: v
            for k, v in api_params(app, "getClaimFacets", request.query_params).items()
            if k != "limit"
        }
        everything = await api.json("/v1/claims/facets")
        error = None
        try:
            facets = (
                await api.json("/v1/claims/facets", facet_params) if facet_params else everything
            )
            page = await api.json("/v1/claims", params)
        except ApiRejected as refused:
            error, facets = refused.problem, None
            page = {"items": [], "next_cursor": None, "total": 0}
        export = _query(
            [
                (k, v)
                for k, vs in api_params(app, "exportClaimsCsv", request.query_params).items()
                for v in vs
                if k != "limit"
            ]
        )
        next_href = (
            "/" + _query([*_without(request, "cursor"), ("cursor", page["next_cursor"])])
            if page.get("next_cursor")
            else None
        )
        return "claims.html", {
            "controls": claim_controls(app, request.query_params, _choices(everything)),
            "facets": _facet_groups(request, facets) if facets else [],
            "total": page["total"],
            "claims": page["items"],
            "error": error,
            "next_href": next_href,
            "first_href": "/" + _query(_without(request, "cursor"))
            if "cursor" in request.query_params
            else None,
            "export_query": export,
            "filtered": bool(facet_params),
            "status": 400 if error else 200,
        }

    return await _render(request, build, _accepted(request, "listClaims", "getClaimFacets"))


@router.get("/claims/{claim_id}")
async def claim_page(request: Request, claim_id: str) -> Response:
    """One claim: each quote marked in its paragraph, its event, neighbours, disagreements."""

    async def build(api: V1Client) -> tuple[str, dict[str, Any]]:
        claim = await api.json(f"/v1/claims/{claim_id}")
        texts: dict[str, str] = {}
        for citation in claim["citations"]:
            if citation["source_id"] not in texts:
                texts[citation["source_id"]] = await api.text(
                    f"/v1/sources/{citation['source_id']}/text"
                )
        quotes = [
            {
                **citation,
                "paragraphs": marked_paragraphs(
                    texts[citation["source_id"]],
                    [Quote(citation["char_start"], citation["char_end"])],
                    only_quoted=True,
                ),
            }
            for citation in claim["citations"]
        ]
        same: dict[str, Any] = {"metric": claim["metric"]["id"]}
        if claim.get("subject"):
            same["subject"] = claim["subject"]["id"]
        related = await api.json("/v1/claims", {**same, "limit": "100"})
        pairs = await api.json("/v1/disagreements", same)
        event = await api.json(f"/v1/events/{claim['event']['id']}") if claim.get("event") else None
        return "claim.html", {
            "claim": claim,
            "quotes": quotes,
            "event": event,
            "related": [c for c in related["items"] if c["id"] != claim_id],
            "related_more": bool(related.get("next_cursor")),
            "disagreements": [
                d for d in pairs["items"] if claim_id in (d["claim_a"]["id"], d["claim_b"]["id"])
            ],
        }

    return await _render(request, build)


@router.get("/metrics/{metric_id}")
async def metric_page(request: Request, metric_id: str) -> Response:
    """A metric's series chart, its points as a table, and its undated claims."""
    narrower = request.query_params.get("include_narrower") == "true"

    async def build(api: V1Client) -> tuple[str, dict[str, Any]]:
        metric = await api.json(f"/v1/metrics/{metric_id}")
        scope = {"include_narrower": "true"} if narrower else {}
        series = await api.json(f"/v1/metrics/{metric_id}/series", scope)
        claims = await api.json("/v1/claims", {"metric": metric_id, **scope, "limit": "500"})
        by_id = {c["id"]: c for c in claims["items"]}
        return "metric.html", {
            "metric": metric,
            "narrower": narrower,
            "series": series["series"],
            "chart": series_chart(series["series"]),
            "claims": by_id,
            "undated": [by_id.get(i, {"id": i}) for i in series["undated_claim_ids"]],
        }

    return await _render(request, build, frozenset({"include_narrower"}))


@router.get("/disagreements")
async def disagreements_page(request: Request) -> Response:
    """Disagreeing pairs side by side; when there are none, what was compared."""
    app = request.app

    async def build(api: V1Client) -> tuple[str, dict[str, Any]]:
        params = api_params(app, "listDisagreements", request.query_params)
        pairs = await api.json("/v1/disagreements", params)
        scope = {k: v for k, v in params.items() if k in ("metric", "subject", "speaker")}
        everything = await api.json("/v1/claims/facets")
        next_href = (
            "/disagreements"
            + _query([*_without(request, "cursor"), ("cursor", pairs["next_cursor"])])
            if pairs.get("next_cursor")
            else None
        )
        return "disagreements.html", {
            "pairs": pairs["items"],
            "comparison": pairs["comparison"],
            "choices": _choices(everything),
            "chosen": scope,
            "next_href": next_href,
        }

    return await _render(request, build, _accepted(request, "listDisagreements"))


@router.get("/events")
async def events_page(request: Request) -> Response:
    """A timeline of dated events, each with its claims; undated events after it."""

    async def build(api: V1Client) -> tuple[str, dict[str, Any]]:
        page = await api.json("/v1/events", {"limit": "500"})
        events = page["items"]
        with_claims = [e["id"] for e in events if e["claim_ids"]]
        claims: dict[str, dict[str, Any]] = {}
        for i in range(0, len(with_claims), EVENTS_PER_CALL):
            chunk = with_claims[i : i + EVENTS_PER_CALL]
            found = await api.json("/v1/claims", {"event": chunk, "limit": "500"})
            claims |= {c["id"]: c for c in found["items"]}
        dated = sorted(
            (e for e in events if e["start_on"]),
            key=lambda e: (e["start_on"], e["end_on"] or "", e["id"]),
        )
        return "events.html", {
            "dated": dated,
            "undated": [e for e in events if not e["start_on"]],
            "claims": claims,
            "more": bool(page.get("next_cursor")),
        }

    return await _render(request, build)


@router.get("/sources/{source_id}")
async def source_page(request: Request, source_id: str) -> Response:
    """A source's whole text with every claim's quote marked and linked to its claim."""

    async def build(api: V1Client) -> tuple[str, dict[str, Any]]:
        source = await api.json(f"/v1/sources/{source_id}")
        text = await api.text(f"/v1/sources/{source_id}/text")
        claims = await api.json("/v1/claims", {"source": source_id, "limit": "500"})
        cited = sorted(
            (
                (citation["char_start"], citation["char_end"], claim)
                for claim in claims["items"]
                for citation in claim["citations"]
                if citation["source_id"] == source_id
            ),
            key=lambda c: (c[0], c[1], c[2]["id"]),
        )
        quotes = [
            Quote(start, end, f"/claims/{claim['id']}", number)
            for number, (start, end, claim) in enumerate(cited, 1)
        ]
        return "source.html", {
            "source": source,
            "paragraphs": marked_paragraphs(text, quotes, only_quoted=False),
            "cited": [(q, c[2]) for q, c in zip(quotes, cited, strict=True)],
        }

    return await _render(request, build)
