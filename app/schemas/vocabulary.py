"""Metrics, entities and speakers: the vocabulary claims are written in."""

from pydantic import Field

from app.models.entity import EntityKind, Side
from app.models.metric import MetricKind
from app.schemas.common import PublicModel


class MetricPublic(PublicModel):
    id: str = Field(description="Stable metric id.", examples=["uav-losses"])
    name: str = Field(examples=["UAV losses"])
    unit: str = Field(examples=["units"])
    kind: MetricKind
    description: str
    broader_id: str | None = Field(description="The broader metric this one is part of.")
    narrower_ids: list[str] = Field(description="Metrics that are part of this one.")
    claim_count: int = Field(description="Claims on exactly this metric.")
    claim_count_with_narrower: int = Field(
        description="Claims on this metric and every metric under it."
    )


class EntityPublic(PublicModel):
    id: str = Field(description="Stable entity id.", examples=["oleksandr-syrskyi"])
    name: str = Field(examples=["Oleksandr Syrskyi"])
    kind: EntityKind
    role: str | None
    side: Side
    description: str | None
    aliases: list[str] = Field(description="Other names the API accepts for this entity.")
    claims_as_speaker: int = Field(description="Claims this entity made.")
    claims_as_subject: int = Field(description="Claims about this entity.")
