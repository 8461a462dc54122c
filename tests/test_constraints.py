"""Phrases and exclusions are decided from pair postings and checked by Whoosh only on the
candidates: the documents chosen must be exactly those Whoosh's own phrase search gives."""

import numpy as np

from indexer.build import rebuild
from indexer.query import parse
from indexer.ranking import plan
from indexer.view import LiveIndex

TEXTS = [
    "Khu công nghiệp Quang Minh mở rộng",     # the phrase, accented
    "khu cong nghiep moi o Bac Ninh",          # the phrase, unaccented
    "Khu công viên gần nhà máy công nghiệp",   # both pairs of "khu công nghiệp", never all three in a row
    "Cộng nghiệp khu",                         # a wrong accent: found unaccented
    "Nông nghiệp công nghệ cao",               # neither
]


def test_phrase_and_exclusion_masks_are_whooshs(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for number in range(120):  # two workers: two segments
        text = TEXTS[number % len(TEXTS)]
        (corpus / f"{number:03}.txt").write_text(f"Tin {number % 7}\n{text}", encoding="utf-8")
    rebuild(corpus, tmp_path / "index", workers=2)
    view = LiveIndex(tmp_path / "index").view()
    searcher = view.searcher
    assert len(searcher.reader().leaf_readers()) == 2
    size = searcher.reader().doc_count_all()
    checked = 0
    for query in ['"khu công nghiệp"', '"công nghiệp"', '"cong nghiep"', 'title:"tin 3"', '"nghiệp công"',
                  'x -"công nghiệp"', 'x -nông', 'x -khu', '"quang minh mở rộng"']:
        query_plan = plan(parse(query), folding=True)
        for constraint in query_plan.phrases + query_plan.excluded:
            whoosh = np.zeros(size, dtype=bool)
            whoosh[list(searcher.docs_for_query(constraint.query))] = True
            assert np.array_equal(constraint.mask(view), whoosh), query
            checked += 1
    assert checked == 9
    mask = plan(parse('"khu công nghiệp"'), folding=True).phrases[0].mask(view)
    assert {number % len(TEXTS) for number in np.flatnonzero(mask)} == {0, 1}
    mask = plan(parse('"công nghiệp"'), folding=True).phrases[0].mask(view)
    assert {number % len(TEXTS) for number in np.flatnonzero(mask)} == {0, 1, 2, 3}
