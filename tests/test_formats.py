"""Web pages, PDF and Word files as a user's folder holds them: what is read, what is skipped and why."""

import json
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from indexer.build import rebuild
from indexer.corpus import read_corpus
from indexer.formats import MAX_FILE_BYTES, Unreadable, read_document
from indexer.search import SearchEngine
from indexer.update import update
from tests.conftest import FIXTURES

DOCUMENTS = FIXTURES / "documents"

NEWS_PAGE = """<!DOCTYPE html>
<html lang="vi"><head>
<meta charset="utf-8">
<title>Chợ Tết vùng cao đông vui - Chính trị - Báo Tin Sáng</title>
<meta property="og:title" content="Chợ Tết vùng cao đông vui - Báo Tin Sáng">
<meta property="og:site_name" content="Báo Tin Sáng">
<link rel="canonical" href="https://tinsang.vn/cho-tet-vung-cao-123.html">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
  "headline": "Chợ Tết vùng cao đông vui", "datePublished": "2024-02-05T07:30:00+07:00",
  "publisher": {"@type": "Organization", "name": "Báo Tin Sáng"}}</script>
<style>.menu { color: red }</style>
<script>var tracking = "Quảng cáo trong script";</script>
</head><body>
<header><a href="/">Trang chủ</a><nav><ul><li><a href="/thoi-su">Thời sự</a></li><li><a href="/kinh-te">Kinh tế</a>
</li><li><a href="/the-thao">Thể thao</a></li></ul></nav></header>
<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/xa-hoi">Xã hội</a></div>
<article>
<h1 class="title">Chợ Tết vùng cao đông vui</h1>
<p class="sapo">Những ngày giáp Tết, chợ phiên Bắc Hà tấp nập người mua bán hàng Tết &amp; đặc sản.</p>
<p>Từ sáng sớm, đồng bào các dân tộc đã gùi hàng xuống chợ, bày bán rau rừng, thịt treo gác bếp và rượu ngô.</p>
<p>Ông Lò Văn Minh, một tiểu thương, cho biết năm nay giá cả ổn định, khách du lịch đến đông hơn mọi năm.</p>
<p>Ban quản lý chợ đã bố trí thêm chỗ gửi xe và lực lượng giữ trật tự để phục vụ người dân dịp Tết.</p>
<p>Công ty AT&amp;amp;T không có mặt; chỉ có hợp tác xã KC&amp;XTTM bán hàng.</p>
</article>
<div class="related"><h3>Tin liên quan</h3><ul><li><a href="/a">Giá rau tăng mạnh trước Tết ở Hà Nội</a></li>
<li><a href="/b">Xe khách tăng chuyến phục vụ người dân về quê</a></li></ul></div>
<div id="comments"><h3>Bình luận</h3><p>Bạn đọc An: Bài viết rất hay, cảm ơn phóng viên!</p></div>
<footer><p>© 2024 Báo Tin Sáng. Giấy phép số 123/GP-BTTTT. Liên hệ quảng cáo: 0123 456 789.</p></footer>
</body></html>
"""


def write(folder: Path, name: str, content) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def read_one(path: Path):
    problems = []
    documents = [document for _, document in read_corpus(path.parent, problems.append)]
    return documents, problems


def test_a_news_page_gives_its_article_headline_date_site_and_address(tmp_path):
    page = read_document(write(tmp_path, "tin.html", NEWS_PAGE), "html")
    assert page.title == "Chợ Tết vùng cao đông vui"
    assert page.date == "2024-02-05" and page.source == "Báo Tin Sáng"
    assert page.url == "https://tinsang.vn/cho-tet-vung-cao-123.html"
    assert page.body.startswith("Những ngày giáp Tết, chợ phiên Bắc Hà tấp nập người mua bán hàng Tết & đặc sản.")
    assert "lực lượng giữ trật tự" in page.body
    for chrome in ("Thời sự", "Trang chủ", "Tin liên quan", "Giá rau tăng", "Bình luận", "Bạn đọc An", "Giấy phép",
                   "Quảng cáo", "color: red"):
        assert chrome not in page.body, chrome
    # references decoded once: &amp;amp; is the text "&amp;", and a literal & stays
    assert "AT&amp;T" in page.body and "KC&XTTM" in page.body


