"""The text full-text search sees for claims and events (their `search_document` rows).

A claim is found by its quotes and by what the annotations add: its place, its note, its
subject's name, and (in the title) its speaker's and metric's names. Only display names are
written: a query naming an entity by any alias is expanded to all its names at query time
(app.queries.search), which keeps each document short.
"""

from collections.abc import Iterable, Mapping

from app.loader.schema import ClaimSpec, EventSpec

SEPARATOR = " · "  # punctuation to both engines: it separates words, and reads well in snippets


def _join(parts: Iterable[str | None]) -> str:
    return SEPARATOR.join(part for part in parts if part)


def claim_search_body(claim: ClaimSpec, quotes: list[str], names: Mapping[str, str]) -> str:
    """Quotes first (what a snippet should show), then place, note and the subject's name."""
    return _join([" ".join(quotes), claim.place, claim.note, names.get(claim.subject)])


def event_search_body(event: EventSpec, quotes: list[str], names: Mapping[str, str]) -> str:
    """Description, place, quotes, note, then the names of the entities involved."""
    involved = dict.fromkeys(names.get(e.id) for e in event.entities)
    return _join([event.description, event.place, *quotes, event.note, *involved])
