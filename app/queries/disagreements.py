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

Candidates are found by a sweep over the dates in date order (and per event), not by trying
every pair: the work grows with the claims and the pairs that are close in time. A request
that would still compare more than MAX_COMPARISONS pairs (or load more than MAX_CLAIMS
claims) is refused with a 422 asking for a narrower filter, instead of holding a worker.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from app.dates import date_text, last_day
from app.models import Claim, Metric
from app.queries.claim_filters import ClaimFilters, filter_conditions
from app.queries.claims import claims_by_id
from app.queries.errors import InvalidParameterError
from app.queries.vocabulary import resolve_entities
from app.records import number

claim_t = Claim.__table__  # type: ignore[attr-defined]
metric_t = Metric.__table__  # type: ignore[attr-defined]

AS_OF_TOLERANCE_DAYS = 7
_TOLERANCE = timedelta(days=AS_OF_TOLERANCE_DAYS)
MAX_CLAIMS = 200_000
MAX_COMPARISONS = 1_000_000

Interval = tuple[date, date]


@dataclass(slots=True)
class _Claim:
    """What comparing needs of a claim (its full record is read only for the page served)."""

    id: str
    kind: str
    speaker_id: str
    value_low: float | int | None
    value_high: float | int | None
    event_id: str | None
    period_start: Interval | None
    period_end: Interval | None
    period_end_text: str | None  # as served: "2025", "2025-01", "2025-01-06"


def _interval(first: date | None, precision: str | None) -> Interval | None:
    if first is None or precision is None:
        return None
    return first, last_day(first, precision)


def _close(a: Interval, b: Interval) -> bool:
    return a[0] - _TOLERANCE <= b[1] and b[0] - _TOLERANCE <= a[1]


def _below(a: _Claim, b: _Claim) -> float | None:
    """How far a's band lies entirely below b's, or None if it does not."""
    if a.value_high is None or b.value_low is None or a.value_high >= b.value_low:
        return None
    return float(b.value_low - a.value_high)


def _band(claim: _Claim) -> str:
    low, high = claim.value_low, claim.value_high
    return f"[{'-inf' if low is None else low}, {'+inf' if high is None else high}]"


# Outcomes of comparing two candidate claims.
CONFLICT, BANDS_OVERLAP, NOT_COMPARABLE = "conflict", "bands_overlap", "periods_not_comparable"
Verdict = tuple[str, str | None, float | None]


def _banded(comparability: str, gap: float | None) -> Verdict:
    return (BANDS_OVERLAP, comparability, None) if gap is None else (CONFLICT, comparability, gap)


def _verdict(a: _Claim, b: _Claim) -> Verdict:
    """(outcome, comparability, gap): whether a and b conflict, have comparable periods but
    bands that can both hold, or have periods that cannot be compared."""
    gap = _below(a, b) or _below(b, a)
    if a.event_id and a.event_id == b.event_id:
        return _banded("same_event", gap)
    end_a, end_b = a.period_end, b.period_end
    if end_a is None or end_b is None:
        return NOT_COMPARABLE, None, None
    if a.kind == "stock":
        return _banded("same_as_of", gap) if _close(end_a, end_b) else (NOT_COMPARABLE, None, None)
    start_a, start_b = a.period_start, b.period_start
    if start_a is None or start_b is None or not _close(start_a, start_b):
        return NOT_COMPARABLE, None, None
    if _close(end_a, end_b):
        return _banded("same_period", gap)
    shorter, longer = _by_window(a, b)
    return _banded("nested_period", _below(longer, shorter))


def _by_window(a: _Claim, b: _Claim) -> tuple[_Claim, _Claim]:
    """(shorter, longer) of two nested windows with the same start."""
    assert a.period_end is not None and b.period_end is not None
    return (a, b) if a.period_end[1] < b.period_end[0] else (b, a)


