"""Claims: a speaker asserted a value for a metric about a subject, quoted in sources."""

from datetime import date

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from app.models.base import SLUG_MAX, QuotedSpan, binary_text


class Claim(SQLModel, table=True):
    __table_args__ = (
        # Keyset pagination: every sort key is (sort column, id), and every equality filter
        # has a (filter, sort column, id) index per sort, so that a filtered page walks an
        # index in order and stops after `limit` rows at any depth (descending sorts walk the
        # same indexes backwards). tests/scale/test_query_plans.py checks the plans.
        Index("ix_claim_sort_stated_id", "sort_stated", "id"),
        Index("ix_claim_sort_value_id", "sort_value", "id"),
        Index("ix_claim_sort_period_end_id", "sort_period_end", "id"),
        Index("ix_claim_metric_sort_stated_id", "metric_id", "sort_stated", "id"),
        Index("ix_claim_metric_sort_value_id", "metric_id", "sort_value", "id"),
        Index("ix_claim_metric_sort_period_end_id", "metric_id", "sort_period_end", "id"),
        Index("ix_claim_speaker_sort_stated_id", "speaker_id", "sort_stated", "id"),
        Index("ix_claim_speaker_sort_value_id", "speaker_id", "sort_value", "id"),
        Index("ix_claim_speaker_sort_period_end_id", "speaker_id", "sort_period_end", "id"),
        Index("ix_claim_subject_sort_stated_id", "subject_id", "sort_stated", "id"),
        Index("ix_claim_subject_sort_value_id", "subject_id", "sort_value", "id"),
        Index("ix_claim_subject_sort_period_end_id", "subject_id", "sort_period_end", "id"),
        # Facets: counts by stated month read this index, not the table.
        Index("ix_claim_stated_on_stated_on_precision", "stated_on", "stated_on_precision"),
        # Few claims refer to an event: partial indexes keep the others out.
        *(
            Index(
                f"ix_claim_event_{name}_id",
                "event_id",
                column,
                "id",
                sqlite_where=text("event_id IS NOT NULL"),
                postgresql_where=text("event_id IS NOT NULL"),
            )
            for name, column in (
                ("sort_stated", "sort_stated"),
                ("sort_value", "sort_value"),
                ("sort_period_end", "sort_period_end"),
            )
        ),
    )

    id: str = Field(primary_key=True, max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX))
    metric_id: str = Field(
        foreign_key="metric.id", max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX)
    )
    subject_id: str = Field(
        foreign_key="entity.id", max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX)
    )
    speaker_id: str = Field(
        foreign_key="entity.id", max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX)
    )
    value: float | None = Field(default=None, index=True)
    qualifier: str = Field(max_length=16, index=True)
    hedge: str | None = None
    value_low: float | None = None
    value_high: float | None = None
    unit: str = Field(max_length=32)
    place: str | None = None
    period_start: date | None = None
    period_start_precision: str | None = Field(default=None, max_length=8)
    period_end: date | None = None
    period_end_precision: str | None = Field(default=None, max_length=8)
    stated_on: date | None = None
    stated_on_precision: str | None = Field(default=None, max_length=8)
    event_id: str | None = Field(
        default=None,
        foreign_key="event.id",
        max_length=SLUG_MAX,
        sa_type=binary_text(SLUG_MAX),
    )
    note: str | None = None
    # Derived by the loader, never served directly:
    # the intervals that the imprecise dates cover (for overlap filters) ...
    stated_span_start: date | None = Field(default=None, index=True)
    stated_span_end: date | None = Field(default=None, index=True)
    period_span_start: date | None = Field(default=None, index=True)
    period_span_end: date | None = Field(default=None, index=True)
    # ... and NOT NULL sort keys (unknown dates sort as 9999-12-31: last ascending,
    # first descending, like PostgreSQL's default NULLS ordering).
    sort_stated: date
    sort_value: float
    sort_period_end: date


class Citation(QuotedSpan, table=True):
    # Facets: claims per source (count of distinct claim ids) read this index in order.
    __table_args__ = (Index("ix_citation_source_id_claim_id", "source_id", "claim_id"),)

    claim_id: str = Field(
        foreign_key="claim.id", primary_key=True, max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX)
    )
    position: int = Field(primary_key=True)
