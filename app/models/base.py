"""Shared metadata with explicit constraint names, so migrations are stable across engines."""

from sqlalchemy import String
from sqlalchemy.types import TypeEngine
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SLUG_MAX = 120
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def binary_text(length: int | None = None) -> TypeEngine[str]:
    """A string column that compares and sorts byte by byte on every engine.

    SQLite compares text with BINARY; PostgreSQL uses the database's default collation, and
    with a typical one (en_US.UTF-8 ignores hyphens) `air-defence-losses` sorts after
    `aircraft-losses`. Ids are ordered and keyset-paginated, so they get the "C" collation
    on PostgreSQL: the same order as SQLite on any server, and their indexes match it.
    """
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class QuotedSpan(SQLModel):
    """Where a citation's verbatim quote stands in a source (claims and events alike)."""

    source_id: str = Field(
        foreign_key="source.id", index=True, max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX)
    )
    quote: str
    char_start: int
    char_end: int
