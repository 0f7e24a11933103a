"""Response schemas shared by several resources: references, citations, pages, problems."""

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.dates import PARTIAL_DATE_PATTERN

T = TypeVar("T")


class PublicModel(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


# A date at its precision: "2025", "2025-01" or "2025-01-06" (ISO 8601 reduced precision,
# EDTF level 0). Never a first day standing for a month or a year (issue 10).
DateText = Annotated[
    str,
    Field(
        pattern=PARTIAL_DATE_PATTERN,
        json_schema_extra={"format": "edtf-level-0"},
        examples=["2025-01-06", "2025-01", "2025"],
    ),
]


class EntityRef(PublicModel):
    """A reference to an entity: its id and display name."""

    id: str = Field(description="Stable entity id (slug).", examples=["oleksandr-syrskyi"])
    name: str = Field(description="Display name.", examples=["Oleksandr Syrskyi"])


class Citation(PublicModel):
    """Where a claim or event is quoted: the verbatim quote and its place in the source text."""

    source_id: str = Field(
        description="Id of the source the quote is from.",
        examples=["general-staff-kursk-operation-summary-2025-02-06"],
    )
    source_title: str = Field(description="Title of that source.")
    quote: str = Field(
        description="Verbatim substring of the source text.",
        examples=["Ukrainian soldiers captured 909 occupiers"],
    )
    char_start: int = Field(
        description="Offset of the quote's first character (Unicode code points).",
        examples=[1565],
    )
    char_end: int = Field(
        description="Offset just past the quote's last character.", examples=[1606]
    )


class Page(PublicModel, Generic[T]):
    """A page of a list: follow `next_cursor` until it is null.

    Each list endpoint has its own named subclass (`ClaimPage`, `EventPage`, ...), so that
    generated clients get readable type names.
    """

    items: list[T] = Field(description="This page's items, in the list's order.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
    total: int | None = Field(
        description="Exact number of matching items with `count=true`, else null (the metric "
        "list always has it).",
    )


class ParameterError(PublicModel):
    """One malformed or unknown parameter."""

    parameter: str = Field(
        description="The query or path parameter at fault.", examples=["stated_from"]
    )
    message: str = Field(
        description="What is wrong with it.",
        examples=["'2025-13' is not a date: expected YYYY-MM-DD, YYYY-MM or YYYY"],
    )


class Problem(PublicModel):
    """An error, as RFC 9457 `application/problem+json`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "about:blank",
                    "title": "Not Found",
                    "status": 404,
                    "detail": "no claim with id 'no-such-claim'",
                    "instance": "/v1/claims/no-such-claim",
                },
                {
                    "type": "about:blank",
                    "title": "Unprocessable Entity",
                    "status": 422,
                    "detail": "stated_from: '2025-13' is not a date: expected YYYY-MM-DD, "
                    "YYYY-MM or YYYY",
                    "instance": "/v1/claims",
                    "errors": [
                        {
                            "parameter": "stated_from",
                            "message": "'2025-13' is not a date: expected YYYY-MM-DD, "
                            "YYYY-MM or YYYY",
                        }
                    ],
                },
            ]
        }
    )

    type: str = Field(
        description="A URI reference naming the problem type; `about:blank` = see `title`.",
        examples=["about:blank"],
    )
    title: str = Field(description="Short summary of the problem type.", examples=["Not Found"])
    status: int = Field(description="HTTP status code.", examples=[404])
    detail: str = Field(
        description="What went wrong with this request.",
        examples=["no claim with id 'no-such-claim'"],
    )
    instance: str = Field(description="The request path.", examples=["/v1/claims/no-such-claim"])
    errors: list[ParameterError] = Field(
        default_factory=list,
        description="With 422: each parameter at fault and why. Absent otherwise.",
    )
