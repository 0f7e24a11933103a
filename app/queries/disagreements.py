"""Pairs of claims that cannot both be right.

Two claims are compared when they share metric and subject and their reference periods are
comparable:
- same event: both are about the same event (e.g. one failed assault);
- stocks: as-of dates (period end) within AS_OF_TOLERANCE_DAYS of each other;
- flows: known period starts within the tolerance, and
  - ends within the tolerance (same period): they conflict when their [low, high] bands do
    not overlap;
  - one end later than the other (nested periods): a count cannot shrink as its window
    grows, so they conflict only when the shorter window's low exceeds the longer's high.
Bands come from the qualifiers (see app.qualifiers: "approximately" is ±10 %).
"""

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection

from app.dates import last_day
from app.queries.claims import ClaimFilters, iter_claims
from app.queries.vocabulary import resolve_entities

AS_OF_TOLERANCE_DAYS = 7
_TOLERANCE = timedelta(days=AS_OF_TOLERANCE_DAYS)

Interval = tuple[date, date]


def _interval(claim: dict[str, Any], field: str) -> Interval | None:
    first = claim[field]
    if first is None:
        return None
    return first, last_day(first, claim[f"{field}_precision"])


def _close(a: Interval, b: Interval) -> bool:
    return a[0] - _TOLERANCE <= b[1] and b[0] - _TOLERANCE <= a[1]


def _below(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    """How far a's band lies entirely below b's, or None if it does not."""
    if a["value_high"] is None or b["value_low"] is None or a["value_high"] >= b["value_low"]:
        return None
    return float(b["value_low"] - a["value_high"])


def _band(claim: dict[str, Any]) -> str:
    low, high = claim["value_low"], claim["value_high"]
    return f"[{'-inf' if low is None else low}, {'+inf' if high is None else high}]"


def _compare(a: dict[str, Any], b: dict[str, Any], kind: str) -> tuple[str, float, str] | None:
    """(comparability, gap, reason) when a and b conflict, else None."""
    bands = f"{a['id']} {_band(a)} vs {b['id']} {_band(b)}"
    gap = _below(a, b) or _below(b, a)
    if a["event"] and b["event"] and a["event"]["id"] == b["event"]["id"]:
        if gap is None:
            return None
        return "same_event", gap, f"both about event {a['event']['id']}; bands {bands} are disjoint"
    end_a, end_b = _interval(a, "period_end"), _interval(b, "period_end")
    if end_a is None or end_b is None:
        return None
    if kind == "stock":
        if gap is None or not _close(end_a, end_b):
            return None
        return (
            "same_as_of",
            gap,
            (
                f"as-of dates {end_a[0]} and {end_b[0]} are within {AS_OF_TOLERANCE_DAYS} days; "
                f"bands {bands} are disjoint"
            ),
        )
    start_a, start_b = _interval(a, "period_start"), _interval(b, "period_start")
    if start_a is None or start_b is None or not _close(start_a, start_b):
        return None
    if _close(end_a, end_b):
        if gap is None:
            return None
        return (
            "same_period",
            gap,
            f"same period (ends within {AS_OF_TOLERANCE_DAYS} days); bands {bands} are disjoint",
        )
    shorter, longer = (a, b) if end_a[1] < end_b[0] else (b, a)
    shrink = _below(longer, shorter)
    if shrink is None:
        return None
    return (
        "nested_period",
        shrink,
        (
            f"{shorter['id']} covers a shorter window (to {shorter['period_end']}) yet its band "
            f"{_band(shorter)} lies above {longer['id']}'s {_band(longer)} (to "
            f"{longer['period_end']}); a cumulative count cannot shrink"
        ),
    )


def list_disagreements(
    conn: Connection,
    *,
    metric: list[str],
    subject: list[str],
    speaker: list[str],
) -> list[dict[str, Any]]:
    speakers = set(resolve_entities(conn, names=speaker, parameter="speaker")) if speaker else None
    filters = ClaimFilters(metric=metric, subject=subject)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for claim in iter_claims(conn, filters=filters):
        groups[(claim["metric"]["id"], claim["subject"]["id"])].append(claim)
    pairs = []
    for key in sorted(groups):
        claims = sorted(groups[key], key=lambda c: c["id"])
        for i, a in enumerate(claims):
            for b in claims[i + 1 :]:
                if speakers is not None and not (
                    {a["speaker"]["id"], b["speaker"]["id"]} & speakers
                ):
                    continue
                found = _compare(a, b, a["metric"]["kind"])
                if found:
                    comparability, gap, reason = found
                    pairs.append(
                        {
                            "metric": a["metric"],
                            "subject": a["subject"],
                            "claim_a": a,
                            "claim_b": b,
                            "gap": gap,
                            "comparability": comparability,
                            "reason": reason,
                        }
                    )
    return pairs
