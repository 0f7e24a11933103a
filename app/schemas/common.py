"""Response schemas shared by several resources: references, citations, pages, problems."""

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class PublicModel(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class EntityRef(PublicModel):
    id: str = Field(description="Stable entity id (slug).", examples=["oleksandr-syrskyi"])
    name: str = Field(description="Display name.", examples=["Oleksandr Syrskyi"])


class Citation(PublicModel):
    """Where a claim or event is quoted: the verbatim quote and its place in the source text."""

    source_id: str = Field(description="Id of the source the quote is from.")
    source_title: str = Field(description="Title of that source.")
    quote: str = Field(description="Verbatim substring of the source text.")
    char_start: int = Field(
        description="Offset of the quote's first character (Unicode code points)."
    )
    char_end: int = Field(description="Offset just past the quote's last character.")


class Page(PublicModel, Generic[T]):
    """A page of a list: follow `next_cursor` until it is null."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
    total: int | None = Field(
        default=None, description="Exact number of matching items; only with `count=true`."
    )


class Problem(PublicModel):
    """An error, as RFC 9457 `application/problem+json`."""

    type: str = Field(default="about:blank", description="A URI reference naming the problem type.")
    title: str = Field(description="Short summary of the problem type.", examples=["Not Found"])
    status: int = Field(description="HTTP status code.", examples=[404])
    detail: str = Field(
        description="What went wrong with this request.", examples=["no claim with id 'x'"]
    )
    instance: str | None = Field(default=None, description="The request path.")
