"""The hedge word written just before a figure and the qualifier it gives the figure."""

import re
from dataclasses import dataclass

from app.qualifiers import HEDGE_QUALIFIERS, Qualifier

# Longest first, so "more than" wins over "than" and "an estimated" over "estimated".
HEDGES = HEDGE_QUALIFIERS
# The stored hedge drops the article: "an estimated 70,000" is hedged "estimated".
_STORED = {"an estimated": "estimated"}
_PATTERN = re.compile(
    r"(?:^|[\s(“\"])("
    + "|".join(re.escape(h) for h in sorted(HEDGES, key=len, reverse=True))
    + r")\s+$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Hedge:
    word: str  # as stored: lower case, article dropped
    qualifier: Qualifier
    start: int  # where the hedge starts in the text


def hedge_before(text: str, figure_start: int) -> Hedge | None:
    """The hedge directly before a figure ("over 38,000"), if any."""
    window_start = max(0, figure_start - 20)
    match = _PATTERN.search(text[window_start:figure_start])
    if not match:
        return None
    written = match.group(1).lower()
    return Hedge(_STORED.get(written, written), HEDGES[written], window_start + match.start(1))