@pytest.mark.parametrize("head, h1, title", [
    # the headline shown differs in wording from og:title: what the page shows wins
    ('<meta property="og:title" content="Những sai sót khi thực hiện quy định thuế mới">',
     "Những sai sót khi thực hiện quy định mới về thuế", "Những sai sót khi thực hiện quy định mới về thuế"),
    # styled spans in the h1 lose the space between them: the metadata has it
    ('<meta property="og:title" content="Phường Hai Bà Trưng: Mong sớm đưa khu đất vào sử dụng">',
     "<span>Phường Hai Bà Trưng:</span><span>Mong sớm đưa khu đất vào sử dụng</span>",
     "Phường Hai Bà Trưng: Mong sớm đưa khu đất vào sử dụng"),
    # the site's logo, or the section's name, is the page's h1: not the headline
    ('<meta property="og:title" content="Giá lúa tăng cao ở miền Tây">', "Báo Nông Thôn", "Giá lúa tăng cao ở miền Tây"),
    ('<meta property="og:title" content="Kinh tế miền Tây tăng trưởng mạnh">', "Kinh tế", "Kinh tế miền Tây tăng trưởng mạnh"),
    # no metadata: the <title> without the site name and its section
    ('<title>Giá lúa tăng cao ở miền Tây - Kinh tế - Nông Thôn Online</title>'
     '<meta property="og:site_name" content="Báo Nông Thôn Online">', "", "Giá lúa tăng cao ở miền Tây"),
])
def test_the_headline_is_the_one_the_page_shows(tmp_path, head, h1, title):
    html = (f"<html><head>{head}</head><body>{f'<h1>{h1}</h1>' if h1 else ''}<article>"
            + "<p>Giá lúa tại các tỉnh đồng bằng sông Cửu Long tiếp tục tăng, nông dân phấn khởi. </p>" * 4
            + "</article></body></html>")
    assert read_document(write(tmp_path, "p.html", html), "html").title == title


@pytest.mark.parametrize("head, body, date", [
    ('<meta property="article:published_time" content="2026-03-07T09:40:00">', "", "2026-03-07"),
    ('<meta name="article:published_time" content="1/28/2026 6:52:01 AM">', "", "2026-01-28"),  # a US CMS
    ("", '<time datetime="2015-03-23T08:06:00+07:00">23/03/2015</time>', "2015-03-23"),
    ("", "<p>Thứ Bảy, 07/03/2026 08:07 (GMT+7)</p>", "2026-03-07"),  # only the date line a reader sees
])
def test_the_publication_date_from_metadata_or_the_date_line(tmp_path, head, body, date):
    html = (f"<html><head><title>Tin</title>{head}</head><body><article><h1>Tin</h1>{body}"
            + "<p>Giá lúa tại các tỉnh đồng bằng sông Cửu Long tiếp tục tăng, nông dân phấn khởi.</p>" * 4
            + "</article></body></html>")
    assert read_document(write(tmp_path, "p.html", html), "html").date == date


