import pytest
from whoosh.filedb.filestore import FileStorage

from indexer import build, generations
from indexer.build import rebuild
from indexer.generations import RebuildRunning, live_generation
from indexer.search import SearchEngine
from indexer.selection import CorpusChanged, Selection, scan
from tests.conftest import SEED_CORPUS


def write_corpus(folder, documents):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_rebuild_reports_and_swaps_generations(tmp_path):
    index_dir = tmp_path / "index"
    first = rebuild(SEED_CORPUS, index_dir, workers=1)
    assert first.documents == 5 and first.skipped == 0 and first.size_bytes > 0
    assert live_generation(index_dir).name == first.generation

    corpus = write_corpus(tmp_path / "c2", {"x.txt": "Tiêu đề mới\nNội dung về thủy điện"})
    second = rebuild(corpus, index_dir, workers=1)
    assert live_generation(index_dir).name == second.generation != first.generation
    assert SearchEngine(index_dir).search("thuy dien").total == 1
    # the generation just replaced stays for readers that still use it; nothing older
    rebuild(corpus, index_dir, workers=1)
    names = sorted(p.name for p in index_dir.glob("gen-*"))
    assert first.generation not in names and len(names) == 2


def test_parallel_workers_index_the_same_as_one_process(tmp_path):
    corpus = write_corpus(tmp_path / "c", {f"{i:03}.txt": f"Bài {i}\nCông nghiệp số {i} ở Bắc Giang và hoà bình"
                                           for i in range(120)})
    one = rebuild(corpus, tmp_path / "one", workers=1)
    two = rebuild(corpus, tmp_path / "two", workers=2)
    assert one.documents == two.documents == 120
    segments = [len(FileStorage(str(tmp_path / name / report.generation)).open_index()._segments())
                for name, report in (("one", one), ("two", two))]
    assert segments == [1, 2]  # each worker wrote its own segment (the texts are far below SEGMENT_CHARS)
    for query in ("cong nghiep", "hòa bình", '"Bắc Giang"', "55"):
        a, b = SearchEngine(tmp_path / "one").search(query), SearchEngine(tmp_path / "two").search(query)
        assert [(h.id, h.score) for h in a.hits] == [(h.id, h.score) for h in b.hits]


def test_workers_take_share_after_share_and_keep_the_corpus_order(tmp_path, monkeypatch):
    """A large corpus is cut into more shares than workers, each a segment: whichever worker is
    free takes the next, and the index still numbers documents in corpus order."""
    texts = {f"{i:03}.txt": f"Bài {i}\n" + "Công nghiệp số ở Bắc Giang và hoà bình. " * (1 + i % 7) for i in range(90)}
    corpus = write_corpus(tmp_path / "c", texts)
    rebuild(corpus, tmp_path / "one", workers=1)
    monkeypatch.setattr(build, "SEGMENT_CHARS", 1_500)  # read by the forked workers too
    two = rebuild(corpus, tmp_path / "two", workers=2)
    index = FileStorage(str(tmp_path / "two" / two.generation)).open_index()
    assert len(index._segments()) > 6  # far more shares than the 2 workers
    with index.searcher() as searcher:
        assert [searcher.stored_fields(n)["id"] for n in range(90)] == sorted(texts)
    for query in ("cong nghiep", '"Bắc Giang"', "Bài 55"):
        a, b = SearchEngine(tmp_path / "one").search(query), SearchEngine(tmp_path / "two").search(query)
        assert [(h.id, round(h.score, 6)) for h in a.hits] == [(h.id, round(h.score, 6)) for h in b.hits]


def test_shares_cover_the_corpus_in_order_with_a_segment_of_text_at_most(tmp_path, monkeypatch):
    texts = {f"{i:03}.txt": "Bài\n" + "chữ " * (20 + 5 * (i % 4)) for i in range(200)}
    selection = Selection(write_corpus(tmp_path / "c", texts), scan(tmp_path / "c", []))
    sizes = [entry.size for entry in selection.entries]
    assert build.shares_of(selection, 2) in ([(0, 100), (100, 200)], [(0, 101), (101, 200)])  # small: one a worker
    monkeypatch.setattr(build, "SEGMENT_CHARS", 1_000)
    shares = build.shares_of(selection, 2)
    assert [start for start, _ in shares] == [0] + [end for _, end in shares[:-1]] and shares[-1][1] == 200
    assert len(shares) >= sum(sizes) / 1_000
    assert all(sum(sizes[start:end - 1]) <= 1_000 for start, end in shares)  # the last document may pass the bound
    text = [sum(sizes[start:end]) for start, end in shares]
    assert max(text[-2:]) < 0.75 * min(text[:-4])  # the last share of each worker is a short one


