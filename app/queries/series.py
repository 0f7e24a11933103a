"""A metric's claims as chart-ready time series, one line per (speaker, subject)."""

from typing import Any

from sqlalchemy import Connection

from app.queries.claims import ClaimFilters, iter_claims
from app.queries.vocabulary import get_metric


def _reference(claim: dict[str, Any]) -> tuple[Any, str, str] | None:
    """(date, precision, basis): the as-of / period end if known, else the stated date."""
    if claim["period_end"] is not None:
        return claim["period_end"], claim["period_end_precision"], "period_end"
    if claim["stated_on"] is not None:
        return claim["stated_on"], claim["stated_on_precision"], "stated_on"
    return None


def metric_series(conn: Connection, *, metric_id: str, filters: ClaimFilters) -> dict[str, Any]:
    metric = get_metric(conn, metric_id=metric_id)
    filters.metric = [metric_id]
    lines: dict[tuple[str, str], dict[str, Any]] = {}
    undated: list[str] = []
    for claim in iter_claims(conn, filters=filters):
        reference = _reference(claim)
        if reference is None:
            undated.append(claim["id"])
            continue
        line = lines.setdefault(
            (claim["speaker"]["id"], claim["subject"]["id"]),
            {"speaker": claim["speaker"], "subject": claim["subject"], "points": []},
        )
        line["points"].append(
            {
                "claim_id": claim["id"],
                "reference_date": reference[0],
                "reference_precision": reference[1],
                "reference_basis": reference[2],
                "value": claim["value"],
                "value_low": claim["value_low"],
                "value_high": claim["value_high"],
                "qualifier": claim["qualifier"],
                "stated_on": claim["stated_on"],
                "stated_on_precision": claim["stated_on_precision"],
                "metric_id": claim["metric"]["id"],
            }
        )
    for line in lines.values():
        line["points"].sort(key=lambda p: (p["reference_date"], p["claim_id"]))
    return {
        "metric": {k: metric[k] for k in ("id", "name", "unit", "kind")},
        "series": [lines[key] for key in sorted(lines)],
        "undated_claim_ids": sorted(undated),
    }
