"""The typo model on folded syllables: what is near what, and at which cost."""

import itertools

from indexer.typos import (CONFUSION, EDIT, NEAR_KEY, Neighbours, damerau, is_syllable, keyboard_neighbours,
                          looks_vietnamese, one_edit, replaced_far, split)


def test_keyboard_neighbours_are_the_keys_around():
    assert set(keyboard_neighbours("g")) == set("tyfhvb")
    assert set(keyboard_neighbours("a")) == set("qwsz")
    assert set(keyboard_neighbours("p")) == set("ol")
    assert set(keyboard_neighbours("m")) == set("njk")


def test_slips_people_make_cost_less_than_other_edits():
    near = Neighbours({"doan": 9, "doat": 9, "thuong": 9, "nghiep": 9, "seen": 1}).near("doar")
    assert near == {"doat": NEAR_KEY, "doan": EDIT}  # r and t touch; "seen" is in one document only
    assert Neighbours({"nghiep": 5}).near("nghep") == {"nghiep": CONFUSION}  # a letter left out of "ie"
    assert Neighbours({"thuong": 5}).near("thuogn") == {"thuong": EDIT}  # two letters swapped
    assert Neighbours({"trung": 5}).near("chung") == {"trung": CONFUSION}  # ch for tr


def test_a_letter_replaced_far_from_its_key_is_told_from_slips():
    assert replaced_far("seaman", "selman") and replaced_far("bronco", "branco")
    assert not replaced_far("harbard", "harvard")  # b and v touch
    assert not replaced_far("tesa", "tesla") and not replaced_far("jacskonville", "jacksonville")
    assert not replaced_far("sinh", "xinh") and not replaced_far("ly", "li")  # Vietnamese confusions


def test_words_longer_than_a_syllable_are_found_one_edit_away():
    words = {"jacksonville": 4, "jackson": 9, "california": 6, "harvard": 5, "huguenot": 3, "tanaghrisson": 2,
             "jacksonvilles": 1}
    neighbours = Neighbours(words)
    assert neighbours.near("jacskonville") == {"jacksonville": EDIT}  # two letters swapped in the first half
    assert neighbours.near("cailfornia") == {"california": EDIT}
    assert neighbours.near("uguenot") == {"huguenot": EDIT}  # the first letter dropped
    assert neighbours.near("atnaghrisson") == {"tanaghrisson": EDIT}
    assert neighbours.near("californiq") == {"california": NEAR_KEY}  # q is beside a
    assert neighbours.near("hardvard") == {"harvard": EDIT}  # one letter too many, to a 7-letter word
    assert neighbours.near("jacksonvilless") == {"jacksonvilles": EDIT}  # a long word: one document is enough
    assert neighbours.near("jaksonvilla") == {}  # two edits


def test_a_cut_is_into_syllables_not_letters():
    documents = {"tp": 50, "hcm": 50, "t": 40, "o": 30, "tat": 30, "ha": 90, "noi": 90}
    pairs = {("ha", "noi"): 80, ("tat", "o"): 20, ("t", "o"): 30}

    def known(piece):
        return documents.get(piece, 0)

    def together(left, right):
        return pairs.get((left, right), 0)

    assert split("hanoi", known, together) == ["ha", "noi"]
    assert split("to", known, together) is None  # "t" is a letter, not a syllable
    assert split("tato", known, together) == ["tat", "o"]


def test_what_looks_vietnamese():
    assert is_syllable("nghieng") and not is_syllable("hanoi")
    assert all(map(looks_vietnamese, ["thuogn", "nghep", "thuongg"]))
    assert not any(map(looks_vietnamese, ["online", "video", "free"]))


def test_one_edit_agrees_with_the_edit_distance():
    # every pair of words of up to four letters over a small alphabet: swaps, drops, additions
    words = ["".join(letters) for size in range(5) for letters in itertools.product("abn", repeat=size)]
    disagreeing = [(a, b) for a in words for b in words if one_edit(a, b) != (damerau(a, b) == 1)]
    assert not disagreeing
    assert one_edit("thuogn", "thuong") and one_edit("nghep", "nghiep") and not one_edit("thuong", "thuong")
