"""Metrics, entities and speakers: the vocabulary claims are written in."""

from pydantic import ConfigDict, Field
from pydantic.json_schema import JsonDict

from app.models.entity import EntityKind, Side
from app.models.metric import MetricKind
from app.schemas.common import Page, PublicModel

METRIC_EXAMPLE: JsonDict = {
    "id": "uav-losses",
    "name": "UAV losses",
    "unit": "units",
    "kind": "flow",
    "description": "Unmanned aerial vehicles lost (the General Staff counts operational-tactical "
    "level UAVs).",
    "broader_id": "equipment-losses",
    "narrower_ids": [],
    "claim_count": 1,
    "claim_count_with_narrower": 1,
}


class MetricPublic(PublicModel):
    """A metric of the vocabulary, its place in the hierarchy and its claim counts."""

    model_config = ConfigDict(json_schema_extra={"examples": [METRIC_EXAMPLE]})

    id: str = Field(description="Stable metric id.", examples=["uav-losses"])
    name: str = Field(description="Display name.", examples=["UAV losses"])
    unit: str = Field(description="Unit of every claim on this metric.", examples=["units"])
    kind: MetricKind = Field(description="`flow` (counted over a period) or `stock` (a level).")
    description: str = Field(description="What exactly is counted.")
    broader_id: str | None = Field(description="The broader metric this one is part of.")
    narrower_ids: list[str] = Field(description="Metrics that are part of this one.")
    claim_count: int = Field(description="Claims on exactly this metric.")
    claim_count_with_narrower: int = Field(
        description="Claims on this metric and every metric under it."
    )


class MetricPage(Page[MetricPublic]):
    """The whole metric vocabulary, by id, on one page: `next_cursor` is always null and
    `total` always set. (The example shows two of the items.)"""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "id": "equipment-losses",
                            "name": "Equipment losses",
                            "unit": "units",
                            "kind": "flow",
                            "description": "Pieces of military equipment of the subject force "
                            "destroyed or captured, all kinds together.",
                            "broader_id": None,
                            "narrower_ids": [
                                "air-defence-losses",
                                "aircraft-losses",
                                "armoured-combat-vehicle-losses",
                                "artillery-losses",
                                "helicopter-losses",
                                "mlrs-losses",
                                "special-equipment-losses",
                                "tank-losses",
                                "uav-losses",
                                "vehicle-losses",
                            ],
                            "claim_count": 1,
                            "claim_count_with_narrower": 10,
                        },
                        METRIC_EXAMPLE,
                    ],
                    "next_cursor": None,
                    "total": 29,
                }
            ]
        }
    )


ENTITY_EXAMPLE: JsonDict = {
    "id": "oleksandr-syrskyi",
    "name": "Oleksandr Syrskyi",
    "kind": "person",
    "role": "Commander-in-Chief of the Armed Forces of Ukraine",
    "side": "ukraine",
    "description": None,
    "aliases": [
        "Aleksandr Syrsky",
        "Alexander Syrsky",
        "General Syrsky",
        "Oleksandr Syrsky",
        "Syrskiy",
        "Syrsky",
        "Syrskyi",
        "Syrskyy",
        "Александр Сырский",
        "Олександр Сирський",
        "Сирський",
        "Сырский",
    ],
    "claims_as_speaker": 4,
    "claims_as_subject": 0,
}


class EntityPublic(PublicModel):
    """A person, organisation, outlet or force that speaks or that figures are about."""

    model_config = ConfigDict(json_schema_extra={"examples": [ENTITY_EXAMPLE]})

    id: str = Field(description="Stable entity id.", examples=["oleksandr-syrskyi"])
    name: str = Field(description="Display name.", examples=["Oleksandr Syrskyi"])
    kind: EntityKind = Field(description="What sort of entity it is.")
    role: str | None = Field(description="Position or function, as of the sources.")
    side: Side = Field(description="Which party to the war it belongs to.")
    description: str | None = Field(description="More about the entity.")
    aliases: list[str] = Field(description="Other names the API accepts for this entity.")
    claims_as_speaker: int = Field(description="Claims this entity made.")
    claims_as_subject: int = Field(description="Claims about this entity.")


class EntityPage(Page[EntityPublic]):
    """A page of entities, by id; follow `next_cursor` until it is null."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [ENTITY_EXAMPLE],
                    "next_cursor": "WyJpZCIsbnVsbCwib2xla3NhbmRyLXN5cnNreWkiXQ",
                    "total": None,
                }
            ]
        }
    )
