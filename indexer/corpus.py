"""Reading a corpus folder into Document records.

Files found by walking the folder recursively (hidden entries are skipped), by
format (indexer/formats): ``.txt`` and ``.md`` (scraped text: the headline, a
date line near it, the body without site chrome), ``.html`` / ``.htm`` (the
article of a saved web page and its metadata), ``.pdf`` and ``.docx``; each is
one document whose id is its path relative to the corpus root.  ``.jsonl`` /
``.jsonl.gz``: one JSON object a line with ``id``, ``title``, ``text`` and
optional ``date``, ``source``, ``url``, ``category``; site chrome is taken out
of its text too.  Dates are kept as ISO text (``2024-05-01``, or ``2024-05`` /
``2024`` when that is all there is) so that they sort and facet by year; one
the reader cannot place is dropped, reported.

Nothing here raises on bad input: every unreadable file or line is handed to
``on_problem`` as a Problem(path, line, reason) and skipped.
"""

import gzip
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from indexer.formats import (MAX_DOCUMENT_BYTES, UNSUPPORTED, UndecodableError, Unreadable, decode, format_of,
                             read_document, too_large)
from indexer.formats.dates import iso_date
from indexer.formats.scraped import clean_body
from indexer.text import clean, decode_entities

__all__ = ["MAX_DOCUMENT_BYTES", "Document", "Location", "Problem", "read_corpus", "read_file"]

OPTIONAL_FIELDS = ("date", "source", "url", "category")


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    body: str
    date: str = ""
    source: str = ""
    url: str = ""
    category: str = ""


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    reason: str
    kept: bool = False  # a warning about a document that is still indexed

    @property
    def kind(self) -> str:
        """The reason without its particulars, to count problems by: "damaged PDF", "not UTF-8" …"""
        return _PARTICULARS.split(self.reason, maxsplit=1)[0].strip()

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


ProblemHandler = Callable[[Problem], None]
_PARTICULARS = re.compile(r"[:(;]")


# Where a document was read: its file, relative to the corpus folder, and its line (0: the whole file).
Location = tuple[str, int]


def read_corpus(root: Path, on_problem: ProblemHandler,
                only: set[Location] | None = None) -> Iterator[tuple[Location, Document]]:
    """Every document under ``root`` with its location, in a stable (sorted path) order; with
    ``only``, just the documents at those locations, without decoding the other lines (a
    build's workers read their share so)."""
    root = Path(root)
    files = None if only is None else {relative for relative, _ in only}
    for path in _corpus_files(root, on_problem):
        relative = path.relative_to(root).as_posix()
        if files is not None and relative not in files:
            continue
        lines = None if only is None else {line for where, line in only if where == relative}
        yield from read_file(path, relative, on_problem, lines)


def read_file(path: Path, relative: str, on_problem: ProblemHandler,
              lines: set[int] | None = None) -> Iterator[tuple[Location, Document]]:
    """The documents of one file (of a JSONL file, those on ``lines`` when given)."""
    kind = format_of(path.name)
    if kind == "jsonl":
        for line, document in _read_jsonl(path, relative, on_problem, lines):
            yield (relative, line), document
        return
    try:
        extracted = read_document(path, kind)
    except OSError as exc:
        on_problem(Problem(relative, None, _reason(exc)))
        return
    except Unreadable as exc:
        on_problem(Problem(relative, None, str(exc)))
        return
    title, body = clean(extracted.title).strip(), clean(extracted.body).strip()
    if not title and not body:
        on_problem(Problem(relative, None, "empty file" if kind in ("text", "markdown") else "no text"))
        return
    yield (relative, 0), Document(id=relative, title=title, body=body, date=extracted.date,
                                  source=clean(extracted.source).strip(), url=clean(extracted.url).strip())


def _corpus_files(root: Path, on_problem: ProblemHandler) -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and not _saved_page_parts(d, files))
        for name in sorted(files):
            if name.startswith("."):
                continue
            if format_of(name):
                found.append(Path(folder) / name)
            elif name.lower().endswith(UNSUPPORTED):
                relative = (Path(folder) / name).relative_to(root).as_posix()
                on_problem(Problem(relative, None, f"unsupported format ({Path(name).suffix.lower()}): "
                                                   "save it as .docx, PDF or text"))
    return found


def _saved_page_parts(folder: str, files: list[str]) -> bool:
    """A browser's "save page" folder (``page_files`` beside ``page.html``): its scripts, styles
    and the frames of advertisements are parts of that page, not documents."""
    return folder.endswith("_files") and any(f"{folder[:-6]}.{suffix}" in files for suffix in ("html", "htm"))


def _read_jsonl(path: Path, relative: str, on_problem: ProblemHandler,
                lines: set[int] | None = None) -> Iterator[tuple[int, Document]]:
    """(line number, document) of each good line, or of the ``lines`` given."""
    opener = gzip.open if path.name.endswith(".gz") else open
    last = max(lines, default=0) if lines is not None else None
    try:
        with opener(path, "rb") as stream:
            for number, raw in enumerate(stream, start=1):
                if lines is not None and number not in lines:
                    if number > last:
                        return
                    continue
                if not raw.strip():
                    continue
                if len(raw) > MAX_DOCUMENT_BYTES:
                    on_problem(Problem(relative, number, too_large(len(raw))))
                    continue
                try:
                    yield number, _jsonl_document(raw, lambda reason: on_problem(Problem(relative, number, reason, kept=True)))
                except (UndecodableError, ValueError) as exc:
                    unfinished = not raw.endswith(b"\n")  # the last line, perhaps still being written
                    on_problem(Problem(relative, number, "incomplete last line (still being written?)" if unfinished
                                       else _reason(exc)))
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        on_problem(Problem(relative, None, _reason(exc)))


def _jsonl_document(raw: bytes, warn: Callable[[str], None]) -> Document:
    try:
        record = json.loads(decode(raw))
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    doc_id = record.get("id")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not clean(doc_id).strip():
        raise ValueError('missing or empty "id"')
    fields = {}
    for name in ("title", "text") + OPTIONAL_FIELDS:
        value = record.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValueError(f'"{name}" must be a string')
        fields[name] = decode_entities(clean(value)).strip()
    if not fields["title"] and not fields["text"]:
        raise ValueError('both "title" and "text" are empty')
    fields["text"], written = clean_body(fields["text"])
    if fields["date"]:
        date = iso_date(fields["date"])
        if not date:
            warn(f'date {fields["date"][:40]!r} not understood (use 2024-05-01 or 01/05/2024): indexed without a date')
        fields["date"] = date
    else:
        fields["date"] = written
    return Document(
        id=clean(doc_id).strip(),
        title=fields["title"],
        body=fields["text"],
        **{name: fields[name] for name in OPTIONAL_FIELDS},
    )


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return str(exc)
