"""Paragraphs, sentences and clauses as character spans of the text, so every quote the
draft proposes is a verbatim substring by construction."""

import re
from dataclasses import dataclass

# A period after these does not end a sentence ("Jan. 1", "U.S. officials").
ABBREVIATIONS = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "lt",
        "col",
        "maj",
        "sgt",
        "st",
        "no",
        "vs",
        "approx",
        "ca",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "prof",
        "rep",
        "sen",
        "gov",
    ]
)
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9А-Я])")
# Clause boundaries: punctuation followed by a space (not the comma inside "38,000"),
# dashes set off by spaces, brackets and quotation marks.
_CLAUSE_BREAK = re.compile(r"[,;:](?=\s)|\s[—–-]\s|[()“”\"]")
_HEADING_END = re.compile(r"[.!?:;,\"”’)]$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start : self.end]

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


@dataclass(frozen=True)
class Paragraph(Span):
    index: int

    def is_heading(self, source: str) -> bool:
        """A short line without closing punctuation: a section heading, not a statement."""
        line = self.text(source).strip()
        return 0 < len(line.split()) <= 8 and not _HEADING_END.search(line) and line[0].isupper()


@dataclass(frozen=True)
class Sentence(Span):
    paragraph: int


def paragraphs(text: str) -> list[Paragraph]:
    """Every non-empty line is a paragraph (list items and headings stand on their own)."""
    found: list[Paragraph] = []
    for match in re.finditer(r"[^\n]+", text):
        stripped = match.group().strip()
        if not stripped:
            continue
        start = match.start() + match.group().index(stripped)
        found.append(Paragraph(start, start + len(stripped), len(found)))
    return found


def sentences(text: str, paragraph: Paragraph) -> list[Sentence]:
    found: list[Sentence] = []
    start = paragraph.start
    for match in _SENTENCE_END.finditer(text, paragraph.start, paragraph.end):
        word = re.search(
            r"([A-Za-z.]+)\.$", text[max(start, match.start() - 12) : match.start() + 1]
        )
        if match.group().startswith(".") and word:
            token = word.group(1).lower()
            if token in ABBREVIATIONS or re.fullmatch(r"[a-z]", token):
                continue
        found.append(Sentence(start, match.end(), paragraph.index))
        start = match.end()
        while start < paragraph.end and text[start].isspace():
            start += 1
    if start < paragraph.end:
        found.append(Sentence(start, paragraph.end, paragraph.index))
    return found


def clause_bounds(text: str, sentence: Span) -> list[int]:
    """Offsets where clauses start or end inside a sentence, sentence edges included."""
    cuts = {sentence.start, sentence.end}
    for match in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        cuts.add(match.start())
        cuts.add(match.end())
    return sorted(cuts)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past white space and dangling punctuation on either side."""
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;—–-"):
        end -= 1
    return start, end
