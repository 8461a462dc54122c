import pytest

from indexer.telex import convert


@pytest.mark.parametrize("typed, word", [
    ("coong", "công"), ("nghieepj", "nghiệp"), ("dduwowngf", "đường"), ("tieengs", "tiếng"), ("Vieetj", "Việt"),
    ("hoaf", "hòa"), ("thuyr", "thủy"), ("nuwowcs", "nước"), ("co6ng", "công"), ("nghie65p", "nghiệp"),
    ("d9u7o7ng2", "đường"),
])
def test_converts_what_it_spells(typed, word):
    assert convert(typed) == word


@pytest.mark.parametrize("typed", ["free", "saree", "cong", "2020", "công", "abc123", "xyz"])
def test_leaves_other_words(typed):
    assert convert(typed) is None
