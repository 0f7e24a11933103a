"""How a hedge word in the text turns a stated figure into a [low, high] band.

The band is what disagreement detection compares. Tolerances (documented in README.md):
- `exact`: low = high = value.
- `at_least` ("over", "more than", "at least"): low = value, high open.
- `at_most` ("up to", "fewer than"): low open, high = value.
- `approximate` ("about", "around", "some", "estimated", ...): value ± 10 %;
  "nearly" and "almost" say the true figure is at or just below it: [value - 10 %, value].
- `range` ("3,000–4,000"): the stated bounds.
"""

from enum import StrEnum

APPROXIMATE_TOLERANCE_PERCENT = 10
BELOW_HEDGES = frozenset({"nearly", "almost", "just under", "close to"})


class Qualifier(StrEnum):
    """How the text qualifies a figure."""

    exact = "exact"
    approximate = "approximate"
    at_least = "at_least"
    at_most = "at_most"
    range = "range"


def _meaning(qualifier: Qualifier, *hedges: str) -> dict[str, Qualifier]:
    return dict.fromkeys(hedges, qualifier)


# Hedge words whose meaning is fixed: a claim giving one of them another qualifier
# contradicts its own quote (the loader refuses it). Other hedges are taken as written.
HEDGE_QUALIFIERS: dict[str, Qualifier] = {
    **_meaning(
        Qualifier.at_least,
        "over",
        "more than",
        "at least",
        "in excess of",
        "upwards of",
        "no fewer than",
        "no less than",
    ),
    **_meaning(Qualifier.at_most, "up to", "fewer than", "less than", "at most", "no more than"),
    **_meaning(
        Qualifier.approximate,
        "about",
        "approximately",
        "around",
        "roughly",
        "some",
        "estimated",
        "an estimated",
        "circa",
        *BELOW_HEDGES,
    ),
    **_meaning(Qualifier.range, "between"),
}


def derive_band(
    qualifier: Qualifier,
    value: float | None,
    hedge: str | None,
    low: float | None = None,
    high: float | None = None,
) -> tuple[float | None, float | None]:
    """The [low, high] band for a figure; None means unbounded on that side."""
    if qualifier == Qualifier.range:
        return low, high
    assert value is not None
    if qualifier == Qualifier.exact:
        return value, value
    if qualifier == Qualifier.at_least:
        return value, None
    if qualifier == Qualifier.at_most:
        return None, value
    delta = value * APPROXIMATE_TOLERANCE_PERCENT / 100
    if hedge is not None and hedge.lower() in BELOW_HEDGES:
        return value - delta, value
    return value - delta, value + delta