def cp1258(text: str) -> bytes:
    """As Windows-1258 writes Vietnamese: a tone mark apart from its letter where no letter holds both."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in tones))
            out += (base + "".join(m for m in parts if m in tones)).encode("cp1258")
    return out


def test_pages_in_another_charset_and_undecodable_pages(tmp_path):
    legacy = NEWS_PAGE.replace('<meta charset="utf-8">', '<meta charset="windows-1258">')
    (page,), _ = read_one(write(tmp_path / "old", "cu.htm", cp1258(legacy)))
    assert page.title == "Chợ Tết vùng cao đông vui"  # composed again (NFC) once read
    with pytest.raises(Unreadable, match="not UTF-8 .* no charset declared"):
        read_document(write(tmp_path, "hong.html", "<html><body><p>Tiếng Việt</p></body></html>"
                                                   .encode("utf-16-le")[2:]), "html")


def test_a_real_pdf_gives_its_headline_date_and_text():
    pdf = read_document(DOCUMENTS / "article.pdf", "pdf")
    assert pdf.title == "Ông Lê Minh Đức tiếp tục giữ chức vụ Bí thư Đảng uỷ Sở Công Thương Long An"
    assert pdf.date == "2020-05-29"  # the date line under the headline, not the file's creation date
    assert pdf.body.startswith("Trong 2 ngày 28 và 29/5, Đảng bộ Sở Công Thương tỉnh Long An tổ chức Đại hội "
                               "đảng viên nhiệm kỳ 2020 - 2025.")  # lines of one paragraph joined again
    assert pdf.body.endswith("Mai Hương") and "Chia sẻ" not in pdf.body


def test_a_pdf_restricted_by_its_owner_is_read_one_behind_a_password_is_not():
    assert read_document(DOCUMENTS / "restricted.pdf", "pdf").title == "Văn bản hạn chế in"
    with pytest.raises(Unreadable, match="encrypted PDF: it needs a password"):
        read_document(DOCUMENTS / "encrypted.pdf", "pdf")


def test_a_scan_without_text_needs_ocr():
    with pytest.raises(Unreadable, match="no text, needs OCR"):
        read_document(DOCUMENTS / "scanned.pdf", "pdf")


@pytest.mark.parametrize("damage", ["cut", "garbage", "empty"])
def test_damaged_pdfs_are_named_as_such(tmp_path, damage):
    data = (DOCUMENTS / "article.pdf").read_bytes()
    content = {"cut": data[: len(data) // 3], "garbage": b"%PDF-1.4\n" + bytes(range(256)) * 40, "empty": b""}[damage]
    with pytest.raises(Unreadable, match="damaged PDF"):
        read_document(write(tmp_path, "hong.pdf", content), "pdf")


def test_a_500_page_pdf_is_read_page_by_page_in_bounded_memory(tmp_path):
    def pages(count: int) -> Path:
        pdf = FPDF()
        pdf.set_font("Helvetica", size=11)
        for number in range(1, count + 1):
            pdf.add_page()
            for line in range(3):
                pdf.cell(0, 6, f"Page {number}, line {line}: industry and trade grew in the province.",
                         new_x="LMARGIN", new_y="NEXT")
        pdf.output(str(tmp_path / f"{count}.pdf"))
        return tmp_path / f"{count}.pdf"

    probe = ("import resource, sys; from pathlib import Path; from indexer.formats.pdf import read_pdf; "
             "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; pdf = read_pdf(Path(sys.argv[1])); "
             "text = pdf.title + pdf.body; "
             "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, text.count('industry'), text[-60:])")

    def read(path: Path) -> tuple[int, int, str]:
        out = subprocess.run([sys.executable, "-c", probe, str(path)], check=True, capture_output=True, text=True)
        grown, count, end = out.stdout.split(" ", 2)
        return int(grown), int(count), end

    small_growth, small_count, _ = read(pages(50))
    large_growth, large_count, end = read(pages(500))
    assert (small_count, large_count) == (150, 1500) and "Page 500, line 2" in end
    # ten times the pages, not ten times the memory: the pages are not held (KB of max RSS)
    assert large_growth < small_growth + 40 * 1024, (small_growth, large_growth)


def make_docx(path: Path, title: str = "", created=None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    document.core_properties.title = title
    if created:
        document.core_properties.created = created
    document.add_paragraph("Báo cáo kết quả công tác quý I năm 2024", style="Title")
    document.add_paragraph("Quý I, ngành công thương của tỉnh đạt nhiều kết quả tích cực.")
    table = document.add_table(rows=3, cols=3)
    for row, cells in enumerate([("Chỉ tiêu", "Kế hoạch", "Thực hiện"), ("Sản xuất công nghiệp", "25%", "27%"),
                                 ("Xuất khẩu", "10%", "12%")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    table.cell(0, 1).merge(table.cell(0, 2))
    table.cell(0, 1).text = "Tăng trưởng"
    document.add_paragraph("Quý II, Sở tiếp tục theo dõi sát tình hình thị trường.")
    document.save(str(path))
    return path


def test_a_word_file_gives_paragraphs_and_tables_in_order_and_its_heading(tmp_path):
    import datetime

    word = read_document(make_docx(tmp_path / "bao-cao.docx", created=datetime.datetime(2024, 4, 2, 8, 0)), "docx")
    assert word.title == "Báo cáo kết quả công tác quý I năm 2024"
    assert word.date == "2024-04-02"  # no date in the text: the one in its properties
    assert word.body.split("\n") == [
        "Quý I, ngành công thương của tỉnh đạt nhiều kết quả tích cực.",
        "Chỉ tiêu | Tăng trưởng",  # a merged cell once
        "Sản xuất công nghiệp | 25% | 27%",
        "Xuất khẩu | 10% | 12%",
        "Quý II, Sở tiếp tục theo dõi sát tình hình thị trường.",
    ]
    titled = read_document(make_docx(tmp_path / "t.docx", title="Báo cáo quý I &amp; kế hoạch quý II"), "docx")
    assert titled.title == "Báo cáo quý I & kế hoạch quý II"
    assert titled.date == ""  # python-docx's template date (2013) is no date of this file
    assert titled.body.startswith("Báo cáo kết quả công tác quý I năm 2024\nQuý I")  # the heading is text then


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip", b"", "zip without a document"])
def test_damaged_word_files_are_named_as_such(tmp_path, content):
    path = tmp_path / "hong.docx"
    if content == "zip without a document":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
    else:
        path.write_bytes(content)
    with pytest.raises(Unreadable, match="damaged Word file"):
        read_document(path, "docx")


@pytest.mark.parametrize("name", ["huge.pdf", "huge.html", "huge.docx", "huge.md"])
def test_huge_files_are_skipped_without_being_read(tmp_path, name):
    with open(tmp_path / name, "wb") as huge:
        huge.truncate(max(MAX_FILE_BYTES.values()) + 1)  # sparse: costs no disk
    documents, problems = read_one(tmp_path / name)
    assert not documents and len(problems) == 1
    assert "too large" in problems[0].reason and "split it" in problems[0].reason


def test_a_folder_of_every_format_is_searchable_and_updates_by_fingerprint(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus, "web/cho-tet.html", NEWS_PAGE)
    write(corpus, "pdf/bi-thu.pdf", (DOCUMENTS / "article.pdf").read_bytes())
    make_docx(corpus / "word" / "bao-cao.docx")
    write(corpus, "tin.txt", "logo\nThủy điện tích nước\n12/03/2024 - 08:00\nHồ thủy điện đã tích đủ nước.")
    write(corpus, "hong.pdf", b"%PDF-1.7 broken")
    write(corpus, "scan.pdf", (DOCUMENTS / "scanned.pdf").read_bytes())
    write(corpus, "cu.doc", b"\xd0\xcf\x11\xe0 old Word")
    report = rebuild(corpus, tmp_path / "index", workers=1)
    assert report.documents == 4 and report.formats == {"html": 1, "pdf": 1, "docx": 1, "text": 1}
    assert report.skips == {"damaged PDF": 1, "no text, needs OCR": 1, "unsupported format": 1}

    engine = SearchEngine(tmp_path / "index")
    hits = {hit.id: hit for hit in engine.search("cho phien Bac Ha").hits}
    assert hits["web/cho-tet.html"].title == "Chợ Tết vùng cao đông vui"
    assert hits["web/cho-tet.html"].date == "2024-02-05" and hits["web/cho-tet.html"].source == "Báo Tin Sáng"
    assert "<mark>" in hits["web/cho-tet.html"].snippet
    (pdf,) = engine.search('"Lê Minh Đức"').hits
    assert (pdf.id, pdf.date) == ("pdf/bi-thu.pdf", "2020-05-29")
    (word,) = engine.search('"theo dõi sát tình hình"').hits
    assert word.id == "word/bao-cao.docx" and word.title == "Báo cáo kết quả công tác quý I năm 2024"
    dated = engine.search("thuy dien", sort="newest").hits[0]
    assert (dated.title, dated.date) == ("Thủy điện tích nước", "2024-03-12")

    unchanged = update(corpus, tmp_path / "index", workers=1)
    assert (unchanged.added, unchanged.changed, unchanged.deleted, unchanged.unchanged) == (0, 0, 0, 4)
    document = docx.Document(str(corpus / "word" / "bao-cao.docx"))
    document.add_paragraph("Bổ sung: kế hoạch kiểm tra thị trường mùa khô.")
    document.save(str(corpus / "word" / "bao-cao.docx"))
    (corpus / "tin.txt").unlink()
    changed = update(corpus, tmp_path / "index", workers=1)
    assert (changed.added, changed.changed, changed.deleted, changed.unchanged) == (0, 1, 1, 2)
    assert [hit.id for hit in SearchEngine(tmp_path / "index").search('"mùa khô"').hits] == ["word/bao-cao.docx"]


def test_the_folder_a_browser_saves_beside_a_page_is_part_of_the_page(tmp_path):
    write(tmp_path, "tin.html", NEWS_PAGE)
    write(tmp_path, "tin_files/quang-cao.html", "<html><body><p>Mua ngay hôm nay, giảm giá 50%!</p></body></html>")
    write(tmp_path, "ghi-chu_files/note.txt", "Ghi chú\nmột thư mục tên như thế, không có trang bên cạnh")
    documents, problems = read_one(tmp_path / "tin.html")
    assert [d.id for d in documents] == ["tin.html", "ghi-chu_files/note.txt"] and not problems


def test_a_build_reads_each_costly_file_once(tmp_path, monkeypatch):
    import indexer.corpus

    corpus = tmp_path / "corpus"
    write(corpus, "tin.html", NEWS_PAGE)
    write(corpus, "bi-thu.pdf", (DOCUMENTS / "article.pdf").read_bytes())
    write(corpus, "tin.txt", "Thủy điện\nHồ đã tích đủ nước.")
    reads = []
    original = indexer.corpus.read_document
    monkeypatch.setattr(indexer.corpus, "read_document", lambda path, kind: reads.append(path.name) or original(path, kind))
    assert rebuild(corpus, tmp_path / "index", workers=1).documents == 3
    assert sorted(reads) == ["bi-thu.pdf", "tin.html", "tin.txt", "tin.txt"]  # text is cheaper read again than held
    assert SearchEngine(tmp_path / "index").search('"Lê Minh Đức"').total == 1


def test_jsonl_text_loses_its_chrome_and_gives_its_date_line(tmp_path):
    records = [
        {"id": "1", "title": "Anh hùng &amp; đổi mới", "text": "Tiếng Việt | English\n29/05/2020 - 19:54\n"
         "Ông Đức được bầu lại.\nChia sẻ bài viết", "source": "Báo A &amp; B", "url": "https://x.vn/?a=1&amp;b=2"},
        {"id": "2", "title": "Có ngày", "text": "29/05/2020\nNội dung.", "date": "2021-01-01"},
    ]
    write(tmp_path, "news.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    documents = {document.id: document for _, document in read_corpus(tmp_path, lambda problem: None)}
    first = documents["1"]
    assert (first.title, first.body, first.date) == ("Anh hùng & đổi mới", "Ông Đức được bầu lại.", "2020-05-29")
    assert (first.source, first.url) == ("Báo A & B", "https://x.vn/?a=1&b=2")
    assert documents["2"].date == "2021-01-01"  # the record's own date comes first
