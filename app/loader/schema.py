"""The seed file formats, as pydantic models: what a curator may write, and nothing else."""

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from app.dates import PartialDate, parse_partial_date
from app.models.base import SLUG_MAX, SLUG_PATTERN
from app.models.entity import EntityKind, Side
from app.models.metric import MetricKind
from app.qualifiers import Qualifier


def _to_partial_date(value: Any) -> Any:
    """YAML turns 2025-01-06 into a date and 2024 into an int; accept both as written."""
    if value is None or isinstance(value, PartialDate):
        return value
    if isinstance(value, date):
        value = value.isoformat()
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str):
        return parse_partial_date(value)
    raise ValueError("expected a date: YYYY-MM-DD, YYYY-MM or YYYY")


def _not_a_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is a boolean, not a number")
    return value


DateField = Annotated[PartialDate | None, BeforeValidator(_to_partial_date)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=SLUG_MAX)]
Text = Annotated[str, Field(min_length=1)]
# A figure: finite (no .nan, .inf, 1e400) and a YAML number, not a boolean or quoted text.
# Whether it must be whole or within bounds depends on its unit (app/loader/units.py).
Number = Annotated[float, BeforeValidator(_not_a_boolean), Field(strict=True, allow_inf_nan=False)]
# Fields a human must still check, as a draft lists them; the loader refuses any item that
# still carries the key (app/loader/build.py), so no unreviewed draft is loaded.
Review = Annotated[
    list[Text] | None,
    Field(description="Fields still to check; delete the key once they are checked."),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class EntitySpec(Strict):
    id: Slug
    name: Text
    kind: EntityKind
    role: str | None = None
    side: Side
    description: str | None = None
    aliases: list[Text] = []
    review: Review = None


class EntitiesFile(Strict):
    entities: list[EntitySpec]


class MetricSpec(Strict):
    id: Slug
    name: Text
    unit: Text
    kind: MetricKind
    broader: Slug | None = None
    description: Text
    keywords: list[Text] = Field(
        default=[], description="Words that name the metric in articles; the draft tool reads them."
    )


class MetricsFile(Strict):
    metrics: list[MetricSpec]


class CitationSpec(Strict):
    source: Slug | None = Field(default=None, description="Defaults to this file's source.")
    quote: Text


class PeriodSpec(Strict):
    start: DateField = None
    end: DateField = None


class ClaimSpec(Strict):
    id: Slug
    metric: Slug
    subject: Slug
    speaker: Slug
    value: Number | None = None
    qualifier: Qualifier
    hedge: str | None = Field(default=None, description="The hedge word as written: over, some.")
    value_low: Number | None = Field(default=None, description="Only for qualifier: range.")
    value_high: Number | None = Field(default=None, description="Only for qualifier: range.")
    unit: Text
    place: str | None = None
    period: PeriodSpec = PeriodSpec()
    stated_on: DateField = None
    event: Slug | None = None
    note: str | None = None
    citations: list[CitationSpec] = Field(min_length=1)
    review: Review = None

    @model_validator(mode="after")
    def _value_matches_qualifier(self) -> "ClaimSpec":
        if self.qualifier == Qualifier.range:
            if self.value_low is None or self.value_high is None:
                raise ValueError("a range needs value_low and value_high")
        elif self.value is None:
            raise ValueError(f"qualifier {self.qualifier.value} needs a value")
        elif self.value_low is not None or self.value_high is not None:
            raise ValueError("value_low/value_high are derived; write them only for a range")
        if self.qualifier != Qualifier.exact and not self.hedge:
            raise ValueError(f"qualifier {self.qualifier.value} needs the hedge word as written")
        return self

    @field_validator("hedge")
    @classmethod
    def _one_spaced(cls, hedge: str | None) -> str | None:
        """`'nearly '` is "nearly": white space around or inside a hedge means nothing (and
        would miss the band rule for "nearly")."""
        if hedge is None:
            return None
        if not hedge.split():
            raise ValueError("hedge is empty; leave it out for an exact figure")
        return " ".join(hedge.split())


class EventEntitySpec(Strict):
    id: Slug
    role: str | None = None


class EventSpec(Strict):
    id: Slug
    title: Text
    type: Slug
    description: str | None = None
    start: DateField = None
    end: DateField = None
    place: str | None = None
    entities: list[EventEntitySpec] = []
    note: str | None = None
    citations: list[CitationSpec] = Field(min_length=1)
    review: Review = None


class NotAClaimSpec(Strict):
    quote: Text = Field(description="Verbatim text around the numeral(s) that are not claims.")
    reason: Text


class SourceSpec(Strict):
    id: Slug
    title: Text
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    published_on: DateField = None
    published_on_basis: str | None = None
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")]
    note: str | None = None
    review: Review = None

    @model_validator(mode="after")
    def _date_has_basis(self) -> "SourceSpec":
        if self.published_on is not None and not self.published_on_basis:
            raise ValueError("published_on needs published_on_basis: how the date is known")
        return self


class SourceFile(Strict):
    source: SourceSpec
    entities: list[EntitySpec] = Field(
        default=[],
        description="Entities this article introduces, merged into the vocabulary's.",
    )
    claims: list[ClaimSpec] = []
    events: list[EventSpec] = []
    not_claims: list[NotAClaimSpec] = []
