"""Entities: who speaks and whom figures are about, with their spelling variants."""

from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.models.base import SLUG_MAX, binary_text


def alias_key(name: str) -> str:
    """How names are matched: case-insensitive, apostrophes and white space normalised."""
    return " ".join(name.replace("’", "'").casefold().split())


class EntityKind(StrEnum):
    """What sort of speaker or subject an entity is."""

    person = "person"
    organization = "organization"
    military_force = "military_force"
    outlet = "outlet"
    group = "group"


class Side(StrEnum):
    """Which party to the war an entity belongs to, if any."""

    ukraine = "ukraine"
    russia = "russia"
    dprk = "dprk"
    russia_dprk = "russia_dprk"
    south_korea = "south_korea"
    united_states = "united_states"
    western = "western"
    independent = "independent"
    unknown = "unknown"


class Entity(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX))
    name: str
    kind: str = Field(max_length=32, index=True)
    role: str | None = None
    side: str = Field(max_length=32)
    description: str | None = None


class EntityAlias(SQLModel, table=True):
    """Every name an entity is looked up by (its id and display name included), lower-cased."""

    __tablename__ = "entity_alias"

    alias_key: str = Field(primary_key=True, sa_type=binary_text())
    alias: str = Field(sa_type=binary_text())
    entity_id: str = Field(
        foreign_key="entity.id", index=True, max_length=SLUG_MAX, sa_type=binary_text(SLUG_MAX)
    )
