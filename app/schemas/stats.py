"""Service health and dataset statistics."""

from pydantic import Field

from app.schemas.common import PublicModel


class Health(PublicModel):
    status: str = Field(examples=["ok"])


class Stats(PublicModel):
    dataset_version: str = Field(description="Content hash of the loaded seed files.")
    sources: int
    claims: int
    citations: int
    events: int
    entities: int
    speakers: int
    metrics: int
