"""`timkiem update`: only what changed is indexed, and searching gives what a full rebuild gives."""

import json

import pytest
from whoosh.filedb.filestore import FileStorage

from indexer import build
from indexer.build import rebuild
from indexer.generations import IndexMissing, live_generation
from indexer.search import SearchEngine
from indexer.update import update
from tests.conftest import FIXTURES, timkiem

ARTICLES = [json.loads(line) for line in (FIXTURES / "news" / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
QUERIES = ["giá", "gia", "tỉnh", "cong thuong", "giá vàng", '"khu công nghiệp"', "nong dan", "coong nhaan", "hội chợ"]


def write(folder, records):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "news.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return folder


def edited(records):
    """Two changed, two removed, two added."""
    result = [dict(record) for record in records]
    result[0]["text"] += " Giá lúa tiếp tục tăng trong tháng tới."
    result[5]["title"] = "Giá cà phê giảm nhẹ"
    del result[10], result[3]
    result.append({"id": "new-1", "title": "Giá vàng tăng", "text": "Giá vàng trong nước tăng mạnh.",
                   "source": "Báo Công Thương", "category": "Kinh tế", "date": "2025-05-01"})
    result.append({"id": "new-2", "title": "Tỉnh tổ chức hội chợ", "category": "Kinh tế",
                   "text": "Hội chợ thương mại của tỉnh thu hút nhiều doanh nghiệp công nghiệp."})
    return result


def comparable(results):
    return (results.total, results.suggestion, [(h.id, h.score, h.snippet) for h in results.hits], results.facets)


@pytest.fixture()
def updated(tmp_path):
    rebuild(write(tmp_path / "v1", ARTICLES), tmp_path / "index", workers=1)
    before = live_generation(tmp_path / "index")
    report = update(write(tmp_path / "v2", edited(ARTICLES)), tmp_path / "index", workers=1)
    return tmp_path, before, report


def test_update_indexes_only_the_changes(updated):
    _, before, report = updated
    assert (report.added, report.changed, report.deleted, report.unchanged) == (2, 2, 2, 20)
    assert report.generation != before.name


def test_updated_index_answers_exactly_as_a_rebuilt_one(updated):
    tmp_path, _, _ = updated
    rebuild(tmp_path / "v2", tmp_path / "fresh", workers=1)
    incremental, fresh = SearchEngine(tmp_path / "index"), SearchEngine(tmp_path / "fresh")
    for query in QUERIES:
        for options in ({}, {"sort": "newest"}, {"filters": {"category": ("Kinh tế",)}}):
            assert comparable(incremental.search(query, per_page=100, **options)) == \
                comparable(fresh.search(query, per_page=100, **options)), (query, options)
    assert incremental.document_count() == fresh.document_count() == 24
    assert incremental.document("kt-04") is None  # removed from the corpus
    assert "tiếp tục tăng" in incremental.document("kt-01").body_html


def test_the_previous_generation_stays_intact_for_its_readers(updated):
    tmp_path, before, _ = updated
    old = FileStorage(str(before)).open_index()
    assert old.doc_count() == len(ARTICLES) and not old.reader().has_deletions()


def test_nothing_changed_keeps_the_live_generation(updated):
    tmp_path, _, report = updated
    again = update(tmp_path / "v2", tmp_path / "index", workers=1)
    assert (again.added, again.changed, again.deleted, again.unchanged) == (0, 0, 0, 24)
    assert again.generation == report.generation == live_generation(tmp_path / "index").name


def test_a_crash_half_way_leaves_the_live_index(updated, monkeypatch):
    tmp_path, before, report = updated

    def crash(document, options):
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "fields_of", crash)
    records = edited(ARTICLES) + [{"id": "new-3", "title": "Tin", "text": "Nội dung"}]
    with pytest.raises(KeyboardInterrupt):
        update(write(tmp_path / "v3", records), tmp_path / "index", workers=1)
    assert live_generation(tmp_path / "index").name == report.generation
    assert {p.name for p in (tmp_path / "index").glob("gen-*")} == {before.name, report.generation}  # no leftover
    assert SearchEngine(tmp_path / "index").search("giá vàng").hits[0].id == "new-1"


def test_a_changed_document_that_cannot_be_analysed_keeps_its_old_version(updated, monkeypatch):
    tmp_path, _, report = updated
    original = build.fields_of

    def failing(document, options):
        if document.id in ("kt-02", "new-3"):
            raise ValueError("cannot analyse this text")
        return original(document, options)

    monkeypatch.setattr(build, "fields_of", failing)
    records = edited(ARTICLES) + [{"id": "new-3", "title": "Tin", "text": "Nội dung"}]
    records[1]["text"] += " Thêm một câu."
    again = update(write(tmp_path / "v3", records), tmp_path / "index", workers=1)
    assert (again.added, again.changed) == (0, 0)
    assert sorted(str(problem) for problem in again.problems) == [
        f"{doc_id}: could not be analysed (ValueError: cannot analyse this text)" for doc_id in ("kt-02", "new-3")]
    engine = SearchEngine(tmp_path / "index")
    assert "Thêm một câu" not in engine.document("kt-02").body_html  # the old version, still found
    assert engine.document("new-3") is None and engine.document_count() == 24


def test_update_without_an_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexMissing, match="run `timkiem rebuild` first"):
        update(write(tmp_path / "c", ARTICLES), tmp_path / "index")
    result = timkiem("update", "--corpus", tmp_path / "c", "--index", tmp_path / "index", check=False)
    assert result.returncode == 1 and "timkiem rebuild" in result.stderr


def test_cli_update_reports_what_it_did(updated):
    tmp_path, _, _ = updated
    records = edited(ARTICLES)
    records[1]["text"] += " Thêm một câu."
    result = timkiem("update", "--corpus", write(tmp_path / "v4", records), "--index", tmp_path / "index")
    assert "0 added, 1 changed, 0 deleted, 23 unchanged" in result.stdout


def test_fingerprints_stay_those_of_earlier_indexes():
    """``update`` compares fingerprints stored by an earlier build: the formula must not drift."""
    from dataclasses import astuple
    from hashlib import blake2b

    from indexer.corpus import Document
    from indexer.selection import digest

    document = Document(id="a/b.txt", title="Sở Công Thương", body="Thân bài\n'quoted'", date="2024-05-01",
                        source="baomoi", url="https://x.vn/1", category="Kinh tế")
    assert digest(document) == blake2b(repr(astuple(document)).encode("utf-8"), digest_size=16).digest()
    assert digest(document) != digest(Document(id="a/b.txt", title="Sở Công Thương", body="Thân bài"))
