"""The number-coverage audit: every numeral in a source is quoted by a claim or an event,
or listed as not a claim with a reason."""

import contextlib
import re
from bisect import bisect_right
from itertools import accumulate
from typing import NamedTuple

from app.drafting.numbers import find_figures

NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundreds?|thousands?|millions?|billions?|half|dozens?|quarter"
)
# Digits with optional thousands groups ("1,164", "1 000" with a space or no-break space)
# and decimals; or a number word.
NUMERAL_RE = re.compile(
    rf"\d{{1,3}}(?:[,\u00a0\u202f ]\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\b(?:{NUMBER_WORDS})\b",
    re.IGNORECASE,
)


class Numeral(NamedTuple):  # a tuple: a text full of digits makes hundreds of thousands
    text: str
    start: int
    end: int
    line: int


def find_numerals(text: str) -> list[Numeral]:
    """Every numeral in order, with its 1-based line (counted as the scan goes: linear)."""
    numerals = []
    line, counted_to = 1, 0
    for match in NUMERAL_RE.finditer(text):
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        numerals.append(Numeral(match.group(), match.start(), match.end(), line))
    return numerals


def uncovered_numerals(text: str, spans: list[tuple[int, int]]) -> list[Numeral]:
    """Numerals not inside any one of the [start, end) character spans.

    A numeral is covered when some span starting at or before it ends at or after it, so it
    is enough to know, for each start, the furthest end of the spans starting there or
    earlier: a sort and a binary search per numeral, not a scan of every span."""
    ordered = sorted(spans)
    starts = [start for start, _ in ordered]
    furthest_end = list(accumulate((end for _, end in ordered), max))
    uncovered = []
    for numeral in find_numerals(text):
        i = bisect_right(starts, numeral.start)
        if i == 0 or furthest_end[i - 1] < numeral.end:
            uncovered.append(numeral)
    return uncovered


_DIGIT_RUN = re.compile(r"\d(?:[\d,.\u00a0\u202f ]*\d)?")


def _plain_figures(text: str) -> set[float]:
    """The digit runs of a text read both ways ("1,500" and "1.500" are 1500): cheap, for
    the usual figure; `figures_in` reads the rest (words, multipliers, ranges)."""
    found = set()
    for run in _DIGIT_RUN.findall(text):
        for written in (re.sub(r"[,\s]", "", run), re.sub(r"[.\s]", "", run).replace(",", ".")):
            with contextlib.suppress(ValueError):  # "1.2.3": not a number either way
                found.add(float(written))
    return found


def writes_figure(texts: list[str], figure: float) -> bool | None:
    """Whether one of the texts writes the figure; None when none of them writes any."""
    if any(figure in _plain_figures(text) for text in texts):
        return True
    written = [figures for text in texts if (figures := figures_in(text)) is not None]
    return any(figure in figures for figures in written) if written else None


def figures_in(text: str) -> set[float] | None:
    """The figures a text writes, as numbers, read as the drafting tool reads them
    (app.drafting.numbers: "2,000", "62 400", "1.5 million", "22,2 тыс.", "two hundred",
    "half", both bounds of "between 3,000 and 4,000"), under both the English and the
    European reading of digits ("7.905" is 7.905 or 7905). None when it writes none: a
    quantity said otherwise ("several villages") is not checked."""
    found: set[float] = set()
    for european in (False, True):
        for figure in find_figures(text, european=european):
            found.update(v for v in (figure.value, figure.low, figure.high) if v is not None)
    return found or None
