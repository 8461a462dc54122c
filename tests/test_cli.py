"""The command line as a user runs it: the installed `timkiem` script."""

import json

from tests.conftest import SEED_CORPUS, timkiem


def test_rebuild_search_and_stats(tmp_path):
    index_dir = tmp_path / "index"
    built = timkiem("rebuild", "--corpus", SEED_CORPUS, "--index", index_dir)
    assert "Indexed 5 documents" in built.stdout and "skipped 0" in built.stdout
    assert "indexed 5/5 documents" in built.stderr  # plain progress lines when not on a terminal

    found = timkiem("search", "bac giang", "--index", index_dir)
    assert found.stdout.startswith('1 results for "bac giang"')
    assert "Bắc Giang" in found.stdout and "<mark>" not in found.stdout

    as_json = json.loads(timkiem("search", "cong thuong", "--json", "--index", index_dir).stdout)
    assert as_json["total"] == 5 and "<mark>" in as_json["hits"][0]["snippet"]

    stats = timkiem("stats", "--index", index_dir)
    assert "documents: 5" in stats.stdout


def test_rebuild_reports_bad_files_and_goes_on(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("Tốt\nNội dung tốt", encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"\xff\xfe\x00")
    (corpus / "lines.jsonl").write_text('{"id": "1", "title": "Một", "text": "x"}\nnot json\n', encoding="utf-8")
    result = timkiem("rebuild", "--corpus", corpus, "--index", tmp_path / "index", "--no-fold")
    assert "Indexed 2 documents" in result.stdout and "skipped 2" in result.stdout
    assert "warning: lines.jsonl:2: invalid JSON" in result.stderr
    assert "warning: bad.txt:" in result.stderr


def test_errors_are_one_line_with_exit_codes(tmp_path):
    missing = timkiem("search", "x", "--index", tmp_path / "none", check=False)
    assert missing.returncode == 1
    assert missing.stderr.strip().count("\n") == 0 and "timkiem rebuild" in missing.stderr
    no_corpus = timkiem("rebuild", "--corpus", tmp_path / "nope", "--index", tmp_path / "i", check=False)
    assert no_corpus.returncode == 1 and "corpus folder not found" in no_corpus.stderr
    usage = timkiem("search", check=False)
    assert usage.returncode == 2
    bad_page = timkiem("search", "x", "--page", "0", check=False)
    assert bad_page.returncode == 2
    assert "Traceback" not in missing.stderr + no_corpus.stderr + usage.stderr


def test_inspect_shows_what_is_read_and_why_a_file_is_skipped(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "bai.txt").write_text("Tiếng Việt | English\n29/05/2020 - 19:54\nTin chính\nNội dung.\nChia sẻ bài viết",
                                    encoding="utf-8")
    (folder / "hong.pdf").write_bytes(b"%PDF-1.4 cut")
    shown = timkiem("inspect", folder)
    assert "bai.txt\n  format  text\n  title   Tin chính\n  date    2020-05-29\n" in shown.stdout
    assert "  | Nội dung.\n" in shown.stdout and "Chia sẻ" not in shown.stdout
    assert "hong.pdf\n  skipped  damaged PDF" in shown.stdout
    assert shown.stdout.rstrip().endswith("1 documents (1 text); skipped 1 (1 damaged PDF)")
    one = timkiem("inspect", folder / "bai.txt")
    assert "title   Tin chính" in one.stdout and "hong.pdf" not in one.stdout
    for wrong in (folder / "none.txt", tmp_path / "x.png"):
        (tmp_path / "x.png").write_bytes(b"\x89PNG")
        failed = timkiem("inspect", wrong, check=False)
        assert failed.returncode == 1 and failed.stderr.count("\n") == 1 and "timkiem: error:" in failed.stderr


def test_the_rebuild_summary_counts_formats_and_reasons(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Một\nnội dung", encoding="utf-8")
    (corpus / "b.md").write_text("# Hai\nnội dung", encoding="utf-8")
    (corpus / "c.html").write_text("<html><head><title>Ba</title></head><body><p>Nội dung của trang ba.</p>"
                                   "</body></html>", encoding="utf-8")
    (corpus / "d.pdf").write_bytes(b"not a pdf")
    (corpus / "e.docx").write_bytes(b"not a docx")
    result = timkiem("rebuild", "--corpus", corpus, "--index", tmp_path / "index", "--no-fold")
    assert "Indexed 3 documents (1 html, 1 markdown, 1 text)" in result.stdout
    assert "skipped 2 (1 damaged PDF, 1 damaged Word file)" in result.stdout
