"""Synonyms for search (seeds/vocabulary/synonyms.yaml): the file format, the checks across
groups and the `search_synonym` rows. Applied at query time by app.queries.search."""

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from app.loader.errors import SeedError
from app.loader.schema import Strict
from app.models.search import term_key

# Bounds that keep a query's expansion small: a term found in a query becomes at most
# SYNONYM_GROUP_MAX phrases (app.queries.search bounds the whole query too).
SYNONYM_GROUP_MAX = 12
SYNONYM_TERM_MAX_WORDS = 6


def _term(value: str) -> str:
    words = term_key(value).split()
    if not words:
        raise ValueError("a term needs at least one letter or digit")
    if len(words) > SYNONYM_TERM_MAX_WORDS:
        raise ValueError(f"a term has at most {SYNONYM_TERM_MAX_WORDS} words")
    return value


SynonymTerm = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_term)]
SynonymGroup = Annotated[list[SynonymTerm], Field(min_length=2, max_length=SYNONYM_GROUP_MAX)]


class SynonymsFile(Strict):
    """Groups of terms that mean the same to a searcher; a term is a word or a phrase, and
    belongs to one group only."""

    synonyms: list[SynonymGroup]


# ParsedFile.error: (location in the file, reason) -> an error naming the file and line.
ErrorAt = Callable[[tuple[int | str, ...], str], SeedError]


def synonym_rows(
    groups: list[list[str]], error: ErrorAt
) -> tuple[list[dict[str, Any]], list[SeedError]]:
    """One row per term; a term written twice (in one group or two) is an error, since a query
    word must lead to one group. Terms compare as search does: "Prisoners-of-war" and
    "prisoners of war" are the same term."""
    rows: list[dict[str, Any]] = []
    errors: list[SeedError] = []
    first: dict[str, tuple[int, int]] = {}
    for group_id, group in enumerate(groups):
        for position, term in enumerate(group):
            key = term_key(term)
            if key in first:
                other_group, other_position = first[key]
                where = "this group" if other_group == group_id else f"synonyms[{other_group}]"
                errors.append(
                    error(
                        ("synonyms", group_id, position),
                        f"term {term!r} is already in {where} "
                        f"(as {groups[other_group][other_position]!r}); a term belongs to one "
                        "group",
                    )
                )
                continue
            first[key] = (group_id, position)
            rows.append({"term_key": key, "term": term, "group_id": group_id})
    return rows, errors
