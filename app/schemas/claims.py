"""Claims as the API serves them: everything a reader needs in one object."""

from pydantic import ConfigDict, Field
from pydantic.json_schema import JsonDict

from app.dates import Precision
from app.models.metric import MetricKind
from app.qualifiers import Qualifier
from app.schemas.common import Citation, DateText, EntityRef, Page, PublicModel


class MetricRef(PublicModel):
    """A reference to a metric: what a figure measures, in which unit."""

    id: str = Field(description="Metric id.", examples=["prisoners-captured"])
    name: str = Field(description="Metric name.", examples=["Prisoners captured"])
    unit: str = Field(description="Unit of the metric's values.", examples=["persons"])
    kind: MetricKind = Field(description="`flow` (counted over a period) or `stock` (a level).")


class EventRef(PublicModel):
    """A reference to an event: its id and title."""

    id: str = Field(description="Event id.", examples=["makhnovka-failed-assault"])
    title: str = Field(
        description="Event title.",
        examples=["Failed Russian and North Korean assault on Makhnovka"],
    )


CLAIM_EXAMPLE: JsonDict = {
    "id": "general-staff-russian-prisoners-2025-02-05",
    "metric": {
        "id": "prisoners-captured",
        "name": "Prisoners captured",
        "unit": "persons",
        "kind": "flow",
    },
    "subject": {"id": "russian-forces", "name": "Russian forces"},
    "speaker": {
        "id": "general-staff-ukraine",
        "name": "General Staff of the Armed Forces of Ukraine",
    },
    "value": 909,
    "qualifier": "exact",
    "hedge": None,
    "value_low": 909,
    "value_high": 909,
    "unit": "persons",
    "place": "Kursk region",
    "period_start": "2024-08-06",
    "period_start_precision": "day",
    "period_end": "2025-02-05",
    "period_end_precision": "day",
    "stated_on": "2025-02-06",
    "stated_on_precision": "day",
    "event": None,
    "note": None,
    "citations": [
        {
            "source_id": "general-staff-kursk-operation-summary-2025-02-06",
            "source_title": "The Kursk Offensive Operation: the General Staff's summary of enemy "
            "losses as of February 5, 2025",
            "quote": "Ukrainian soldiers captured 909 occupiers",
            "char_start": 1565,
            "char_end": 1606,
        }
    ],
}


class ClaimPublic(PublicModel):
    """A speaker asserted a value for a metric about a subject, quoted in one or more sources."""

    model_config = ConfigDict(
        json_schema_serialization_defaults_required=True,
        json_schema_extra={"examples": [CLAIM_EXAMPLE]},
    )

    id: str = Field(
        description="Stable claim id (slug).",
        examples=["general-staff-russian-prisoners-2025-02-05"],
    )
    metric: MetricRef = Field(description="What the figure measures.")
    subject: EntityRef = Field(description="Whom the figure is about.")
    speaker: EntityRef = Field(description="Who made the statement, as the text attributes it.")
    value: float | None = Field(description="The figure as stated; null only for a range.")
    qualifier: Qualifier = Field(description="How the text qualifies the figure.")
    hedge: str | None = Field(description='The hedge word as written ("over", "some").')
    value_low: float | None = Field(description="Lower bound of the band; null means open.")
    value_high: float | None = Field(description="Upper bound of the band; null means open.")
    unit: str = Field(description="Unit (always the metric's unit).")
    place: str | None = Field(description="Where the figure applies.")
    period_start: DateText | None = Field(
        description="Start of the reference period, at its precision (YYYY, YYYY-MM or YYYY-MM-DD)."
    )
    period_start_precision: Precision | None = Field(
        description="Precision of `period_start`; null when it is null."
    )
    period_end: DateText | None = Field(
        description="End of the reference period, at its precision; for a stock metric, the "
        "as-of date."
    )
    period_end_precision: Precision | None = Field(
        description="Precision of `period_end`; null when it is null."
    )
    stated_on: DateText | None = Field(
        description="When the speaker said it, at its precision (YYYY, YYYY-MM or YYYY-MM-DD)."
    )
    stated_on_precision: Precision | None = Field(
        description="Precision of `stated_on`; null when it is null."
    )
    event: EventRef | None = Field(description="The event the claim is about, if any.")
    note: str | None = Field(description="Curator's note: judgement calls and derivations.")
    citations: list[Citation] = Field(description="Verbatim quotes; the first is the main one.")


CLAIM_PAGE_EXAMPLE: JsonDict = {
    "items": [
        {
            "id": "syrskyi-russian-casualties-2025-01-01",
            "metric": {
                "id": "personnel-casualties",
                "name": "Personnel casualties",
                "unit": "persons",
                "kind": "flow",
            },
            "subject": {"id": "russian-forces", "name": "Russian forces"},
            "speaker": {"id": "oleksandr-syrskyi", "name": "Oleksandr Syrskyi"},
            "value": 38000,
            "qualifier": "at_least",
            "hedge": "over",
            "value_low": 38000,
            "value_high": None,
            "unit": "persons",
            "place": "Kursk Oblast",
            "period_start": "2024-08-06",
            "period_start_precision": "day",
            "period_end": "2025-01-01",
            "period_end_precision": "day",
            "stated_on": "2025-01-01",
            "stated_on_precision": "day",
            "event": None,
            "note": '"Lost ... troops" = personnel losses. "Since the beginning of Ukraine\'s '
            'incursion" = 2024-08-06 (the article gives Aug. 6).',
            "citations": [
                {
                    "source_id": "syrskyi-russia-lost-over-38000-troops-2025-01-01",
                    "source_title": "Russia has lost over 38,000 troops in Kursk Oblast, "
                    "Syrskyi says",
                    "quote": "The Russian army has lost over 38,000 troops",
                    "char_start": 494,
                    "char_end": 538,
                },
                {
                    "source_id": "syrskyi-russia-lost-over-38000-troops-2025-01-01",
                    "source_title": "Russia has lost over 38,000 troops in Kursk Oblast, "
                    "Syrskyi says",
                    "quote": "Russia has lost over 38,000 troops in Kursk Oblast, Syrskyi says",
                    "char_start": 146,
                    "char_end": 210,
                },
            ],
        }
    ],
    "next_cursor": "WyJzdGF0ZWRfb24iLCIyMDI1LTAxLTAxIiwic3lyc2t5aS1ydXNzaWFuLWNhc3VhbHRpZXMt"
    "MjAyNS0wMS0wMSJd",
    "total": None,
}


class ClaimPage(Page[ClaimPublic]):
    """A page of claims; follow `next_cursor` until it is null."""

    model_config = ConfigDict(json_schema_extra={"examples": [CLAIM_PAGE_EXAMPLE]})
