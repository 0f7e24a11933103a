"""Events: dated happenings, with the entities involved and the claims about them."""

from pydantic import ConfigDict, Field
from pydantic.json_schema import JsonDict

from app.dates import Precision
from app.schemas.common import Citation, DateText, Page, PublicModel


class EventEntity(PublicModel):
    """An entity involved in an event, and how."""

    id: str = Field(description="Stable entity id.", examples=["dprk-forces"])
    name: str = Field(description="Display name.", examples=["North Korean forces"])
    role: str | None = Field(description="The entity's part in the event.", examples=["deployed"])


EVENT_EXAMPLE: JsonDict = {
    "id": "dprk-troops-arrive-in-kursk",
    "title": "First North Korean soldiers arrive in Kursk",
    "type": "deployment",
    "description": None,
    "start_on": "2024-10",
    "start_on_precision": "month",
    "end_on": None,
    "end_on_precision": None,
    "place": "Kursk Oblast, Russia",
    "note": '"In October, it became known that the first soldiers from the DPRK had arrived": '
    "October 2024, month precision (the month it became known).",
    "entities": [{"id": "dprk-forces", "name": "North Korean forces", "role": "deployed"}],
    "citations": [
        {
            "source_id": "general-staff-kursk-operation-summary-2025-02-06",
            "source_title": "The Kursk Offensive Operation: the General Staff's summary of enemy "
            "losses as of February 5, 2025",
            "quote": "In October, it became known that the first soldiers from the DPRK had "
            "arrived in Kursk.",
            "char_start": 2442,
            "char_end": 2529,
        }
    ],
    "claim_ids": [
        "outlet-003-dprk-generals-2024-10",
        "outlet-003-dprk-officers-2024-10",
        "outlet-003-dprk-troops-arrived-2024-10",
        "reports-dprk-troops-sent-fall-2024",
    ],
}


class EventPublic(PublicModel):
    """A dated happening (dates with precision), the entities involved and its citations."""

    model_config = ConfigDict(json_schema_extra={"examples": [EVENT_EXAMPLE]})

    id: str = Field(description="Stable event id (slug).", examples=["dprk-troops-arrive-in-kursk"])
    title: str = Field(description="Short title.")
    type: str = Field(
        description="Kind of event: offensive, assault, statement, deployment, ...",
        examples=["deployment"],
    )
    description: str | None = Field(description="What happened, in a sentence or two.")
    start_on: DateText | None = Field(
        description="When it started, at its precision; null when not stated."
    )
    start_on_precision: Precision | None = Field(description="Precision of `start_on`.")
    end_on: DateText | None = Field(
        description="When it ended, at its precision; null when not stated."
    )
    end_on_precision: Precision | None = Field(description="Precision of `end_on`.")
    place: str | None = Field(description="Where it happened.")
    note: str | None = Field(description="Curator's note: how the dates were read.")
    entities: list[EventEntity] = Field(description="Entities involved, by id.")
    citations: list[Citation] = Field(description="Verbatim quotes about the event.")
    claim_ids: list[str] = Field(description="Claims that refer to this event.")


class EventPage(Page[EventPublic]):
    """A page of events, by id; follow `next_cursor` until it is null."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [EVENT_EXAMPLE],
                    "next_cursor": "WyJpZCIsbnVsbCwiZHByay10cm9vcHMtYXJyaXZlLWluLWt1cnNrIl0",
                    "total": None,
                }
            ]
        }
    )
