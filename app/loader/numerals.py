"""The number-coverage audit: every numeral in a source is quoted by a claim or an event,
or listed as not a claim with a reason."""

import re
from bisect import bisect_right
from itertools import accumulate
from typing import NamedTuple

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


# Words after a numeral that multiply it ("1.5 million", "22,2 тыс.", "38k", "two hundred").
_MULTIPLIERS = {
    "k": 1e3,
    "hundred": 1e2,
    "thousand": 1e3,
    "тис": 1e3,
    "тыс": 1e3,
    "тисяч": 1e3,
    "тысяч": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "млн": 1e6,
    "bn": 1e9,
    "billion": 1e9,
    "млрд": 1e9,
}
_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
# Number words as figures: "two settlements", "twenty-five", "a dozen", "half" (0.5, or 50
# of a percentage); plurals ("hundreds", "dozens") are not figures.
_WORD_VALUES: dict[str, tuple[float, ...]] = {
    **{word: (float(n),) for n, word in enumerate(_UNITS)},
    **{word: (float(10 * n),) for n, word in enumerate(_TENS, start=2)},
    **{
        f"{tens}-{unit}": (float(10 * n + u),)
        for n, tens in enumerate(_TENS, start=2)
        for u, unit in enumerate(_UNITS[1:10], start=1)
    },
    "dozen": (12.0,),
    "half": (0.5, 50.0),
    "quarter": (0.25, 25.0),
    **{word: (value,) for word, value in _MULTIPLIERS.items() if len(word) > 3},
}
_WORD_RE = re.compile(r"[a-zа-яіїє]+(?:-[a-z]+)?", re.IGNORECASE)
_MULTIPLIER_RE = re.compile(r"\s?([a-zа-яіїє]+)", re.IGNORECASE)
# A decimal comma ("22,2 тыс."): NUMERAL_RE reads it as two numerals.
_DECIMAL_COMMA_RE = re.compile(r"\d+,\d{1,2}(?!\d)")
# A dot grouping thousands, as German and Ukrainian texts write it ("7.905 soldiers",
# "11.000"): NUMERAL_RE reads a decimal.
_DOT_GROUPS_RE = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{3})+(?![\d.])")


def figures_in(text: str) -> set[float] | None:
    """The figures a text writes, as numbers: each numeral ("2,000", "1 000", "7.905" as
    7.905 and as 7905, "22,2") and number word ("two", "twenty-five", "a dozen"), and each
    times a multiplier word after it ("1.5 million", "two hundred"). None when it writes
    none: a quantity said otherwise ("several villages") is not checked."""
    found: set[float] = set()
    numbers: list[tuple[float, int]] = []
    for m in NUMERAL_RE.finditer(text):
        if m.group()[0].isdigit():
            numbers.append((float(re.sub(r"[,\u00a0\u202f ]", "", m.group())), m.end()))
    for m in _DECIMAL_COMMA_RE.finditer(text):
        numbers.append((float(m.group().replace(",", ".")), m.end()))
    for m in _DOT_GROUPS_RE.finditer(text):
        numbers.append((float(m.group().replace(".", "")), m.end()))
    for m in _WORD_RE.finditer(text):
        numbers += [(value, m.end()) for value in _WORD_VALUES.get(m.group().lower(), ())]
    for number, end in numbers:
        found.add(number)
        after = _MULTIPLIER_RE.match(text, end)
        if after and after.group(1).lower() in _MULTIPLIERS:
            found.add(number * _MULTIPLIERS[after.group(1).lower()])
    return found or None
