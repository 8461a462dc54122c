import math

import numpy as np

from indexer.build import rebuild
from indexer.generations import LiveIndex
from indexer.scoring import B, K1, GenerationStats, read_postings


def whoosh_postings(searcher, field, term):
    expected = []
    if field in searcher.schema and searcher.reader().doc_frequency(field, term):
        matcher = searcher.reader().postings(field, term)
        while matcher.is_active():
            expected.append((matcher.id(), matcher.weight()))
            matcher.next()
    return expected


def test_bulk_postings_agree_with_whoosh_iteration(seed_index):
    searcher = LiveIndex(seed_index).snapshot().searcher
    for field, term in [("body", "công"), ("body", "công_thương"), ("body_f", "cong"), ("title", "giang"),
                        ("pairs_f", "cong thuong"), ("body", "không-có-từ-này"), ("nofield", "x")]:
        ids, frequencies = read_postings(searcher, field, term)
        assert list(zip(ids.tolist(), frequencies.tolist())) == whoosh_postings(searcher, field, term), (field, term)


def test_long_short_and_multi_segment_postings_read_alike(tmp_path):
    """Terms in 300 documents fill blocks, terms in a few are stored inline (codec.py), and two
    workers write two segments: bulk reading must agree with Whoosh's iteration in every case."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    for number in range(300):
        (corpus / f"{number:03}.txt").write_text(
            f"Tin {number}\nPhòng chung {'công nghiệp ' * (number % 4)}riêng{number} nhóm{number % 7}", encoding="utf-8")
    rebuild(corpus, tmp_path / "index", workers=2)
    searcher = LiveIndex(tmp_path / "index").snapshot().searcher
    assert len(searcher.reader().leaf_readers()) == 2
    for field, term in [("body", "chung"), ("body", "riêng7"), ("body", "nhóm3"), ("body_f", "cong"),
                        ("pairs_f", "phong chung"), ("title", "tin"), ("body", "công_nghiệp")]:
        ids, frequencies = read_postings(searcher, field, term)
        assert len(ids) and list(zip(ids.tolist(), frequencies.tolist())) == whoosh_postings(searcher, field, term)


def test_bm25f_matches_the_formula(seed_index):
    snapshot = LiveIndex(seed_index, GenerationStats).snapshot()
    searcher, stats = snapshot.searcher, snapshot.shared
    ids, scores = stats.bm25f(searcher, [("body", "long", 1.0), ("title", "long", 2.0)])
    reader = searcher.reader()
    total = reader.doc_count_all()
    averages = {f: sum(reader.doc_field_length(d, f, 0) or 0 for d in range(total)) / total
                for f in ("body", "title")}
    frequencies = {field: dict(zip(*[a.tolist() for a in read_postings(searcher, field, "long")]))
                   for field in ("body", "title")}
    for docnum, score in zip(ids.tolist(), scores.tolist()):
        pseudo = 0.0
        for field, weight in (("body", 1.0), ("title", 2.0)):
            length = reader.doc_field_length(docnum, field, 0) or 0
            pseudo += weight * frequencies[field].get(docnum, 0) / (1 - B + B * length / averages[field])
        idf = math.log(1 + (total - len(ids) + 0.5) / (len(ids) + 0.5))
        assert np.isclose(score, idf * pseudo * (K1 + 1) / (pseudo + K1), rtol=1e-5)
    assert set(ids.tolist()) == {0, 3}  # "long trọng" in 000, "Long An" in 003


def test_field_sums_agree_whether_sorted_or_spread_over_all_documents():
    """A term's fields are combined by sorting when they hold few postings, through an array per
    document otherwise: both give each document once, with its fields' values added."""
    from indexer.scoring import _sum_by_document

    body = (np.array([1, 5, 9], dtype=np.int32), np.array([1.0, 2.0, 3.0], dtype=np.float32))
    title = (np.array([5, 7], dtype=np.int32), np.array([0.5, 4.0], dtype=np.float32))
    for size in (20, 10_000):  # 5 postings: spread over 20 documents, sorted among 10,000
        ids, values = _sum_by_document([body, title], size)
        assert ids.tolist() == [1, 5, 7, 9]
        assert values.tolist() == [1.0, 2.5, 4.0, 3.0]
    assert _sum_by_document([body], 10_000) is body
    assert len(_sum_by_document([], 10_000)[0]) == 0


def test_remembered_results_are_bounded():
    """Per-document results are kept for the generation, the least recently used dropped first."""
    from indexer.scoring import REMEMBERED

    stats, made = GenerationStats(), []

    def make(key):
        made.append(key)
        return key * 2

    assert [stats.remember(key, lambda: make(key)) for key in (1, 1, 2)] == [2, 2, 4]
    assert made == [1, 2]
    for key in range(3, REMEMBERED + 3):  # 1 is used again, so 2 is the oldest
        stats.remember(1, lambda: make(1))
        stats.remember(key, lambda: make(key))
    stats.remember(1, lambda: make(1))
    stats.remember(2, lambda: make(2))
    assert made.count(1) == 1 and made.count(2) == 2
