"""Quotes marked inside their paragraphs of a source text, from citation offsets.

Paragraphs are the runs of text between blank lines. Quotes may overlap (two claims can
cite the same sentence), so the text is cut at every quote boundary and each piece knows
which quotes cover it and which end with it.
"""

import re
from dataclasses import dataclass, field
from itertools import pairwise

BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    href: str | None = None  # where the marked text leads (its claim), if anywhere
    number: int = 0  # shown after the quote when the page lists several


@dataclass
class Piece:
    text: str
    quotes: list[Quote] = field(default_factory=list)
    ending: list[Quote] = field(default_factory=list)


@dataclass
class Paragraph:
    start: int
    end: int
    pieces: list[Piece]


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """[start, end) of each paragraph, blank lines excluded."""
    bounds, start = [], 0
    for gap in BLANK_LINES.finditer(text):
        if gap.start() > start:
            bounds.append((start, gap.start()))
        start = gap.end()
    if start < len(text.rstrip()):
        bounds.append((start, len(text.rstrip())))
    return bounds


def marked_paragraphs(text: str, quotes: list[Quote], *, only_quoted: bool) -> list[Paragraph]:
    """The text's paragraphs (only those a quote touches, if `only_quoted`), cut into pieces."""
    paragraphs = []
    for start, end in paragraph_bounds(text):
        inside = [q for q in quotes if q.start < end and q.end > start]
        if only_quoted and not inside:
            continue
        cuts = sorted(
            {start, end, *(max(start, min(end, x)) for q in inside for x in (q.start, q.end))}
        )
        pieces = []
        for a, b in pairwise(cuts):
            covering = [q for q in inside if q.start <= a and q.end >= b]
            ending = [q for q in covering if q.end == b]
            pieces.append(Piece(text[a:b], covering, ending))
        paragraphs.append(Paragraph(start, end, pieces))
    return paragraphs
