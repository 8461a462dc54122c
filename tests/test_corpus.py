import codecs
import gzip
import json

import pytest

from indexer.corpus import Document, read_corpus
from tests.conftest import SEED_CORPUS


def read(folder):
    problems = []
    documents = [document for _, document in read_corpus(folder, problems.append)]
    return documents, problems


def test_seed_corpus_titles_and_ids():
    documents, problems = read(SEED_CORPUS)
    assert not problems
    first = documents[0]
    assert first.id == "000_6193fe72d397037f.txt"
    assert first.title.startswith("Đại hội Đảng bộ Sở Công thương tỉnh Bắc Giang")
    assert first.body.startswith("Trong 2 ngày 7 và 8/5")


def test_nested_folders_markdown_and_encodings(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "note.md").write_text("\n\n# Tiêu đề\nNội dung.\n", encoding="utf-8")
    (tmp_path / "bom.txt").write_bytes(codecs.BOM_UTF8 + "Có BOM\nThân bài".encode())
    (tmp_path / "utf16.txt").write_bytes("Văn bản UTF-16\nThân bài".encode("utf-16"))
    (tmp_path / ".hidden.txt").write_text("ẩn\nkhông đọc")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n")
    documents, problems = read(tmp_path)
    assert not problems
    assert {d.id: d.title for d in documents} == {
        "a/b/note.md": "Tiêu đề", "bom.txt": "Có BOM", "utf16.txt": "Văn bản UTF-16"}


def test_bad_files_are_reported_and_skipped(tmp_path):
    (tmp_path / "good.txt").write_text("Tốt\nnội dung")
    (tmp_path / "empty.txt").write_text("  \n\n")
    (tmp_path / "latin1.txt").write_bytes("Tiêu\ncafé".encode("latin-1"))
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02abc")
    documents, problems = read(tmp_path)
    assert [d.id for d in documents] == ["good.txt"]
    reasons = {p.path: p.reason for p in problems}
    assert reasons["empty.txt"] == "empty file"
    assert "not UTF-8" in reasons["latin1.txt"]
    assert "binary" in reasons["binary.txt"]


def test_jsonl_records_and_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": "a", "title": "Tin A", "text": "Nội dung A", "source": "Báo", "category": "Xã hội",
                    "date": "2024-01-02", "url": "https://x.vn/a"}, ensure_ascii=False),
        "{not json",
        "[1, 2]",
        json.dumps({"title": "không có id", "text": "x"}),
        json.dumps({"id": 7, "title": "", "text": "Chỉ có thân bài"}),
        json.dumps({"id": "b", "title": 5, "text": "x"}),
        "",
    ]
    (tmp_path / "news.jsonl").write_text("\n".join(lines), encoding="utf-8")
    with gzip.open(tmp_path / "more.jsonl.gz", "wt", encoding="utf-8") as stream:
        stream.write(json.dumps({"id": "g", "title": "Nén", "text": "gzip"}) + "\n")
    documents, problems = read(tmp_path)
    assert documents[0] == Document("g", "Nén", "gzip")
    assert documents[1] == Document("a", "Tin A", "Nội dung A", "2024-01-02", "Báo", "https://x.vn/a", "Xã hội")
    assert documents[2].id == "7" and documents[2].title == ""
    assert [(p.path, p.line) for p in problems] == [("news.jsonl", 2), ("news.jsonl", 3), ("news.jsonl", 4),
                                                   ("news.jsonl", 6)]
    assert "invalid JSON" in problems[0].reason
    assert "JSON object" in problems[1].reason
    assert '"id"' in problems[2].reason
    assert '"title" must be a string' in problems[3].reason


def test_truncated_gzip_is_reported(tmp_path):
    data = gzip.compress(b'{"id": "1", "title": "t", "text": "x"}\n' * 1000)
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    documents, problems = read(tmp_path)
    assert problems and problems[0].path == "cut.jsonl.gz"


def test_documents_over_the_size_limit_are_reported_without_being_read(tmp_path):
    from indexer.corpus import MAX_DOCUMENT_BYTES

    with open(tmp_path / "huge.txt", "wb") as huge:
        huge.truncate(20 * MAX_DOCUMENT_BYTES)  # 200 MB, sparse: costs no disk
    (tmp_path / "big.jsonl").write_text(
        '{"id": "ok", "title": "Nhỏ", "text": "nội dung"}\n'
        + '{"id": "big", "title": "Lớn", "text": "' + "chữ " * (MAX_DOCUMENT_BYTES // 4) + '"}\n', encoding="utf-8")
    (tmp_path / "small.txt").write_text("Tiêu đề\nnội dung", encoding="utf-8")
    documents, problems = read(tmp_path)
    assert [d.id for d in documents] == ["ok", "small.txt"]
    assert [(p.path, p.line) for p in problems] == [("big.jsonl", 2), ("huge.txt", None)]
    assert all("too large" in p.reason and "split it" in p.reason for p in problems)


def test_a_long_text_without_line_breaks_is_segmented_in_bounded_pieces():
    from indexer.analysis import MAX_SEQUENCE, segment

    text = "Công nghiệp Bắc Giang phát triển. " * (MAX_SEQUENCE // 2)
    words = segment(text)
    assert sum(len(w.syllables) for w in words) == 6 * (MAX_SEQUENCE // 2)
    assert {w.term for w in words} >= {"công_nghiệp", "bắc_giang", "phát_triển"}


@pytest.mark.parametrize("given, kept", [
    ("2024-05-01", "2024-05-01"), ("2024-5-1T08:30:00+07:00", "2024-05-01"), ("01/05/2024", "2024-05-01"),
    ("1.5.2024", "2024-05-01"), ("29/05/2020 - 19:54", "2020-05-29"), ("2024-05", "2024-05"), ("2024", "2024"),
])
def test_dates_are_kept_as_iso_text(tmp_path, given, kept):
    (tmp_path / "d.jsonl").write_text(json.dumps({"id": "d", "text": "x", "date": given}), encoding="utf-8")
    documents, problems = read(tmp_path)
    assert documents[0].date == kept and not problems


@pytest.mark.parametrize("given", ["hôm qua", "31/02/2024", "2024-13-01", "05/2024/01"])
def test_a_date_not_understood_is_reported_and_the_document_kept(tmp_path, given):
    (tmp_path / "d.jsonl").write_text(json.dumps({"id": "d", "text": "x", "date": given}), encoding="utf-8")
    documents, problems = read(tmp_path)
    assert documents[0].id == "d" and documents[0].date == ""
    assert [(p.path, p.line) for p in problems] == [("d.jsonl", 1)] and "date" in problems[0].reason
