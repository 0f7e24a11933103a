"""Sources: the stored documents quotes come from."""

from pydantic import ConfigDict, Field
from pydantic.json_schema import JsonDict

from app.dates import Precision
from app.schemas.common import DateText, Page, PublicModel

SOURCE_EXAMPLE: JsonDict = {
    "id": "general-staff-kursk-operation-summary-2025-02-06",
    "title": "The Kursk Offensive Operation: the General Staff's summary of enemy losses as of "
    "February 5, 2025",
    "publisher": "Babel",
    "author": None,
    "url": "https://babel.ua/en/news/115153-losses-of-north-korean-troops-and-hundreds-of-"
    "russian-prisoners-the-general-staff-of-ukraine-revealed-the-details-of-the-kursk-operation",
    "published_on": "2025-02-06",
    "published_on_precision": "day",
    "published_on_basis": 'The page header "date 2025-02-06".',
    "language": "en",
    "file_name": "003_03e9864f50847074.txt",
    "sha256": "912861f458b95dce9ac47186227df4578a67fd311e61b4f44dc5e1d10673f8a2",
    "char_count": 2679,
    "note": "The text has no headline; the title is descriptive (the URL's slug suggests the "
    "outlet's headline, which is not in the text, so it is not used). The text does not name "
    "its publisher; publisher and URL are from the public record: a search of stored public "
    "pages for the text's opening sentences found it verbatim (from the page header \"date "
    "2025-02-06\" on) at the babel.ua URL above, Babel's English edition. Outlet-voice figures "
    "are therefore attributed to Babel and carry the publication date, 2025-02-06 (outlet-voice "
    "rule). The General Staff's figures are dated 2025-02-06 (reported in the article of that "
    'day, with Budanov\'s remark of "the day before") and cover the operation from 2024-08-06 to '
    "the list's as-of date, February 5 (2025).",
    "claim_count": 22,
    "event_count": 7,
}


class SourcePublic(PublicModel):
    """A stored document: its metadata, how its date is known, and what cites it."""

    model_config = ConfigDict(json_schema_extra={"examples": [SOURCE_EXAMPLE]})

    id: str = Field(
        description="Stable source id (slug).",
        examples=["general-staff-kursk-operation-summary-2025-02-06"],
    )
    title: str = Field(description="Headline, or a descriptive title when the text has none.")
    publisher: str | None = Field(
        description="From the text, or the public record where a stored page carries the text "
        "verbatim (`note` says which); null when neither establishes it."
    )
    author: str | None = Field(description="Null when the text does not name one.")
    url: str | None = Field(
        description="Where the text was published, when a stored public page carries it "
        "verbatim; null otherwise."
    )
    published_on: DateText | None = Field(description="Publication date, at its precision.")
    published_on_precision: Precision | None = Field(description="Precision of `published_on`.")
    published_on_basis: str | None = Field(description="How the publication date is known.")
    language: str = Field(description="Language of the text (ISO 639-1).", examples=["en"])
    file_name: str = Field(description="The seed file the text came from.")
    sha256: str = Field(description="SHA-256 of the text file's bytes.")
    char_count: int = Field(description="Length of the text in Unicode code points.")
    note: str | None = Field(description="Curator's note: attributions and dates.")
    claim_count: int = Field(description="Claims with a citation in this source.")
    event_count: int = Field(description="Events with a citation in this source.")


class SourcePage(Page[SourcePublic]):
    """A page of sources, by id; follow `next_cursor` until it is null."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [SOURCE_EXAMPLE],
                    "next_cursor": "WyJpZCIsbnVsbCwiZ2VuZXJhbC1zdGFmZi1rdXJzay1vcGVyYXRpb24tc3Vt"
                    "bWFyeS0yMDI1LTAyLTA2Il0",
                    "total": None,
                }
            ]
        }
    )
