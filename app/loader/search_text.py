"""The text full-text search sees for claims and events (their `search_document` rows).

A claim is found by its quotes and by what the annotations add: its place, its note, its
speaker's and subject's names with every alias (transliterations, Cyrillic), and (in the
title) the metric's name. Names are written into the document rather than expanded at query
time so that one index lookup answers any mix of names, phrases and words ("Зеленський
prisoners"), on both engines, and so that a claim whose quote never names its speaker is
still found by the speaker's name.
"""

from collections.abc import Iterable

from app.loader.schema import ClaimSpec, EntitySpec, EventSpec

SEPARATOR = " · "  # punctuation to both engines: it separates words, and reads well in snippets


def entity_search_names(entities: Iterable[EntitySpec]) -> dict[str, str]:
    """Entity id -> its name and aliases as one text (each spelling once)."""
    return {e.id: "; ".join(dict.fromkeys([e.name, *e.aliases])) for e in entities}


def _join(parts: Iterable[str | None]) -> str:
    return SEPARATOR.join(part for part in parts if part)


def claim_search_body(claim: ClaimSpec, quotes: list[str], names: dict[str, str]) -> str:
    """Quotes first (what a snippet should show), then place, note, speaker and subject."""
    people = dict.fromkeys([names.get(claim.speaker), names.get(claim.subject)])
    return _join([" ".join(quotes), claim.place, claim.note, *people])


def event_search_body(event: EventSpec, quotes: list[str], names: dict[str, str]) -> str:
    """Description, place, quotes, note, then the names of the entities involved."""
    involved = dict.fromkeys(names.get(e.id) for e in event.entities)
    return _join([event.description, event.place, *quotes, event.note, *involved])
