"""Sources: the stored documents quotes come from."""

from datetime import date

from pydantic import Field

from app.dates import Precision
from app.schemas.common import PublicModel


class SourcePublic(PublicModel):
    id: str = Field(examples=["general-staff-kursk-operation-summary-2025-02-06"])
    title: str
    publisher: str | None = Field(description="Null when the text does not name it.")
    author: str | None
    url: str | None
    published_on: date | None = Field(description="Publication date (first day).")
    published_on_precision: Precision | None
    published_on_basis: str | None = Field(description="How the publication date is known.")
    language: str = Field(examples=["en"])
    file_name: str = Field(description="The seed file the text came from.")
    sha256: str = Field(description="SHA-256 of the text file's bytes.")
    char_count: int = Field(description="Length of the text in Unicode code points.")
    note: str | None
    claim_count: int = Field(description="Claims with a citation in this source.")
    event_count: int = Field(description="Events with a citation in this source.")
