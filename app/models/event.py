"""Events: dated happenings that claims can refer to."""

from datetime import date

from sqlmodel import Field, SQLModel

from app.models.base import SLUG_MAX, QuotedSpan, binary_text


class Event(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX))
    title: str
    type: str = Field(max_length=32, index=True)
    description: str | None = None
    start_on: date | None = None
    start_on_precision: str | None = Field(default=None, max_length=8)
    end_on: date | None = None
    end_on_precision: str | None = Field(default=None, max_length=8)
    place: str | None = None
    note: str | None = None
    # Derived by the loader: the whole interval the (imprecise) dates cover, for filtering.
    span_start: date | None = Field(default=None, index=True)
    span_end: date | None = Field(default=None, index=True)


class EventEntity(SQLModel, table=True):
    __tablename__ = "event_entity"

    event_id: str = Field(
        foreign_key="event.id", primary_key=True, max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX)
    )
    entity_id: str = Field(
        foreign_key="entity.id",
        primary_key=True,
        index=True,
        max_length=SLUG_MAX,
        sa_type=binary_text(SLUG_MAX),
    )
    role: str | None = None


class EventCitation(QuotedSpan, table=True):
    __tablename__ = "event_citation"

    event_id: str = Field(
        foreign_key="event.id", primary_key=True, max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX)
    )
    position: int = Field(primary_key=True)
