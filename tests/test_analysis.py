import os
import subprocess
import sys

from indexer.analysis import MODEL_TOKEN, SYLLABLE, index_terms, model_features, segment, syllable_term
from indexer.corpus import read_corpus
from tests.conftest import ROOT, SEED_CORPUS


def seed_documents():
    problems = []
    documents = [document for _, document in read_corpus(SEED_CORPUS, problems.append)]
    assert not problems and len(documents) == 5
    return documents


def test_every_word_of_the_seed_corpus_maps_back_to_its_text():
    checked = 0
    for document in seed_documents():
        for text in (document.title, document.body):
            previous_end = 0
            for word in segment(text):
                surface = text[word.start:word.end]
                assert [syllable_term(m.group()) for m in SYLLABLE.finditer(surface)] == list(word.syllables), \
                    (surface, word)
                assert word.start >= previous_end
                previous_end = word.end
                checked += 1
    assert checked > 1000


def test_pyvi_groups_compound_words():
    words = {w.term for w in segment("Sở Công Thương tỉnh Bắc Giang phát triển công nghiệp")}
    assert {"công_thương", "bắc_giang", "phát_triển", "công_nghiệp"} <= words


def test_offsets_survive_old_tone_marks_and_multiple_spaces():
    text = "Người dân  mong hoà   bình"
    words = segment(text)
    assert [text[w.start:w.end] for w in words][-1] == "hoà   bình"
    assert words[-1].term == "hòa_bình"


def test_numbers_stay_whole_and_dates_split():
    terms = [t for t, _ in index_terms("Doanh thu 1.384,3 tỷ đồng ngày 07/5").exact]
    assert "1.384,3" in terms
    assert "07" in terms and "5" in terms


def test_index_terms_hold_syllables_words_and_folded_forms_at_shared_positions():
    terms = index_terms("Sở Công Thương")
    assert terms.exact == (("sở", 0), ("công_thương", 1), ("công", 1), ("thương", 2))
    assert terms.folded == (("so", 0), ("cong", 1), ("thuong", 2))
    assert terms.pairs == (("so cong", 0), ("cong thuong", 1))


def test_segmenting_leaves_no_temporary_files(tmp_path):
    """pyvi's model is unpickled through a temporary file; none may stay behind per process."""
    subprocess.run([sys.executable, "-c", "from indexer.analysis import segment; segment('Sở Công thương')"],
                   env={**os.environ, "TMPDIR": str(tmp_path)}, check=True, cwd=ROOT)
    assert list(tmp_path.iterdir()) == []


def test_model_features_are_pyvis_true_ones_and_give_pyvis_labels():
    """pyvi's CRF model was trained on its own features: ours must be the same, token for token,
    leaving out only those that are false (they weigh nothing in the model's sum)."""
    from pyvi.ViTokenizer import ViTokenizer

    sentences = [[m.group() for m in MODEL_TOKEN.finditer(line)]
                 for document in seed_documents() for line in (document.title + "\n" + document.body).split("\n")]
    sentences += [["ΑΣ", "Σ", "İstanbul", "ǅa", "ß", "123", "１２", "Hà", "Nội", ",", "TP.HCM"], ["một"], []]
    ours = [model_features(sentence, ViTokenizer.bi_grams, ViTokenizer.tri_grams) for sentence in sentences]
    pyvis = [ViTokenizer.sent2features(sentence, False) for sentence in sentences]
    for mine, theirs in zip(ours, pyvis):
        assert mine == [{name: value for name, value in token.items() if value is not False} for token in theirs]
    labelled = [(mine, theirs) for mine, theirs in zip(ours, pyvis) if theirs]
    assert [list(labels) for labels in ViTokenizer.model.predict([mine for mine, _ in labelled])] == \
        [list(labels) for labels in ViTokenizer.model.predict([theirs for _, theirs in labelled])]
