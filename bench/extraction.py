"""Reading documents: titles, dates and article text from web pages, the seed corpus, and PDF
and Word files made from it; what the alternatives give on the same files.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/pip install readability-lxml  # the alternatives
    .venv/bin/python bench/extraction.py [--no-compare] [--skip-long] [--skip-jsonl]

Printed per source: title accuracy, date accuracy, body accuracy (the body holds the
recorded first and last sentences near its two ends: nothing before the first but the
lead, the headline or a short byline, nothing after the last but a short byline), and
seconds per file on one core (process CPU time).

- ../shared/pages-dev: real saved news pages with their gold (headline, date, lead,
  first and last sentences of the body).
- corpus/: the five seed articles (gold below, read by hand), as .txt, and as Word and
  PDF files made from them here (python-docx; PDF by LibreOffice's `soffice` when it is
  installed, else fpdf2 with DejaVu Sans).
- PDF libraries: pdfminer.six (used) and pypdf on the same PDFs, and on a long PDF of the
  seed articles repeated (about 360 pages): seconds per page, share of the source's words
  read back in order, share of its paragraph breaks kept.
- JSONL: ../shared/corpus-large/vntc/vntc-train-00.jsonl read as the build reads it:
  microseconds per record, and how many records the cleanup changed (entities, chrome).
"""

import argparse
import difflib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._shared import ROOT, shared_path  # noqa: E402
from indexer.corpus import read_corpus  # noqa: E402
from indexer.formats import Extracted, read_document  # noqa: E402

SEED = ROOT / "corpus"
BYLINE_CHARS = 80  # what may stand beside the body's ends: "Hà Thu (tổng hợp)", "(Dân trí) -"
# The five seed articles, read by hand: the headline (004 has none: its lead's first sentence),
# the date each writes with its year, the body's first and last sentences (bylines not counted).
SEED_GOLD = {
    "000_6193fe72d397037f": ("Đại hội Đảng bộ Sở Công thương tỉnh Bắc Giang lần thứ III Nhiệm kỳ (2020-2025)", "",
                             "Trong 2 ngày 7 và 8/5, Đại hội Đảng bộ Sở Công thương tỉnh Bắc Giang lần thứ III,",
                             "Đại hội Đảng bộ các Cơ quan tỉnh lần thứ XVIII, nhiệm kỳ 2020 - 2025./. "
                             "Hải Yến - Trung Tâm KC&XTTM Bắc Giang"),
    "001_d23bc6b310a03c33": ("Phát triển công nghiệp, thương mại hiện đại", "2020-05-28",
                             "Tham mưu phát triển công nghiệp, thương mại hiện đại,",
                             "Kim ngạch xuất, nhập khẩu đạt hơn 6.080 triệu USD, tăng bình quân 10%/năm. Duy Huy"),
    "002_65ae49e15be055b1": ("Đoàn Kiểm tra Tỉnh ủy làm việc với Sở Công Thương về tình hình thực hiện Nghị quyết "
                             "của Trung ương Đảng", "",
                             "Sáng ngày 09/05, đồng chí Trần Thanh Liêm - Phó Bí thư Tỉnh Ủy,",
                             "Trần Thanh Liêm phát biểu tại buổi làm việc Hồng Phúc - XTTM."),
    "003_d5561cf7ca1d1a0e": ("Ông Lê Minh Đức tiếp tục giữ chức vụ Bí thư Đảng uỷ Sở Công Thương Long An",
                             "2020-05-29", "Trong 2 ngày 28 và 29/5, Đảng bộ Sở Công Thương tỉnh Long An",
                             "tiếp tục được bầu giữ chức danh Bí thư Đảng ủy./. Mai Hương"),
    "004_fde5045bc1581ebf": ("Ngày 20/1/2020, Sở Công thương tổ chức hội nghị triển khai nhiệm vụ năm 2020",
                             "2020-01", "Ngày 20/1/2020, Sở Công thương tổ chức hội nghị triển khai nhiệm vụ",
                             "xây dựng nông thôn mới giai đoạn 2010 - 2020. Nguyễn Hường"),
}


@dataclass(frozen=True)
class Gold:
    name: str
    title: str
    date: str
    first: str
    last: str
    lead: str = ""


def normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def body_right(body: str, gold: Gold, title: str) -> bool:
    """The first and last sentences near the body's two ends: before the first only the lead,
    the headline or a byline; after the last only a byline."""
    body = normal(body)
    start, end = body.find(normal(gold.first)), body.rfind(normal(gold.last))
    if start < 0 or end < 0:
        return False
    before = body[:start]
    if gold.lead and (lead_at := before.find(normal(gold.lead))) >= 0:
        before = before[:lead_at]  # the lead paragraph, of which the gold holds the first sentence
    if title:
        before = before.replace(normal(title), "")
    after = body[end + len(normal(gold.last)):]
    return len(before.strip()) <= BYLINE_CHARS and len(after.strip()) <= BYLINE_CHARS


@dataclass
class Tally:
    files: int = 0
    titles: int = 0
    dates: int = 0
    dated: int = 0  # files whose gold has a date
    undated_given: int = 0  # files without a written date that got one (a file's creation date)
    bodies: int = 0
    seconds: float = 0.0

    def add(self, gold: Gold, got: Extracted, seconds: float) -> list[str]:
        self.files += 1
        self.seconds += seconds
        wrong = []
        if normal(got.title) == normal(gold.title):
            self.titles += 1
        else:
            wrong.append(f"title {got.title[:70]!r}")
        if gold.date:
            self.dated += 1
            if got.date == gold.date:
                self.dates += 1
            else:
                wrong.append(f"date {got.date!r} (wanted {gold.date})")
        elif got.date:
            self.undated_given += 1
        if body_right(got.body, gold, got.title):
            self.bodies += 1
        else:
            wrong.append(f"body {normal(got.body)[:50]!r} … {normal(got.body)[-70:]!r}")
        return wrong

    def line(self, label: str) -> str:
        undated = f" (+{self.undated_given} undated given the file's date)" if self.undated_given else ""
        return (f"{label:<38} titles {self.titles}/{self.files}  dates {self.dates}/{self.dated}{undated}  "
                f"bodies {self.bodies}/{self.files}  {self.seconds / max(1, self.files) * 1000:6.1f} ms/file "
                f"({self.files / self.seconds if self.seconds else 0:5.1f} files/s)")


def measure(label: str, cases: list[tuple[Gold, Callable[[], Extracted]]], verbose: bool) -> Tally:
    tally = Tally()
    for gold, read in cases:
        started = time.process_time()
        got = read()
        wrong = tally.add(gold, got, time.process_time() - started)
        if wrong and verbose:
            print(f"    {gold.name}: " + "; ".join(wrong))
    print(tally.line(label))
    return tally


# --- web pages ---------------------------------------------------------------------------------

