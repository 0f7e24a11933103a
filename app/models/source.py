"""Sources: the stored documents every claim is quoted from."""

from datetime import date

from sqlmodel import Field, SQLModel

from app.models.base import SLUG_MAX, binary_text


class Source(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX))
    title: str
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    published_on: date | None = Field(default=None, index=True)
    published_on_precision: str | None = Field(default=None, max_length=8)
    published_on_basis: str | None = None
    language: str = Field(max_length=16)
    file_name: str
    sha256: str = Field(max_length=64)
    char_count: int
    note: str | None = None
    text: str
