"""Datelines and bylines give the publication date; stated dates resolve against it at
its precision and never finer."""

import pytest

from app.dates import parse_partial_date
from app.drafting.dates import find_dateline, find_dates, resolve
from tests.drafting.conftest import claim_for, draft_text


@pytest.mark.parametrize(
    ("text", "published"),
    [
        (" date 2025-01-01 Skip to content\nTitle here\n", "2025-01-01"),
        ("Headline\n\nby Kateryna Hodunova January 1, 2025 6:03 PM 2 min read\n", "2025-01-01"),
        ("Headline\n\n26 April 2025\n\nBody text.", "2025-04-26"),
        ("Headline\n\nOctober 25, 2024\n\nBody text.", "2024-10-25"),
        ("Headline\n\n27.03.2025\n\nBody.", "2025-03-27"),
        ("Headline\n\nBerlin, 27.03.2025\n\nBody.", "2025-03-27"),
        ("KYIV, Oct 25, 2024 (Reuters) - Russian forces lost", "2024-10-25"),
    ],
)
def test_datelines(text: str, published: str) -> None:
    dateline = find_dateline(text)
    assert dateline is not None
    assert str(dateline.published) == published
    assert dateline.basis


def test_a_wire_dateline_without_a_year_needs_the_year_given() -> None:
    text = "KYIV, Oct 25 (Reuters) - Russian forces lost"
    assert find_dateline(text) is None
    dateline = find_dateline(text, year_hint=2024)
    assert dateline is not None and str(dateline.published) == "2024-10-25"
    assert dateline.agency == "Reuters"


@pytest.mark.parametrize(
    ("phrase", "published", "stated"),
    [
        ("on Saturday", "2025-01-06", "2025-01-04"),  # 2025-01-06 is a Monday
        ("on Monday", "2025-01-06", "2025-01-06"),
        ("on Jan. 1", "2025-01-06", "2025-01-01"),
        ("on Dec. 23", "2025-01-06", "2024-12-23"),
        ("on 6 February", "2025-02-06", "2025-02-06"),
        ("a day earlier", "2025-02-06", "2025-02-05"),
        ("the day before", "2025-02-06", "2025-02-05"),
        ("in January", "2025-01-20", "2025-01"),
        ("on 26.03.2025", "2025-03-27", "2025-03-26"),
        # Never finer than the publication date: a weekday in a month-dated article.
        ("on Sunday", "2025-01", "2025-01"),
        ("on Sunday", "2025", "2025"),
    ],
)
def test_relative_dates_resolve_at_the_published_precision(
    phrase: str, published: str, stated: str
) -> None:
    [mention] = [m for m in find_dates(phrase) if m.text.lower() not in ("in", "on")]
    assert str(resolve(mention, parse_partial_date(published)).value) == stated


def test_without_a_publication_date_a_weekday_stays_unresolved() -> None:
    [mention] = find_dates("on Saturday")
    assert resolve(mention, None).value is None


@pytest.mark.parametrize(
    ("sentence", "stated"),
    [
        (
            "Ukraine's General Staff said on Saturday that 1,200 Russian troops were killed.",
            "2025-01-04",
        ),
        (
            "On 6 January, Ukraine's General Staff reported that 1,200 Russian troops were killed.",
            "2025-01-06",
        ),
        ("Syrskyi said a day earlier that 1,200 Russian troops were killed.", "2025-01-05"),
        (
            "Russia's Defense Ministry said in a Monday statement that 12 assaults were repelled.",
            "2025-01-06",
        ),
    ],
)
def test_stated_date_next_to_the_attribution(drafter, sentence: str, stated: str) -> None:
    draft = draft_text(drafter, sentence)
    assert str(draft.claims[0].stated_on) == stated


def test_a_period_date_is_not_a_stated_date(drafter) -> None:
    draft = draft_text(
        drafter, "Russia has lost 38,000 troops since August 2024, Syrskyi said.", "2025-01"
    )
    claim = claim_for(draft, 38000)
    assert str(claim.period_start) == "2024-08"
    assert claim.stated_on is None or str(claim.stated_on) == "2025-01"


def test_as_of_ends_the_period(drafter) -> None:
    text = "As of February 5, the General Staff says, the enemy lost 689 armored combat vehicles."
    claim = draft_text(drafter, text, "2025-02-06").claims[0]
    assert str(claim.period_end) == "2025-02-05"
