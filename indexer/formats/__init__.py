"""Reading one document file by its format: its title, body, date, site and address.

Each reader takes the file's path and returns an Extracted record, or raises
Unreadable with the reason a user is told (damaged, encrypted, a scan without
text, too large).  Readers of HTML, PDF and Word are imported when a file of
theirs is met: a corpus of JSONL never loads them.
"""

import codecs
from dataclasses import dataclass
from pathlib import Path

# A larger document takes minutes to segment and cannot be shown usefully on one
# page; Elasticsearch refuses requests over 100 MB for similar reasons.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Files hold more than their text: a saved page its scripts and inline pictures,
# a PDF or Word file its fonts and images.
MAX_FILE_BYTES = {"html": 50 * 1024 * 1024, "pdf": 200 * 1024 * 1024, "docx": 200 * 1024 * 1024}

FORMATS = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx",
           ".jsonl": "jsonl", ".jsonl.gz": "jsonl"}
# Document formats people keep beside these, which timkiem cannot read: named, not silently passed over.
UNSUPPORTED = (".doc", ".odt", ".rtf", ".ppt", ".pptx", ".xls", ".xlsx", ".epub")


@dataclass(frozen=True)
class Extracted:
    title: str
    body: str
    date: str = ""
    source: str = ""
    url: str = ""


class Unreadable(ValueError):
    """A file that cannot be indexed; the message says why."""


class UndecodableError(Unreadable):
    pass


def format_of(name: str) -> str | None:
    """The format of a file name ("html", "pdf" …), or None for files that are not documents."""
    lower = name.lower()
    for suffix, kind in FORMATS.items():
        if lower.endswith(suffix):
            return kind
    return None


def too_large(size: int, limit: int = MAX_DOCUMENT_BYTES, what: str = "document") -> str:
    return f"{what} too large ({size / 2**20:.0f} MB; the limit is {limit / 2**20:.0f} MB): split it into smaller files"


def decode(data: bytes) -> str:
    """Text of a file's bytes: UTF-8 (BOM optional) or UTF-16 with a BOM."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UndecodableError(f"invalid UTF-16 at byte {exc.start}") from None
    if b"\x00" in data:
        raise UndecodableError("binary data (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UndecodableError(
            f"not UTF-8 (invalid byte at offset {exc.start}); save it as UTF-8 or UTF-16 with a BOM"
        ) from None


def read_document(path: Path, kind: str) -> Extracted:
    """The document in the file at ``path``, of format ``kind`` (not "jsonl": one file, one document)."""
    size = path.stat().st_size
    limit = MAX_FILE_BYTES.get(kind, MAX_DOCUMENT_BYTES)
    if size > limit:
        raise Unreadable(too_large(size, limit, "file" if kind in MAX_FILE_BYTES else "document"))
    if kind == "html":
        from indexer.formats.html import read_html
        extracted = read_html(path.read_bytes())
    elif kind == "pdf":
        from indexer.formats.pdf import read_pdf
        extracted = read_pdf(path)
    elif kind == "docx":
        from indexer.formats.docx import read_docx
        extracted = read_docx(path)
    else:
        from indexer.formats.plain import read_plain
        extracted = read_plain(decode(path.read_bytes()), markdown=kind == "markdown")
    if len(extracted.body) > MAX_DOCUMENT_BYTES:
        raise Unreadable(too_large(len(extracted.body.encode("utf-8"))))
    return extracted
