"""The shortest clause that holds a figure and what it counts, verbatim and unique."""

from app.drafting.segments import Span, clause_bounds, trim


def shortest_quote(
    text: str, sentence: Span, paragraph: Span, cover: list[tuple[int, int]]
) -> Span:
    """The smallest run of whole clauses of `sentence` covering every span in `cover` that
    occurs once in the text; widened clause by clause, then to the sentence, then to the
    paragraph (a headline repeated in the body needs its neighbours to be unique)."""
    low = min(s for s, _ in cover)
    high = max(e for _, e in cover)
    cuts = clause_bounds(text, sentence)
    i = max([c for c in cuts if c <= low] or [sentence.start])
    j = min([c for c in cuts if c >= high] or [sentence.end])
    left = cuts.index(i) if i in cuts else 0
    right = cuts.index(j) if j in cuts else len(cuts) - 1
    while True:
        start, end = trim(text, cuts[left], cuts[right])
        start, end = min(start, low), max(end, high)
        if text.count(text[start:end]) == 1:
            return Span(start, end)
        if left == 0 and right == len(cuts) - 1:
            break
        if right < len(cuts) - 1:
            right += 1
        if left > 0 and text.count(text[start:end]) > 1:
            left -= 1
    for wider in (sentence, paragraph):
        start, end = trim(text, wider.start, wider.end)
        if text.count(text[start:end]) == 1:
            return Span(start, end)
    return Span(*trim(text, paragraph.start, paragraph.end))
