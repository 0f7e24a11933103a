"""Answers built from many claims: facets, time series, disagreements, search hits."""

from enum import StrEnum

from pydantic import ConfigDict, Field
from pydantic.json_schema import JsonDict

from app.dates import Precision
from app.models.search import SearchKind
from app.qualifiers import Qualifier
from app.schemas.claims import ClaimPublic, MetricRef
from app.schemas.common import DateText, EntityRef, Page, PublicModel


class FacetCount(PublicModel):
    """How many of the matching claims have one value of a facet."""

    value: str | None = Field(
        description="The facet value (an id, a qualifier, a month); null = not stated.",
        examples=["oleksandr-syrskyi"],
    )
    label: str = Field(description="Display label.", examples=["Oleksandr Syrskyi"])
    count: int = Field(description="Matching claims with this value.", examples=[4])


class FacetSizes(PublicModel):
    """How many distinct values each facet has among the matching claims (a facet lists
    at most `values_per_facet` of them, the most frequent)."""

    metric: int = Field(description="Distinct metrics.", examples=[4])
    speaker: int = Field(description="Distinct speakers.", examples=[1])
    subject: int = Field(description="Distinct subjects.", examples=[2])
    source: int = Field(description="Distinct sources citing them.", examples=[2])
    qualifier: int = Field(description="Distinct qualifiers.", examples=[2])
    hedge: int = Field(description="Distinct hedge words (null included).", examples=[3])
    stated_month: int = Field(description="Distinct stated months (null included).", examples=[2])


CLAIM_FACETS_EXAMPLE: JsonDict = {
    "total": 4,
    "values_per_facet": 100,
    "distinct_values": {
        "metric": 4,
        "speaker": 1,
        "subject": 2,
        "source": 2,
        "qualifier": 2,
        "hedge": 3,
        "stated_month": 2,
    },
    "metric": [
        {"value": "equipment-losses", "label": "Equipment losses", "count": 1},
        {"value": "personnel-casualties", "label": "Personnel casualties", "count": 1},
        {"value": "prisoners-captured", "label": "Prisoners captured", "count": 1},
        {"value": "territory-controlled", "label": "Territory controlled", "count": 1},
    ],
    "speaker": [{"value": "oleksandr-syrskyi", "label": "Oleksandr Syrskyi", "count": 4}],
    "subject": [
        {"value": "russian-forces", "label": "Russian forces", "count": 3},
        {"value": "ukrainian-forces", "label": "Ukrainian forces", "count": 1},
    ],
    "source": [
        {
            "value": "syrskyi-russia-lost-over-38000-troops-2025-01-01",
            "label": "Russia has lost over 38,000 troops in Kursk Oblast, Syrskyi says",
            "count": 3,
        },
        {
            "value": "ukrainian-troops-still-hold-kursk-territory-2025",
            "label": "Ukrainian Troops Still Hold Territory in Russia's Kursk Region, "
            "Top Commander Confirms",
            "count": 1,
        },
    ],
    "qualifier": [
        {"value": "at_least", "label": "at_least", "count": 3},
        {"value": "approximate", "label": "approximate", "count": 1},
    ],
    "hedge": [
        {"value": "over", "label": "over", "count": 2},
        {"value": "approximately", "label": "approximately", "count": 1},
        {"value": "more than", "label": "more than", "count": 1},
    ],
    "stated_month": [
        {"value": "2025", "label": "2025", "count": 1},
        {"value": "2025-01", "label": "2025-01", "count": 3},
    ],
}


