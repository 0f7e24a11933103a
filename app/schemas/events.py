"""Events: dated happenings, with the entities involved and the claims about them."""

from datetime import date

from pydantic import Field

from app.dates import Precision
from app.schemas.common import Citation, PublicModel


class EventEntity(PublicModel):
    id: str
    name: str
    role: str | None = Field(description="The entity's part in the event.")


class EventPublic(PublicModel):
    id: str = Field(examples=["dprk-troops-arrive-in-kursk"])
    title: str
    type: str = Field(examples=["deployment"])
    description: str | None
    start_on: date | None = Field(description="First day of the start; null when not stated.")
    start_on_precision: Precision | None
    end_on: date | None
    end_on_precision: Precision | None
    place: str | None
    note: str | None
    entities: list[EventEntity]
    citations: list[Citation]
    claim_ids: list[str] = Field(description="Claims that refer to this event.")
