"""The text that full-text search covers: one row per claim, event and source.

SQLite indexes it with an FTS5 external-content table (`search_fts`), PostgreSQL with a GIN
index over a stored, generated `tsvector` column (`search_tsv`); both are created by the
migrations, not by the models.
"""

import re
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import SLUG_MAX, binary_text

# A word as both full-text tokenizers see one: letters and digits (`_` and punctuation
# separate words, as in FTS5's unicode61 and in the PostgreSQL document expression).
WORD = r"[^\W_]+"
_WORD_RE = re.compile(WORD)


def search_words(text: str) -> list[str]:
    """The words of a text, lower-cased, as search compares them."""
    return [word.casefold() for word in _WORD_RE.findall(text)]


def term_key(text: str) -> str:
    """How a synonym term is looked up: its words, lower-cased, joined by one space
    ("Prisoners-of-war" and "prisoners of war" are the same term)."""
    return " ".join(search_words(text))


class SearchKind(StrEnum):
    """What a search hit is."""

    claim = "claim"
    event = "event"
    source = "source"


class SearchDocument(SQLModel, table=True):
    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    # An INTEGER PRIMARY KEY is SQLite's rowid, which FTS5 external content must rely on.
    id: int = Field(primary_key=True)
    kind: str = Field(max_length=8, sa_type=binary_text(8))
    ref_id: str = Field(max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX))
    title: str
    body: str


class SearchSynonym(SQLModel, table=True):
    """One term of a synonym group (seeds/vocabulary/synonyms.yaml), looked up at query time:
    a query word or word sequence whose key is here matches any term of its group."""

    __tablename__ = "search_synonym"

    # The term's words, lower-cased and joined by one space (app.queries.search.term_key).
    term_key: str = Field(primary_key=True, sa_type=binary_text())
    term: str
    group_id: int = Field(index=True)
