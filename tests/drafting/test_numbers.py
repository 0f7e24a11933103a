"""Every way the issue lists of writing a number reads as the right value."""

import pytest

from app.drafting.numbers import find_figures, is_european


@pytest.mark.parametrize(
    ("text", "value", "percent"),
    [
        ("captured 1,164 units", 1164, False),
        ("held 1 000 km²", 1000, False),
        ("held 1\u00a0000 km²", 1000, False),
        ("losses of 62 400 men", 62400, False),
        ("22.2 thousand troops", 22200, False),
        ("about 40 thousand people", 40000, False),
        ("eighty thousand troops", 80000, False),
        ("three generals", 3, False),
        ("twenty-five soldiers", 25, False),
        ("one hundred and five tanks", 105, False),
        ("1.5 million shells", 1_500_000, False),
        ("about half of the territory", 50, True),
        ("a third of the contingent", 33.33, True),
        ("a quarter of the land", 25, True),
        ("around 25% of Ukraine", 25, True),
        ("12 percent of the force", 12, True),
        ("12 per cent of the force", 12, True),
    ],
)
def test_english_number_formats(text: str, value: float, percent: bool) -> None:
    [figure] = find_figures(text)
    assert figure.value == pytest.approx(value)
    assert figure.percent is percent


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Die Armee verlor 7.905 Soldaten", 7905),
        ("потери 22,2 тыс. человек", 22200),
        ("76,5 thousand servicemen, 1.350 km²", 76500),
        ("1.234.567 Granaten", 1234567),
    ],
)
def test_european_number_formats(text: str, value: float) -> None:
    assert is_european(text)
    assert find_figures(text)[0].value == pytest.approx(value)


def test_a_thousands_point_is_flagged_as_a_reading_to_check() -> None:
    [figure] = find_figures("verlor 7.905 Soldaten", european=True)
    assert figure.ambiguous and "thousands point" in figure.ambiguous


def test_english_text_keeps_decimal_points() -> None:
    assert not is_european("lost 38,000 troops and 1.5 million shells")
    assert find_figures("a 2.5 km front, 38,000 troops")[0].value == 2.5


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("between 3,000 and 4,000 troops", 3000, 4000),
        ("from 3,000 to 4,000 troops", 3000, 4000),
        ("3,000–4,000 troops", 3000, 4000),
        ("3-4 thousand troops", 3000, 4000),
    ],
)
def test_ranges_are_one_figure(text: str, low: float, high: float) -> None:
    [figure] = find_figures(text)
    assert (figure.low, figure.high) == (low, high)


def test_a_drafted_range_carries_its_words_as_the_hedge(drafter) -> None:
    from tests.drafting.conftest import draft_text

    claim = draft_text(
        drafter, "Syrskyi said between 3,000 and 4,000 Russian troops were captured."
    ).claims[0]
    assert (claim.qualifier.value, claim.hedge) == ("range", "between")
    assert (claim.figure.low, claim.figure.high) == (3000, 4000)