def _reason(a: _Claim, b: _Claim, comparability: str) -> str:
    """Why a and b are comparable and why they conflict (written for the page served)."""
    bands = f"{a.id} {_band(a)} vs {b.id} {_band(b)}"
    if comparability == "same_event":
        return f"both about event {a.event_id}; bands {bands} are disjoint"
    if comparability == "same_as_of":
        assert a.period_end is not None and b.period_end is not None
        return (
            f"as-of dates {a.period_end_text} and {b.period_end_text} overlap or lie within "
            f"{AS_OF_TOLERANCE_DAYS} days of each other; bands {bands} are disjoint"
        )
    if comparability == "same_period":
        return f"same period (ends within {AS_OF_TOLERANCE_DAYS} days); bands {bands} are disjoint"
    shorter, longer = _by_window(a, b)
    assert shorter.period_end is not None and longer.period_end is not None
    return (
        f"{shorter.id} covers a shorter window (to {shorter.period_end_text}) yet its band "
        f"{_band(shorter)} lies above {longer.id}'s {_band(longer)} (to "
        f"{longer.period_end_text}); a cumulative count cannot shrink"
    )


@dataclass
class _Group:
    """The claims on one (metric, subject), in id order, with what pairing reads: by event,
    and in date order (as-of dates for stocks, period starts for flows: a flow is compared
    by its window's start). Built once, then counted and swept."""

    claims: list[_Claim]
    events: list[list[int]]
    dated: list[tuple[Interval, int]]

    @classmethod
    def of(cls, claims: list[_Claim]) -> "_Group":
        by_event: dict[str, list[int]] = defaultdict(list)
        dated = []
        for i, claim in enumerate(claims):
            if claim.event_id:
                by_event[claim.event_id].append(i)
            interval = claim.period_end if claim.kind == "stock" else claim.period_start
            if interval is not None and claim.period_end is not None:
                dated.append((interval, i))
        dated.sort()
        return cls(claims, list(by_event.values()), dated)

    def candidate_count(self) -> int:
        """How many pairs `candidates` will give at most, counted without pairing them."""
        starts = [interval[0] for interval, _ in self.dated]
        count = sum(len(members) * (len(members) - 1) // 2 for members in self.events)
        for x, ((_, end), _) in enumerate(self.dated):
            count += bisect_right(starts, end + _TOLERANCE, lo=x + 1) - x - 1
        return count

    def candidates(self) -> Iterator[tuple[int, int]]:
        """Index pairs (i < j) that `_verdict` could find in conflict: the same event, or
        dates close enough. A sweep in date order: past a claim's interval end plus the
        tolerance, no later-starting claim is close to it."""
        for members in self.events:
            for x, i in enumerate(members):
                for y in range(x + 1, len(members)):
                    yield i, members[y]
        # Pairs about one event were all given above.
        claims, dated = self.claims, self.dated
        for x, ((_, end), i) in enumerate(dated):
            reach = end + _TOLERANCE
            for y in range(x + 1, len(dated)):
                (start, _), j = dated[y]
                if start > reach:
                    break
                event = claims[i].event_id
                if event is None or event != claims[j].event_id:
                    yield (i, j) if i < j else (j, i)


def _lean_claims(conn: Connection, filters: ClaimFilters) -> dict[tuple[str, str], list[_Claim]]:
    """The matching claims by (metric, subject), each group in id order."""
    c = claim_t.c
    where = filter_conditions(conn, filters)
    matched = conn.execute(select(func.count()).select_from(claim_t).where(*where)).scalar_one()
    if matched > MAX_CLAIMS:
        raise InvalidParameterError(
            "metric",
            f"{matched:,} claims match; disagreements are computed over at most "
            f"{MAX_CLAIMS:,}: narrow the request with metric and subject",
        )
    rows = conn.execute(
        select(
            c.id,
            c.metric_id,
            c.subject_id,
            c.speaker_id,
            metric_t.c.kind,
            c.value_low,
            c.value_high,
            c.event_id,
            c.period_start,
            c.period_start_precision,
            c.period_end,
            c.period_end_precision,
        )
        .join(metric_t, metric_t.c.id == c.metric_id)
        .where(*where)
    )
    groups: dict[tuple[str, str], list[_Claim]] = defaultdict(list)
    for r in rows:
        groups[(r.metric_id, r.subject_id)].append(
            _Claim(
                id=r.id,
                kind=r.kind,
                speaker_id=r.speaker_id,
                value_low=number(r.value_low),
                value_high=number(r.value_high),
                event_id=r.event_id,
                period_start=_interval(r.period_start, r.period_start_precision),
                period_end=_interval(r.period_end, r.period_end_precision),
                period_end_text=date_text(r.period_end, r.period_end_precision),
            )
        )
    for claims in groups.values():
        claims.sort(key=lambda claim: claim.id)
    return groups


Pair = tuple[tuple[str, str], _Claim, _Claim, str, float]


def _comparison_summary(groups: dict[tuple[str, str], _Group]) -> dict[str, Any]:
    """What was compared and why pairs were not, so that "no disagreement" is an answer."""
    claims = sum(len(group.claims) for group in groups.values())
    same_group = sum(len(g.claims) * (len(g.claims) - 1) // 2 for g in groups.values())
    return {
        "claims": claims,
        "groups": sum(1 for group in groups.values() if len(group.claims) > 1),
        "pairs_compared": 0,
        "conflicting": 0,
        "not_conflicting": {BANDS_OVERLAP: 0, NOT_COMPARABLE: 0},
        "not_compared": {
            "different_metric_or_subject": claims * (claims - 1) // 2 - same_group,
            "far_apart_or_undated": same_group,  # less the pairs compared, below
        },
    }


def _pairs(
    groups: dict[tuple[str, str], list[_Claim]], speakers: set[str] | None
) -> tuple[list[Pair], dict[str, Any]]:
    """Every conflicting pair (group, a, b, comparability, gap), by (metric, subject) and
    then by the two claim ids, and the comparison summary. Refused before any pairing if
    there are too many to try."""
    prepared = {key: _Group.of(claims) for key, claims in groups.items()}
    candidates = sum(group.candidate_count() for group in prepared.values())
    if candidates > MAX_COMPARISONS:
        raise InvalidParameterError(
            "metric",
            f"{candidates:,} pairs of claims are close enough in time to compare (at most "
            f"{MAX_COMPARISONS:,}): narrow the request with metric and subject",
        )
    summary = _comparison_summary(prepared)
    found = []
    for key in sorted(prepared):
        claims = prepared[key].claims
        for i, j in prepared[key].candidates():
            summary["not_compared"]["far_apart_or_undated"] -= 1
            a, b = claims[i], claims[j]
            if (
                speakers is not None
                and a.speaker_id not in speakers
                and b.speaker_id not in speakers
            ):
                continue
            summary["pairs_compared"] += 1
            outcome, comparability, gap = _verdict(a, b)
            if outcome == CONFLICT:
                assert comparability is not None and gap is not None
                found.append((key, a, b, comparability, gap))
            else:
                summary["not_conflicting"][outcome] += 1
    summary["conflicting"] = len(found)
    found.sort(key=lambda pair: (pair[0], pair[1].id, pair[2].id))
    return found, summary


def list_disagreements(
    conn: Connection,
    *,
    filters: ClaimFilters,
    speaker: list[str],
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A page of conflicting pairs (full claim records only for the page) and the summary of
    the comparison (its `conflicting` is the total)."""
    speakers = set(resolve_entities(conn, names=speaker, parameter="speaker")) if speaker else None
    pairs, summary = _pairs(_lean_claims(conn, filters), speakers)
    page = pairs[offset : None if limit is None else offset + limit]
    records = claims_by_id(conn, claim_ids=sorted({c.id for pair in page for c in pair[1:3]}))
    items = []
    for _, a, b, comparability, gap in page:
        claim_a, claim_b = records[a.id], records[b.id]
        items.append(
            {
                "metric": claim_a["metric"],
                "subject": claim_a["subject"],
                "claim_a": claim_a,
                "claim_b": claim_b,
                "gap": gap,
                "comparability": comparability,
                "reason": _reason(a, b, comparability),
            }
        )
    return items, summary
