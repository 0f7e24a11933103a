"""Each hedge word before a figure gives its qualifier and is stored as written."""

import pytest

from app.drafting.hedges import hedge_before
from app.qualifiers import Qualifier


@pytest.mark.parametrize(
    ("phrase", "word", "qualifier"),
    [
        ("over", "over", Qualifier.at_least),
        ("Over", "over", Qualifier.at_least),
        ("more than", "more than", Qualifier.at_least),
        ("at least", "at least", Qualifier.at_least),
        ("about", "about", Qualifier.approximate),
        ("around", "around", Qualifier.approximate),
        ("approximately", "approximately", Qualifier.approximate),
        ("roughly", "roughly", Qualifier.approximate),
        ("some", "some", Qualifier.approximate),
        ("an estimated", "estimated", Qualifier.approximate),
        ("nearly", "nearly", Qualifier.approximate),
        ("almost", "almost", Qualifier.approximate),
        ("approx.", "approx.", Qualifier.approximate),
        ("ca.", "ca.", Qualifier.approximate),
        ("up to", "up to", Qualifier.at_most),
        ("at most", "at most", Qualifier.at_most),
        ("fewer than", "fewer than", Qualifier.at_most),
    ],
)
def test_hedges(phrase: str, word: str, qualifier: Qualifier) -> None:
    text = f"Russia lost {phrase} 1,000 troops"
    hedge = hedge_before(text, text.index("1,000"))
    assert hedge is not None
    assert (hedge.word, hedge.qualifier) == (word, qualifier)
    assert text[hedge.start :].startswith(phrase)


def test_no_hedge_is_exact() -> None:
    text = "Ukrainian soldiers captured 909 occupiers"
    assert hedge_before(text, text.index("909")) is None


def test_a_word_ending_in_a_hedge_is_not_one() -> None:
    text = "the handover 12 tanks"  # "handover" ends in "over"
    assert hedge_before(text, text.index("12")) is None