def test_crash_half_way_leaves_the_previous_index_serving(tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    rebuild(SEED_CORPUS, index_dir, workers=1)
    before = live_generation(index_dir)
    engine = SearchEngine(index_dir)
    assert engine.search("Bắc Giang").total == 1

    def crash(document, options):
        if document.id.startswith("002"):
            raise KeyboardInterrupt  # Ctrl-C in the middle of the build
        return original(document, options)

    original = build.fields_of
    monkeypatch.setattr(build, "fields_of", crash)
    with pytest.raises(KeyboardInterrupt):
        rebuild(SEED_CORPUS, index_dir, workers=1)
    assert live_generation(index_dir) == before
    assert engine.search("Bắc Giang").hits[0].id.startswith("000")

    monkeypatch.setattr(build, "fields_of", original)
    report = rebuild(SEED_CORPUS, index_dir, workers=1)
    assert live_generation(index_dir).name == report.generation
    assert len(list(index_dir.glob("gen-*"))) == 2  # the half-built one was cleaned up


def failing_on(doc_ids, original=build.fields_of):
    """build.fields_of that raises for ``doc_ids``, as a bug of the analysis met by some text would."""
    def fields_of(document, options):
        if document.id in doc_ids:
            raise ValueError("cannot analyse\nthis text")
        return original(document, options)
    return fields_of


def test_a_document_the_analysis_cannot_take_is_skipped_and_named(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", {f"{i:03}.txt": f"Bài {i}\nCông nghiệp số {i} ở Bắc Giang"
                                           for i in range(120)})
    monkeypatch.setattr(build, "fields_of", failing_on({"007.txt", "100.txt"}))
    seen = []
    report = rebuild(corpus, tmp_path / "index", workers=2, on_problem=seen.append)  # forked workers
    assert report.documents == 118 and report.skipped == 2 and report.skips == {"could not be analysed": 2}
    assert sorted(map(str, seen)) == [f"{name}: could not be analysed (ValueError: cannot analyse this text)"
                                      for name in ("007.txt", "100.txt")]
    engine = SearchEngine(tmp_path / "index")
    assert engine.document_count() == 118 and engine.document("007.txt") is None
    assert engine.search('"số 8"').hits[0].id == "008.txt"


def test_when_the_analysis_fails_too_often_nothing_is_published(tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    rebuild(SEED_CORPUS, index_dir, workers=1)
    live = live_generation(index_dir)
    names = {entry.id for entry in scan(SEED_CORPUS, [])}
    monkeypatch.setattr(build, "fields_of", failing_on(names))
    with pytest.raises(build.AnalysisFailed, match=r"5 of 5 documents could not be analysed .*"
                                                   r"the live index is unchanged"):
        rebuild(SEED_CORPUS, index_dir, workers=1)
    assert live_generation(index_dir) == live and len(list(index_dir.glob("gen-*"))) == 1
    assert SearchEngine(index_dir).search("Bắc Giang").total == 1


def test_second_rebuild_at_once_is_refused(tmp_path):
    index_dir = tmp_path / "index"
    with generations.rebuild_lock(index_dir):
        with pytest.raises(RebuildRunning, match="another rebuild"):
            rebuild(SEED_CORPUS, index_dir, workers=1)
    rebuild(SEED_CORPUS, index_dir, workers=1)  # the lock is free again


def test_duplicate_ids_later_document_wins(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text('{"id": "x", "title": "cũ", "text": "bản cũ"}\n'
                                    '{"id": "x", "title": "mới", "text": "bản mới"}\n', encoding="utf-8")
    report = rebuild(corpus, tmp_path / "index", workers=1)
    assert report.documents == 1 and report.skipped == 0
    assert any("duplicate id" in p.reason for p in report.problems)
    hits = SearchEngine(tmp_path / "index").search("bản").hits
    assert [h.title for h in hits] == ["mới"]


def test_missing_corpus_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="corpus folder not found"):
        rebuild(tmp_path / "nope", tmp_path / "index")
    assert live_generation(tmp_path / "index") is None


def test_a_corpus_edited_during_the_build_is_noticed(tmp_path):
    """Workers read the corpus again (selection.py): a document changed meanwhile stops the build."""
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Tin A\nNội dung A", "b.txt": "Tin B\nNội dung B"})
    selection = Selection(corpus, scan(corpus, []))
    assert [d.id for d in selection.documents(0, 2)] == ["a.txt", "b.txt"]
    (corpus / "b.txt").write_text("Tin B\nNội dung đã sửa", encoding="utf-8")
    with pytest.raises(CorpusChanged, match="changed during the build"):
        list(selection.documents(0, 2))
    (corpus / "b.txt").unlink()
    with pytest.raises(CorpusChanged):
        list(selection.documents(1, 2))


def test_a_share_of_a_jsonl_file_is_read_by_its_lines(tmp_path):
    """Blank and bad lines and an overridden duplicate do not shift which documents a worker
    reads; a line edited meanwhile is noticed."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    lines = ['{"id": "1", "title": "Một", "text": "a"}', "", "not json",
             '{"id": "2", "title": "Hai", "text": "b"}', '{"id": "1", "title": "Một mới", "text": "c"}',
             '{"id": "3", "title": "Ba", "text": "d"}']
    (corpus / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    selection = Selection(corpus, scan(corpus, []))
    assert [d.title for d in selection.documents(0, 3)] == ["Hai", "Một mới", "Ba"]
    assert [d.title for d in selection.documents(1, 2)] == ["Một mới"]
    lines[4] = '{"id": "1", "title": "Một sửa", "text": "c"}'
    (corpus / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CorpusChanged):
        list(selection.documents(1, 2))
    assert [d.title for d in selection.documents(2, 3)] == ["Ba"]
