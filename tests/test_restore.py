"""Accent restoration's model (restore.Vocabulary) on counts given by hand: no index needed."""

from indexer.restore import CANDIDATES, Vocabulary

# exact body terms and the documents holding each
TERMS = {"bán": 40, "bạn": 10, "bàn": 5, "cá": 30, "tôi": 20, "công": 50, "cộng": 8, "thương": 25,
         "thường": 12, "công_thương": 20}
PAIRS = {("ban", "toi"): {"bạn tôi": 9, "bán tôi": 1}, ("ban", "ca"): {"bán cá": 12},
         ("cong", "thuong"): {"công thương": 20, "cộng thương": 1}}


def restore(syllables: list[str], terms=TERMS, pairs=PAIRS) -> list[str]:
    vocabulary = Vocabulary(terms)
    return vocabulary.restore(syllables, lambda field, term: terms.get(term, 0),
                              lambda left, right: pairs.get((left, right), {}), documents=100)


def test_one_syllable_takes_its_most_frequent_spelling():
    assert restore(["ban"]) == ["bán"]


def test_neighbours_decide_over_frequency_alone():
    assert restore(["ban", "toi"]) == ["bạn", "tôi"]  # "bán" is more frequent, "bạn tôi" the pair
    assert restore(["ban", "ca"]) == ["bán", "cá"]
    assert restore(["cong", "thuong"]) == ["công", "thương"]


def test_unknown_syllables_stay_as_typed():
    assert restore(["xyz", "toi"]) == ["xyz", "tôi"]
    assert restore([]) == []


def test_pyvi_words_are_not_candidates_and_candidates_are_bounded():
    vocabulary = Vocabulary(TERMS)
    assert "công_thương" not in [form for form, _ in vocabulary.candidates("cong thuong", lambda f, t: 0)]
    many = {f"b{vowel}n": 100 - n for n, vowel in enumerate("aáàảãạăắằẳẵặâấầẩẫậ")}
    forms = Vocabulary(many).candidates("ban", lambda f, t: 0)
    assert len(forms) == CANDIDATES and forms[0] == ("ban", 100)


def test_counts_that_include_deleted_documents_are_asked_again():
    """After an update the stored counts include deleted documents: the live counts decide."""
    live = {"bán": 1, "bạn": 30}
    vocabulary = Vocabulary(TERMS, counts_deleted=True)
    assert vocabulary.candidates("ban", lambda field, term: live.get(term, 0)) == [("bạn", 30), ("bán", 1)]
