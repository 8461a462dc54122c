"""The mistakes bench/robustness.py types into questions: each kind makes exactly the mistake it
names, and the same seed makes the same mistakes."""

import random
import re

import pytest

from bench.noise import KINDS, abbreviated, joined, keyboard_neighbours, noisy_questions, typo

QUESTIONS = [
    "Người dân Thành phố Hồ Chí Minh đã bầu Hội đồng nhân dân khi nào?",
    "Nguoi dan thanh pho Ho Chi Minh da bau Hoi dong nhan dan khi nao?",
    "Đội thủ Panthers đã thua bao nhiêu điểm?",
    "Nhiệt độ đầu vào tua-bin của tua-bin hơi nước tính bằng độ C là bao nhiêu?",
    "Liên minh châu Âu được thành lập năm 1993 theo hiệp ước nào?",
]
SEEDS = range(40)
LETTER_RUNS = re.compile(r"([^\W\d_]+)")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions counted as one edit."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_typo_is_one_edit_in_one_syllable_of_four_letters_or_more(question):
    for seed in SEEDS:
        noisy = typo(question, random.Random(seed))
        before, after = LETTER_RUNS.split(question), LETTER_RUNS.split(noisy)
        assert before[0::2] == after[0::2], noisy  # spaces, digits and punctuation untouched
        changed = [(old, new) for old, new in zip(before[1::2], after[1::2]) if old != new]
        assert len(changed) == 1, noisy
        old, new = changed[0]
        assert len(old) >= 4 and edit_distance(old, new) == 1, (old, new)


def test_typos_use_all_four_edits_and_neighbouring_keys():
    kinds = set()
    for seed in range(300):
        noisy = typo("Panthers", random.Random(seed))
        if len(noisy) < 8:
            kinds.add("drop")
        elif len(noisy) > 8:
            kinds.add("insert")
        elif sorted(noisy) == sorted("Panthers"):
            kinds.add("transpose")
        else:
            (old, new), = [(o, n) for o, n in zip("panthers", noisy.lower()) if o != n]
            assert new in keyboard_neighbours(old), noisy
            kinds.add("substitute")
    assert kinds == {"drop", "insert", "transpose", "substitute"}


def test_an_accented_letter_is_replaced_by_a_plain_neighbour_of_its_key():
    substituted = {typo("ệệệệ", random.Random(seed)) for seed in range(200)}
    singles = {word.replace("ệ", "") for word in substituted if len(word) == 4 and word != "ệệệệ"}
    assert singles and singles <= set(keyboard_neighbours("e"))


def test_no_typo_without_a_syllable_of_four_letters():
    assert typo("Ai là vua của xứ đó?", random.Random(1)) is None


@pytest.mark.parametrize("question", QUESTIONS)
def test_joined_removes_one_space_between_two_syllables(question):
    for seed in SEEDS:
        noisy = joined(question, random.Random(seed))
        at = next(i for i, (a, b) in enumerate(zip(question, noisy + "\0")) if a != b)
        assert question[at] == " " and question[:at] + question[at + 1:] == noisy
        assert question[at - 1].isalpha() and question[at + 1].isalpha()


def test_no_join_without_two_adjacent_syllables():
    assert joined("Panthers?", random.Random(1)) is None
    assert joined("1993 - 2000", random.Random(1)) is None


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_seed_makes_the_same_mistakes_and_another_seed_others(kind):
    questions = [(str(number), text) for number, text in enumerate(QUESTIONS)]
    assert noisy_questions(kind, questions, seed=7) == noisy_questions(kind, questions, seed=7)
    # A question's mistake does not depend on the questions around it.
    assert dict(noisy_questions(kind, questions[::-1], seed=7)) == dict(noisy_questions(kind, questions, seed=7))
    if kind != "abbreviation":  # most questions hold a single name: nothing to vary
        assert any(noisy_questions(kind, questions, seed) != noisy_questions(kind, questions, 7) for seed in SEEDS)


@pytest.mark.parametrize(("question", "expected"), [
    ("Ủy ban nhân dân tỉnh Nghệ An họp khi nào?", "UBND tỉnh Nghệ An họp khi nào?"),
    ("Uy ban nhan dan tinh Nghe An hop khi nao?", "UBND tinh Nghe An hop khi nao?"),
    ("uỷ ban nhân dân tỉnh họp khi nào?", "UBND tỉnh họp khi nào?"),  # old tone placement, lower case
    ("Ai bầu Hội đồng nhân dân?", "Ai bầu HĐND?"),
    ("Ai bau hoi dong nhan dan?", "Ai bau HDND?"),
    ("Dân số Thành phố Hồ Chí Minh là bao nhiêu?", "Dân số TP.HCM là bao nhiêu?"),
    ("Dan so thanh pho Ho Chi Minh la bao nhieu?", "Dan so TP.HCM la bao nhieu?"),
    ("Liên minh Châu Âu có bao nhiêu nước?", "EU có bao nhiêu nước?"),
    ("Lien minh Chau Au co bao nhieu nuoc?", "EU co bao nhieu nuoc?"),
])
def test_an_abbreviation_replaces_the_full_name(question, expected):
    assert abbreviated(question, random.Random(1)) == expected


def test_one_name_of_several_is_abbreviated():
    question = "Liên Hợp Quốc và Liên minh châu Âu họp ở đâu?"
    made = {abbreviated(question, random.Random(seed)) for seed in SEEDS}
    assert made == {"LHQ và Liên minh châu Âu họp ở đâu?", "Liên Hợp Quốc và EU họp ở đâu?"}


def test_an_unaccented_question_is_abbreviated_where_its_accented_twin_has_the_name():
    questions = [("1", "Bai viet nam 1999 noi gi?"), ("2", "Viet Nam o dau?")]
    twins = {"1": "Bài viết năm 1999 nói gì?", "2": "Việt Nam ở đâu?"}
    assert noisy_questions("abbreviation", questions, seed=1, accented=twins) == [("2", "VN o dau?")]


def test_no_abbreviation_without_a_name_or_inside_a_word():
    assert abbreviated("Đội thủ Panthers đã thua bao nhiêu điểm?", random.Random(1)) is None
    assert abbreviated("Hà Nộii ở đâu?", random.Random(1)) is None
