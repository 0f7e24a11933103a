"""Answers built from many claims: facets, time series, disagreements, search hits."""

from datetime import date
from enum import StrEnum

from pydantic import Field

from app.dates import Precision
from app.models.search import SearchKind
from app.qualifiers import Qualifier
from app.schemas.claims import ClaimPublic, MetricRef
from app.schemas.common import EntityRef, PublicModel


class FacetCount(PublicModel):
    value: str | None = Field(
        description="The facet value (an id, a qualifier, a month); null = not stated."
    )
    label: str = Field(description="Display label.")
    count: int


class ClaimFacets(PublicModel):
    total: int = Field(description="Claims matching the filters.")
    metric: list[FacetCount]
    speaker: list[FacetCount]
    subject: list[FacetCount]
    source: list[FacetCount]
    qualifier: list[FacetCount]
    stated_month: list[FacetCount] = Field(
        description="`YYYY-MM`; a claim dated only to a year counts under `YYYY`."
    )


class ReferenceBasis(StrEnum):
    """Which date places a point on the time axis."""

    period_end = "period_end"
    stated_on = "stated_on"


class SeriesPoint(PublicModel):
    claim_id: str
    reference_date: date = Field(description="The period end (as-of date), else the stated date.")
    reference_precision: Precision
    reference_basis: ReferenceBasis
    value: float | None
    value_low: float | None
    value_high: float | None
    qualifier: Qualifier
    stated_on: date | None
    stated_on_precision: Precision | None
    metric_id: str = Field(description="Differs from the series metric with include_narrower.")


class Series(PublicModel):
    speaker: EntityRef
    subject: EntityRef
    points: list[SeriesPoint] = Field(description="Ordered by reference date, then claim id.")


class MetricSeries(PublicModel):
    metric: MetricRef
    series: list[Series] = Field(description="One line per (speaker, subject).")
    undated_claim_ids: list[str] = Field(
        description="Matching claims with neither a period end nor a stated date."
    )


class Comparability(StrEnum):
    """Why two claims are compared."""

    same_as_of = "same_as_of"
    same_period = "same_period"
    nested_period = "nested_period"
    same_event = "same_event"


class Disagreement(PublicModel):
    metric: MetricRef
    subject: EntityRef
    claim_a: ClaimPublic
    claim_b: ClaimPublic
    gap: float = Field(description="Distance between the two [low, high] bands, in the unit.")
    comparability: Comparability
    reason: str = Field(description="Why the two claims are comparable and why they conflict.")


class SearchHit(PublicModel):
    kind: SearchKind
    id: str = Field(description="Id of the claim, event or source.")
    title: str
    snippet: str = Field(description="Matching text; matches wrapped in <mark>...</mark>.")
    rank: float = Field(description="Relevance; lower is better.")
