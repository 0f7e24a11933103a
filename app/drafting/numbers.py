"""Figures as articles write them: "1,164", "1 000", "62 400", "7.905" (a German thousands
point), "22,2 тыс.", "22.2 thousand", "eighty thousand", "three", "half", "a third", "25%",
"between 3,000 and 4,000".

Number words go through text2num (a maintained parser of compound number words); the
fractions and the European formats are rules here, because no library reads them in
English text.
"""

import re
from dataclasses import dataclass

from text_to_num import text2num

MULTIPLIERS = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "mln": 1e6,
    "bn": 1e9,
    "тыс": 1e3,
    "тысяч": 1e3,
    "тысячи": 1e3,
    "млн": 1e6,
    "tausend": 1e3,
    "mio": 1e6,
    "mrd": 1e9,
}
_MULTIPLIER = r"(?:thousand|million|billion|mln|bn|тыс\.?|тысяч[аи]?|млн\.?|Tausend|Mio\.?|Mrd\.?)"
_PERCENT = r"(?:\s?%|\s(?:percent|per\s?cent|Prozent)\b)"
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
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
]
_SCALES = ["hundred", "thousand", "million", "billion"]
_WORD = r"(?:" + "|".join(_UNITS + _SCALES) + r")"
_WORDS = rf"\b{_WORD}(?:(?:-|\s+|\s+and\s+){_WORD})*\b"
# A fraction of a whole reads as a share: "half" is 50 %.
FRACTIONS = {
    "half": 50.0,
    "a half": 50.0,
    "a third": 100 / 3,
    "one third": 100 / 3,
    "two thirds": 200 / 3,
    "two-thirds": 200 / 3,
    "a quarter": 25.0,
    "one quarter": 25.0,
    "three quarters": 75.0,
    "three-quarters": 75.0,
}
_FRACTION = r"\b(?:" + "|".join(sorted(map(re.escape, FRACTIONS), key=len, reverse=True)) + r")\b"
VAGUE_WORDS = re.compile(r"\b(?:hundreds|thousands|millions|dozens|tens)\b", re.IGNORECASE)

# Digits: thousands groups with a comma (English), a space or no-break space ("62 400"),
# or -- in European texts -- a point ("7.905"); then decimals.
_ENGLISH_DIGITS = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
)
_EUROPEAN_DIGITS = (
    r"\d{1,3}(?:\.\d{3})+(?![\d.])(?:,\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)(?:,\d+)?"
    r"|\d+(?:,\d+)?"
)


@dataclass(frozen=True)
class Figure:
    """One figure: its span in the text (hedge words excluded) and its value."""

    start: int
    end: int
    text: str
    value: float
    percent: bool = False
    low: float | None = None
    high: float | None = None
    from_words: bool = False
    ambiguous: str | None = None  # why the reading of the digits may be wrong


def is_european(text: str) -> bool:
    """Decimal commas ("22,2") or point-grouped thousands ("1.234.567", "7.905 Soldaten"
    with no English "1,234" anywhere) mark a European way of writing numbers."""
    if re.search(r"(?<![\d,.])\d+,\d{1,2}(?![\d,])", text):
        return True
    if re.search(r"\d{1,3}(?:\.\d{3}){2,}(?!\d)", text):
        return True
    return bool(
        re.search(r"(?<![\d.])\d{1,3}\.\d{3}(?![\d.])", text)
        and not re.search(r"\d,\d{3}(?!\d)", text)
    )


def _digits_value(raw: str, european: bool) -> float:
    compact = re.sub(r"[ \u00a0\u202f]", "", raw)
    compact = compact.replace(".", "").replace(",", ".") if european else compact.replace(",", "")
    return float(compact)


def _multiplier(word: str) -> float:
    return MULTIPLIERS[word.lower().rstrip(".")]


def _figure_pattern(digits: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w.,])(?P<digits>{digits})(?P<mult>\s?{_MULTIPLIER}(?!\w))?(?P<pct>{_PERCENT})?"
        rf"|(?P<fraction>{_FRACTION})(?P<fpct>{_PERCENT})?"
        rf"|(?P<words>{_WORDS})(?P<wpct>{_PERCENT})?",
        re.IGNORECASE,
    )


# Built once (by convention: European digits or not): the loader reads every quote with them.
_FIGURE_PATTERNS = {
    False: _figure_pattern(_ENGLISH_DIGITS),
    True: _figure_pattern(_EUROPEAN_DIGITS),
}


def find_figures(text: str, *, european: bool | None = None) -> list[Figure]:
    """Every figure in the text, left to right; ranges come back as one figure."""
    european = is_european(text) if european is None else european
    figures: list[Figure] = []
    for match in _FIGURE_PATTERNS[european].finditer(text):
        if match.group("digits"):
            raw = match.group("digits")
            value = _digits_value(raw, european)
            ambiguous = None
            if european and re.fullmatch(r"\d{1,3}\.\d{3}", raw):
                ambiguous = f'"{raw}" read as a thousands point (European text), not a decimal'
            if match.group("mult"):
                value *= _multiplier(match.group("mult").strip())
            figures.append(
                Figure(
                    match.start(),
                    match.end(),
                    match.group(),
                    round(value, 6),
                    bool(match.group("pct")),
                    ambiguous=ambiguous,
                )
            )
        elif match.group("fraction"):
            share = FRACTIONS[" ".join(match.group("fraction").lower().split())]
            figures.append(
                Figure(
                    match.start(),
                    match.end(),
                    match.group(),
                    round(share, 2),
                    True,
                    from_words=True,
                )
            )
        else:
            words = match.group("words")
            try:
                value = float(text2num(words.lower().replace(" and ", " "), "en"))
            except ValueError:
                continue
            figures.append(
                Figure(
                    match.start(),
                    match.end(),
                    match.group(),
                    value,
                    bool(match.group("wpct")),
                    from_words=True,
                )
            )
    return _merge_ranges(text, figures)


_RANGE_JOIN = re.compile(r"\s*(?:[–—-]|to|and)\s*$", re.IGNORECASE)


def _merge_ranges(text: str, figures: list[Figure]) -> list[Figure]:
    """ "between 3,000 and 4,000", "from 3,000 to 4,000", "3,000–4,000" -> one range."""
    merged: list[Figure] = []
    index = 0
    while index < len(figures):
        first = figures[index]
        if index + 1 < len(figures):
            second = figures[index + 1]
            gap = text[first.end : second.start]
            before = text[max(0, first.start - 8) : first.start].lower()
            dash = re.fullmatch(r"\s?[–—-]\s?", gap) and not first.from_words
            worded = _RANGE_JOIN.fullmatch(gap) and re.search(r"\b(between|from)\s$", before)
            if (dash or worded) and (first.value < second.value or second.text[-1].isalpha()):
                low = first.value
                # "3-4 thousand": the multiplier written once applies to both bounds.
                if second.value >= 1000 and low < 1000 and second.text[-1].isalpha():
                    low *= second.value / float(re.sub(r"[^\d.]", "", second.text) or 1)
                merged.append(
                    Figure(
                        first.start,
                        second.end,
                        text[first.start : second.end],
                        second.value,
                        second.percent,
                        low=low,
                        high=second.value,
                    )
                )
                index += 2
                continue
        merged.append(first)
        index += 1
    return merged
