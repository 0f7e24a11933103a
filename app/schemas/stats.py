"""Service health and dataset statistics."""

from pydantic import ConfigDict, Field

from app.schemas.common import PublicModel


class Health(PublicModel):
    """The service is up."""

    status: str = Field(description="Always `ok` when the service answers.", examples=["ok"])


class Stats(PublicModel):
    """How much the loaded dataset holds, and its version."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "dataset_version": "5d1c8bfc831df232",
                    "sources": 5,
                    "claims": 45,
                    "citations": 57,
                    "events": 23,
                    "entities": 30,
                    "speakers": 14,
                    "metrics": 29,
                }
            ]
        }
    )

    dataset_version: str = Field(
        description="Content hash of the loaded seed files; part of every ETag.",
        examples=["7b7734d10a7d71ee"],
    )
    sources: int = Field(description="Stored sources.")
    claims: int = Field(description="Claims.")
    citations: int = Field(description="Citations of claims (a claim may have several).")
    events: int = Field(description="Events.")
    entities: int = Field(description="Entities (speakers and subjects).")
    speakers: int = Field(description="Entities that made at least one claim.")
    metrics: int = Field(description="Metrics in the vocabulary.")