def page_cases(pages_dir: Path) -> list[tuple[Gold, bytes]]:
    cases = []
    for line in (pages_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        gold = Gold(record["file"], record["title"], record["date"], record["first_sentence"],
                    record["last_sentence"], record["lead"])
        cases.append((gold, (pages_dir / record["file"]).read_bytes()))
    return cases


def alternatives() -> dict[str, Callable[[bytes], Extracted]]:
    """Other ways to read a page, measured against ours."""
    import trafilatura

    def trafilatura_alone(data: bytes, fast: bool) -> Extracted:
        found = trafilatura.bare_extraction(data, fast=fast, with_metadata=True, include_comments=False)
        return Extracted(found.title or "", found.text or "", found.date or "", found.sitename or "", found.url or "")

    found = {"trafilatura 2, metadata + body": lambda data: trafilatura_alone(data, False),
             "trafilatura 2 fast, metadata + body": lambda data: trafilatura_alone(data, True)}
    try:
        import htmldate
        import lxml.html
        from readability import Document as Readability
    except ImportError:
        print("  (readability-lxml not installed: .venv/bin/pip install readability-lxml to measure it)")
        return found

    def readability(data: bytes) -> Extracted:
        article = Readability(data.decode("utf-8", "replace"))
        body = lxml.html.fromstring(article.summary()).text_content()
        date = htmldate.find_date(data.decode("utf-8", "replace"), extensive_search=False) or ""
        return Extracted(article.short_title(), "\n".join(line for line in body.split("\n") if line.strip()), date)

    found["readability-lxml + htmldate"] = readability
    return found


def bench_pages(pages_dir: Path, compare: bool, verbose: bool) -> None:
    from indexer.formats.html import read_html

    cases = page_cases(pages_dir)
    print(f"\n== web pages: {pages_dir} ({len(cases)} pages, "
          f"{sum(len(data) for _, data in cases) / len(cases) / 1024:.0f} KB each)")
    for _, data in cases[:2]:
        read_html(data)  # imports and caches warmed, as in a build
    measure("timkiem (lxml metadata, trafilatura fast)", [(gold, lambda data=data: read_html(data))
                                                         for gold, data in cases], verbose)
    if compare:
        for label, read in alternatives().items():
            measure(label, [(gold, lambda data=data, read=read: read(data)) for gold, data in cases], verbose)


# --- the seed corpus, and Word and PDF files made from it ------------------------------------

def seed_gold() -> list[Gold]:
    return [Gold(name, *fields) for name, fields in SEED_GOLD.items()]


def make_documents(folder: Path) -> tuple[str, list[Path], list[Path]]:
    """Word files of the seed articles (a paragraph a line), and PDFs of them: how they were made,
    the DOCX paths, the PDF paths."""
    import datetime

    import docx

    docx_paths = []
    for gold in seed_gold():
        document = docx.Document()
        document.core_properties.created = datetime.datetime.now()  # as Word sets it when a file is saved
        for line in (SEED / f"{gold.name}.txt").read_text(encoding="utf-8").split("\n"):
            document.add_paragraph(line.strip())
        path = folder / f"{gold.name}.docx"
        document.save(str(path))
        docx_paths.append(path)
    if shutil.which("soffice"):
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                        *map(str, docx_paths)], check=True, capture_output=True)
        return "LibreOffice from the Word files", docx_paths, [path.with_suffix(".pdf") for path in docx_paths]
    return "fpdf2 with DejaVu Sans (install LibreOffice for office-made PDFs)", docx_paths, _fpdf_pdfs(folder)


def _fpdf_pdfs(folder: Path) -> list[Path]:
    from fpdf import FPDF

    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.exists():
        sys.exit("bench: neither LibreOffice nor fonts-dejavu-core is installed: cannot make Vietnamese PDFs")
    paths = []
    for gold in seed_gold():
        pdf = FPDF()
        pdf.add_page()
        pdf.add_font("DejaVu", fname=str(font))
        pdf.set_font("DejaVu", size=11)
        pdf.multi_cell(0, 6, (SEED / f"{gold.name}.txt").read_text(encoding="utf-8"))
        pdf.output(str(folder / f"{gold.name}.pdf"))
        paths.append(folder / f"{gold.name}.pdf")
    return paths


def bench_seed(folder: Path, verbose: bool) -> list[Path]:
    print(f"\n== seed corpus: {SEED}, and Word and PDF files made from it")
    golds = seed_gold()
    how, docx_paths, pdf_paths = make_documents(folder)
    measure(".txt (scraped text)", [(gold, lambda gold=gold: read_document(SEED / f"{gold.name}.txt", "text"))
                                    for gold in golds], verbose)
    measure(".docx (python-docx)", [(gold, lambda path=path: read_document(path, "docx"))
                                    for gold, path in zip(golds, docx_paths)], verbose)
    measure(".pdf (pdfminer.six)", [(gold, lambda path=path: read_document(path, "pdf"))
                                    for gold, path in zip(golds, pdf_paths)], verbose)
    print(f"  PDFs made by {how}")
    return pdf_paths


# --- PDF libraries ----------------------------------------------------------------------------

def words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text))


def paragraphs(text: str) -> list[str]:
    return [normal(part) for part in re.split(r"\n\s*\n", text) if part.strip()]


def pdf_libraries() -> dict[str, Callable[[Path], tuple[str, int]]]:
    from pdfminer.high_level import extract_text
    from pdfminer.pdfpage import PDFPage

    def pdfminer(path: Path) -> tuple[str, int]:
        with open(path, "rb") as stream:
            pages = sum(1 for _ in PDFPage.get_pages(stream))
        return extract_text(str(path)), pages

    found = {"pdfminer.six": pdfminer}
    try:
        import pypdf
    except ImportError:
        print("  (pypdf not installed: pip install -e '.[bench]' to measure it)")
        return found

    def pypdf_text(path: Path) -> tuple[str, int]:
        reader = pypdf.PdfReader(str(path))
        return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)

    found["pypdf"] = pypdf_text
    return found