class ClaimFacets(PublicModel):
    """Counts of the claims matching the filters, by facet: most frequent value first
    (`stated_month` chronologically, undated last)."""

    model_config = ConfigDict(json_schema_extra={"examples": [CLAIM_FACETS_EXAMPLE]})

    total: int = Field(description="Claims matching the filters.", examples=[4])
    values_per_facet: int = Field(
        description="The most values a facet lists (the `limit` asked for).", examples=[100]
    )
    distinct_values: FacetSizes = Field(
        description="Distinct values per facet; more than `values_per_facet` means the facet "
        "lists only the most frequent."
    )
    metric: list[FacetCount] = Field(description="Counts by metric id.")
    speaker: list[FacetCount] = Field(description="Counts by speaker id.")
    subject: list[FacetCount] = Field(description="Counts by subject id.")
    source: list[FacetCount] = Field(description="Counts by source id (claims cited there).")
    qualifier: list[FacetCount] = Field(description="Counts by qualifier.")
    hedge: list[FacetCount] = Field(
        description="Counts by hedge word as written, lower-cased (null: no hedge word)."
    )
    stated_month: list[FacetCount] = Field(
        description="Counts by stated month, `YYYY-MM`; a claim dated only to a year counts "
        "under `YYYY`, an undated one under null. The most frequent months, in date order."
    )


class ReferenceBasis(StrEnum):
    """Which date places a point on the time axis."""

    period_end = "period_end"
    stated_on = "stated_on"


class SeriesPoint(PublicModel):
    """One claim as a point of a time series."""

    claim_id: str = Field(
        description="The claim this point is.", examples=["syrskyi-russian-prisoners-2025-01-01"]
    )
    reference_date: DateText = Field(
        description="The period end (as-of date), else the stated date, at its precision."
    )
    reference_precision: Precision = Field(description="Precision of `reference_date`.")
    reference_basis: ReferenceBasis = Field(description="Which date `reference_date` is.")
    value: float | None = Field(description="The figure as stated; null only for a range.")
    value_low: float | None = Field(description="Lower bound of the band; null means open.")
    value_high: float | None = Field(description="Upper bound of the band; null means open.")
    qualifier: Qualifier = Field(description="How the text qualifies the figure.")
    hedge: str | None = Field(description='The hedge word as written ("over", "some").')
    stated_on: DateText | None = Field(description="When the speaker said it, at its precision.")
    stated_on_precision: Precision | None = Field(description="Precision of `stated_on`.")
    metric_id: str = Field(description="Differs from the series metric with include_narrower.")


class Series(PublicModel):
    """The points one speaker gave about one subject for one metric: one line of a chart."""

    speaker: EntityRef = Field(description="Who gave the figures.")
    subject: EntityRef = Field(description="Whom the figures are about.")
    metric: MetricRef = Field(
        description="What the figures measure: the series metric, or with include_narrower "
        "one of its narrower metrics (each has lines of its own)."
    )
    points: list[SeriesPoint] = Field(description="Ordered by reference date, then claim id.")


_PRISONERS: JsonDict = {
    "id": "prisoners-captured",
    "name": "Prisoners captured",
    "unit": "persons",
    "kind": "flow",
}
METRIC_SERIES_EXAMPLE: JsonDict = {
    "metric": _PRISONERS,
    "series": [
        {
            "speaker": {"id": "oleksandr-syrskyi", "name": "Oleksandr Syrskyi"},
            "subject": {"id": "russian-forces", "name": "Russian forces"},
            "metric": _PRISONERS,
            "points": [
                {
                    "claim_id": "syrskyi-russian-prisoners-2025-01-01",
                    "reference_date": "2025-01-01",
                    "reference_precision": "day",
                    "reference_basis": "period_end",
                    "value": 700,
                    "value_low": 700,
                    "value_high": None,
                    "qualifier": "at_least",
                    "hedge": "over",
                    "stated_on": "2025-01-01",
                    "stated_on_precision": "day",
                    "metric_id": "prisoners-captured",
                }
            ],
        }
    ],
    "undated_claim_ids": [],
}


