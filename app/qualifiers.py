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


# Hedge words whose meaning is fixed, the longest first ("more than" before "than"): the
# drafting tool reads a figure's qualifier from them, and the loader refuses a claim giving
# one of them another qualifier (its quote would say otherwise).
HEDGE_QUALIFIERS: dict[str, Qualifier] = {
    "more than": Qualifier.at_least,
    "over": Qualifier.at_least,
    "at least": Qualifier.at_least,
    "upwards of": Qualifier.at_least,
    "in excess of": Qualifier.at_least,
    "no fewer than": Qualifier.at_least,
    "not less than": Qualifier.at_least,
    "up to": Qualifier.at_most,
    "at most": Qualifier.at_most,
    "fewer than": Qualifier.at_most,
    "less than": Qualifier.at_most,
    "no more than": Qualifier.at_most,
    "under": Qualifier.at_most,
    "about": Qualifier.approximate,
    "around": Qualifier.approximate,
    "approximately": Qualifier.approximate,
    "approx.": Qualifier.approximate,
    "roughly": Qualifier.approximate,
    "some": Qualifier.approximate,
    "an estimated": Qualifier.approximate,
    "estimated": Qualifier.approximate,
    "nearly": Qualifier.approximate,
    "almost": Qualifier.approximate,
    "close to": Qualifier.approximate,
    "just under": Qualifier.approximate,
    "circa": Qualifier.approximate,
    "ca.": Qualifier.approximate,
}
# A range's hedge ("between 3,000 and 4,000"): the drafting tool reads ranges as figures.
RANGE_HEDGES = frozenset({"between"})


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
