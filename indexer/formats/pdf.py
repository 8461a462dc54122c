"""PDF files: the text layer of every page, read one page at a time (pdfminer.six).

pdfminer.six rather than pypdf: on PDFs made from our articles both read every word
right, and pypdf was faster (bench/extraction.py), but pdfminer's layout analysis
gives each paragraph as one block, so that a headline wrapped over two lines comes
out whole and paragraphs keep their breaks.  Pages are laid out and released one at
a time, and reading stops as soon as the text passes the size limit.
"""

import re
from pathlib import Path

from pdfminer.layout import LAParams, LTTextContainer
from pdfminer.converter import PDFPageAggregator
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text

from indexer.formats import MAX_DOCUMENT_BYTES, Extracted, Unreadable, too_large
from indexer.formats.dates import iso_date
from indexer.formats.plain import read_plain

# Running headers and footers that are only a page number: "3", "- 3 -", "Trang 3", "3/12".
_PAGE_NUMBER = re.compile(r"[-–\s]*(?:trang|page)?\s*\d{1,4}(?:\s*/\s*\d{1,4})?[-–\s]*", re.IGNORECASE)
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?")
# Titles that PDF writers fill in by themselves.
_GENERATED_TITLE = re.compile(r"(?:untitled|microsoft word\b.*|.*\.(?:docx?|odt|rtf|txt|html?|pdf))", re.IGNORECASE)


def read_pdf(path: Path) -> Extracted:
    with open(path, "rb") as stream:
        try:
            document = PDFDocument(PDFParser(stream), password="")
        except PDFPasswordIncorrect:
            raise Unreadable("encrypted PDF: it needs a password to open; save a copy without one") from None
        except Exception as exc:  # pdfminer reports a damaged file through many exception types
            raise Unreadable(f"damaged PDF ({_describe(exc)})") from None
        info = _info(document)
        try:
            paragraphs = _paragraphs(document)
        except Unreadable:
            raise
        except Exception as exc:
            raise Unreadable(f"damaged PDF ({_describe(exc)})") from None
    if not any(paragraphs):
        raise Unreadable("no text, needs OCR: the PDF holds only pictures of its pages (a scan?)")
    title = info.get("Title", "")
    text = read_plain("\n".join(paragraphs), title="" if _GENERATED_TITLE.fullmatch(title) else title)
    return Extracted(title=text.title, body=text.body, date=text.date or _pdf_date(info.get("CreationDate", "")))


def _paragraphs(document: PDFDocument) -> list[str]:
    """Each text block of each page as one line, without lone page numbers."""
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=LAParams())
    interpreter = PDFPageInterpreter(resources, device)
    paragraphs, size = [], 0
    for page in PDFPage.create_pages(document):
        interpreter.process_page(page)
        for element in device.get_result():
            if isinstance(element, LTTextContainer):
                paragraph = _unwrap(element.get_text())
                if paragraph and not _PAGE_NUMBER.fullmatch(paragraph):
                    paragraphs.append(paragraph)
                    size += len(paragraph)
        if size > MAX_DOCUMENT_BYTES:
            raise Unreadable(too_large(size))
    return paragraphs


def _unwrap(block: str) -> str:
    """A block's lines as one line: ``(2020-`` + ``2025)`` -> ``(2020-2025)``, else joined by a space."""
    lines = [" ".join(line.split()) for line in block.split("\n") if line.strip()]  # justified text: wide spaces
    joined = ""
    for line in lines:
        if joined.endswith("-") and not joined.endswith(" -"):
            joined += line
        else:
            joined = f"{joined} {line}" if joined else line
    return joined


def _info(document: PDFDocument) -> dict[str, str]:
    found = {}
    for info in document.info:
        for key, value in info.items():
            try:
                value = value.resolve() if hasattr(value, "resolve") else value
                if isinstance(value, bytes):
                    value = decode_text(value)
                elif isinstance(value, PSLiteral):
                    value = str(value.name)
            except Exception:
                continue  # a broken metadata entry: the text is still worth reading
            if isinstance(value, str) and value.strip():
                found.setdefault(key, value.strip())
    return found


def _pdf_date(value: str) -> str:
    match = _PDF_DATE.match(value)
    if match is None:
        return ""
    return iso_date("-".join(part for part in match.groups() if part))


def _describe(exc: Exception) -> str:
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message[:120]}" if message else type(exc).__name__