def bench_pdf_libraries(pdf_paths: list[Path], folder: Path, long_pdf: bool) -> None:
    sources = {path: (SEED / f"{path.stem}.txt").read_text(encoding="utf-8") for path in pdf_paths}
    if long_pdf and shutil.which("soffice"):
        import docx

        document, text = docx.Document(), ""
        for _ in range(60):
            for source in sources.values():
                for line in source.split("\n"):
                    if line.strip():
                        document.add_paragraph(line.strip())
                        text += line.strip() + "\n\n"
        document.save(str(folder / "long.docx"))
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                        str(folder / "long.docx")], check=True, capture_output=True)
        sources[folder / "long.pdf"] = text
    print("\n== PDF libraries: the text layer of the PDFs above"
          + (" and of the seed articles 60 times over" if len(sources) > len(pdf_paths) else ""))
    for label, read in pdf_libraries().items():
        for group, paths in (("seed PDFs", pdf_paths), ("long PDF", [p for p in sources if p not in pdf_paths])):
            if not paths:
                continue
            seconds, pages, found, total, kept, breaks = 0.0, 0, 0, 0, 0, 0
            for path in paths:
                started = time.process_time()
                text, count = read(path)
                seconds += time.process_time() - started
                pages += count
                source_words, got_words = words(sources[path]), words(text)
                matcher = difflib.SequenceMatcher(None, source_words, got_words, autojunk=False)
                found += sum(block.size for block in matcher.get_matching_blocks())
                total += len(source_words)
                got_paragraphs = set(paragraphs(text))
                wanted = [p for p in paragraphs(sources[path]) if len(p) > 40]
                kept += sum(1 for p in wanted if p in got_paragraphs)
                breaks += len(wanted)
            print(f"{label:<14} {group:<10} {pages:4d} pages  {seconds / pages * 1000:6.1f} ms/page  "
                  f"words read back {found / total:6.1%}  paragraphs whole {kept / breaks:6.1%}")


# --- JSONL ------------------------------------------------------------------------------------

def bench_jsonl(path: Path) -> None:
    from indexer.text import clean

    print(f"\n== JSONL: {path}")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / path.name).symlink_to(path.resolve())
        started = time.process_time()
        documents = [document for _, document in read_corpus(Path(folder), lambda problem: None)]
        seconds = time.process_time() - started
    changed = entities = 0
    reference = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]+);", re.IGNORECASE)
    by_id = {document.id: document for document in documents}
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            document = by_id.get(str(record["id"]))
            if document is None:
                continue
            raw = clean(record.get("text") or "").strip()
            if document.body != raw:
                changed += 1
                entities += reference.search(raw) is not None
    print(f"read {len(documents):,} records in {seconds:.2f} s of CPU ({seconds / len(documents) * 1e6:.0f} µs each); "
          f"text changed by the cleanup in {changed:,} ({changed / len(documents):.2%}), "
          f"of them {entities:,} with references such as &amp;")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, help="pages-dev folder (default ../shared/pages-dev)")
    parser.add_argument("--jsonl", type=Path, help="a JSONL file (default ../shared/corpus-large/vntc/vntc-train-00.jsonl)")
    parser.add_argument("--no-compare", action="store_true", help="only timkiem's readers, not the alternatives")
    parser.add_argument("--skip-long", action="store_true", help="no long PDF for the PDF libraries")
    parser.add_argument("--skip-jsonl", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true", help="say what each wrong file gave")
    args = parser.parse_args()
    bench_pages(args.pages or shared_path("pages-dev"), not args.no_compare, args.verbose)
    with tempfile.TemporaryDirectory(prefix="timkiem-bench-extraction-") as folder:
        pdf_paths = bench_seed(Path(folder), args.verbose)
        if not args.no_compare:
            bench_pdf_libraries(pdf_paths, Path(folder), not args.skip_long)
    if not args.skip_jsonl:
        bench_jsonl(args.jsonl or shared_path("corpus-large/vntc/vntc-train-00.jsonl"))


if __name__ == "__main__":
    main()
