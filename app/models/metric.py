"""Metrics: the controlled vocabulary of what a figure measures."""

from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.models.base import SLUG_MAX, binary_text


class MetricKind(StrEnum):
    """`flow`: counted over a period (losses since 2024-08-06); `stock`: a level at a date."""

    flow = "flow"
    stock = "stock"


class Metric(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX))
    name: str
    unit: str = Field(max_length=32)
    kind: str = Field(max_length=8)
    broader_id: str | None = Field(
        default=None,
        foreign_key="metric.id",
        index=True,
        max_length=SLUG_MAX,
        sa_type=binary_text(SLUG_MAX),
    )
    description: str
