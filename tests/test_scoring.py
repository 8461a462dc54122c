import math

import numpy as np

from indexer.scoring import B, K1, bm25f
from indexer.view import LiveIndex
from indexer.whoosh_internals import read_postings  # checked against Whoosh in test_whoosh_internals.py


def test_bm25f_matches_the_formula(seed_index):
    view = LiveIndex(seed_index).view()
    searcher = view.searcher
    ids, scores = bm25f(view, [("body", "long", 1.0), ("title", "long", 2.0)])
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


def test_remembered_results_are_bounded(seed_index):
    """Per-document results are kept for the generation, the least recently used dropped first."""
    from indexer.view import REMEMBERED

    view, made = LiveIndex(seed_index).view(), []

    def make(key):
        made.append(key)
        return key * 2

    assert [view.remember(key, lambda: make(key)) for key in (1, 1, 2)] == [2, 2, 4]
    assert made == [1, 2]
    for key in range(3, REMEMBERED + 3):  # 1 is used again, so 2 is the oldest
        view.remember(1, lambda: make(1))
        view.remember(key, lambda: make(key))
    view.remember(1, lambda: make(1))
    view.remember(2, lambda: make(2))
    assert made.count(1) == 1 and made.count(2) == 2


def test_cache_warming_waits_while_searches_read_postings(seed_index, monkeypatch):
    """The background warming of common words' postings reads nothing while searches keep
    reading, and fills the cache once they pause."""
    import threading
    import time

    from indexer import view
    from indexer.generations import open_generation, require_live
    from indexer.schema import options_of
    from indexer.view import View, _Generation

    monkeypatch.setattr(view, "QUIET_BEFORE_WARMING", 1.0)  # searches below pause far less, even on a busy machine

    path = require_live(seed_index)
    index = open_generation(path)
    shared = _Generation(path, options_of(index.schema))
    searching, warming = View(index.searcher(), shared), View(index.searcher(), shared)
    searching.postings("body", "long")
    warmer = threading.Thread(target=warming._cache_common_terms)
    warmer.start()
    until = time.monotonic() + 2.0
    while time.monotonic() < until:
        searching.postings("body", "long")
        time.sleep(0.01)
    assert list(shared.arrays) == [("postings", "body", "long")]
    warmer.join(timeout=30)
    assert not warmer.is_alive() and len(shared.arrays) > 20