class MetricSeries(PublicModel):
    """A metric's claims as time series, one per (speaker, subject, metric): what a chart
    needs."""

    model_config = ConfigDict(json_schema_extra={"examples": [METRIC_SERIES_EXAMPLE]})

    metric: MetricRef = Field(description="The metric asked for.")
    series: list[Series] = Field(
        description="One line per (speaker, subject, metric), by speaker id, subject id, metric id."
    )
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
    """Two claims on the same metric and subject, for comparable periods, that cannot both hold."""

    metric: MetricRef = Field(description="The metric both claims are on.")
    subject: EntityRef = Field(description="Whom both figures are about.")
    claim_a: ClaimPublic = Field(description="One claim.")
    claim_b: ClaimPublic = Field(description="The claim it conflicts with.")
    gap: float = Field(description="Distance between the two [low, high] bands, in the unit.")
    comparability: Comparability = Field(description="Why the two claims are comparable.")
    reason: str = Field(description="Why the two claims are comparable and why they conflict.")


class NotConflicting(PublicModel):
    """Why compared pairs do not conflict."""

    bands_overlap: int = Field(
        description="Comparable periods, but both [low, high] bands can hold at once."
    )
    periods_not_comparable: int = Field(
        description="Close in time, but their periods cannot be compared (a stock and a "
        "period without an as-of date, flows with different starts, ...)."
    )


class NotCompared(PublicModel):
    """Pairs of matching claims that were not compared, and why."""

    different_metric_or_subject: int = Field(
        description="The two claims measure different metrics or different subjects."
    )
    far_apart_or_undated: int = Field(
        description="Same metric and subject, but their reference dates are more than 7 days "
        "apart or one of them has no reference period."
    )


class DisagreementComparison(PublicModel):
    """What was compared: an empty list of disagreements is an answer, with its reasons.
    The counts of pairs not compared do not apply the `speaker` filter."""

    claims: int = Field(description="Claims matching the filters.", examples=[44])
    groups: int = Field(description="(metric, subject) pairs with at least two claims.")
    pairs_compared: int = Field(
        description="Pairs compared: same metric and subject, and the same event or reference "
        "dates within 7 days."
    )
    conflicting: int = Field(description="Compared pairs that conflict (= `total`).")
    not_conflicting: NotConflicting = Field(description="Compared pairs that do not, by reason.")
    not_compared: NotCompared = Field(description="Pairs not compared, by reason.")


DISAGREEMENTS_EMPTY_EXAMPLE: JsonDict = {
    "items": [],
    "next_cursor": None,
    "total": 0,
    "comparison": {
        "claims": 3,
        "groups": 1,
        "pairs_compared": 1,
        "conflicting": 0,
        "not_conflicting": {"bands_overlap": 1, "periods_not_comparable": 0},
        "not_compared": {"different_metric_or_subject": 2, "far_apart_or_undated": 0},
    },
}


class DisagreementPage(Page[Disagreement]):
    """A page of disagreements; follow `next_cursor` until it is null."""

    model_config = ConfigDict(json_schema_extra={"examples": [DISAGREEMENTS_EMPTY_EXAMPLE]})

    comparison: DisagreementComparison = Field(
        description="How many pairs were compared, and why the others do not conflict."
    )


class SearchHit(PublicModel):
    """A claim, event or source that matches a search, with a highlighted snippet."""

    kind: SearchKind = Field(description="What the hit is.")
    id: str = Field(
        description="Id of the claim, event or source.",
        examples=["dprk-units-withdrawn-from-front"],
    )
    title: str = Field(description="The claim's, event's or source's title.")
    snippet: str = Field(description="Matching text; matches wrapped in <mark>...</mark>.")
    rank: float = Field(description="Relevance; lower is better.")


class SearchHitPage(Page[SearchHit]):
    """A page of search hits, best first; follow `next_cursor` until it is null."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "kind": "event",
                            "id": "dprk-units-withdrawn-from-front",
                            "title": "North Korean units withdrawn from the front line",
                            "snippet": "The General Staff says <mark>North</mark> "
                            "<mark>Korean</mark> units have been withdrawn from the front line; "
                            "Budanov says…",
                            "rank": -4.01002,
                        }
                    ],
                    "next_cursor": "WyJzZWFyY2giLDEsIiJd",
                    "total": None,
                }
            ]
        }
    )
