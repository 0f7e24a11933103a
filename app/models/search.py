"""The text that full-text search covers: one row per claim, event and source.

SQLite indexes it with an FTS5 external-content table (`search_fts`), PostgreSQL with a GIN
index over a stored, generated `tsvector` column (`search_tsv`); both are created by the
migrations, not by the models.
"""

from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import SLUG_MAX, binary_text


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
