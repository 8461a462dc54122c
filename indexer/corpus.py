"""Reading a corpus folder into Document records.

Supported files, found by walking the folder recursively (hidden entries are
skipped): ``.txt`` and ``.md`` (first non-empty line is the title, the rest
the body, id = path relative to the corpus root) and ``.jsonl`` / ``.jsonl.gz``
(one JSON object a line with ``id``, ``title``, ``text`` and optional
``date``, ``source``, ``url``, ``category``).  Dates are kept as ISO text
(``2024-05-01``, or ``2024-05`` / ``2024`` when that is all there is) so that
they sort and facet by year; one the reader cannot place is dropped, reported.

Nothing here raises on bad input: every unreadable file or line is handed to
``on_problem`` as a Problem(path, line, reason) and skipped.
"""

import codecs
import datetime
import gzip
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from indexer.text import clean

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
OPTIONAL_FIELDS = ("date", "source", "url", "category")
# A larger document takes minutes to segment and cannot be shown usefully on one
# page; Elasticsearch refuses requests over 100 MB for similar reasons.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


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

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


ProblemHandler = Callable[[Problem], None]


class UndecodableError(ValueError):
    pass


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


# Where a document was read: its file, relative to the corpus folder, and its line (0: the whole file).
Location = tuple[str, int]


def read_corpus(root: Path, on_problem: ProblemHandler) -> Iterator[Document]:
    """Every document under ``root``, in a stable (sorted path) order."""
    for _, document in read_located(root, on_problem):
        yield document


def read_located(root: Path, on_problem: ProblemHandler,
                 only: set[Location] | None = None) -> Iterator[tuple[Location, Document]]:
    """``read_corpus`` with each document's location; with ``only``, just the documents at
    those locations, without decoding the other lines (a build's workers read their share so)."""
    root = Path(root)
    files = None if only is None else {relative for relative, _ in only}
    for path in _corpus_files(root):
        relative = path.relative_to(root).as_posix()
        if files is not None and relative not in files:
            continue
        if path.name.endswith(JSONL_SUFFIXES):
            lines = None if only is None else {line for where, line in only if where == relative}
            for line, document in _read_jsonl(path, relative, on_problem, lines):
                yield (relative, line), document
        else:
            document = _read_text_file(path, relative, on_problem)
            if document is not None:
                yield (relative, 0), document


def _corpus_files(root: Path) -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.endswith(TEXT_SUFFIXES + JSONL_SUFFIXES):
                found.append(Path(folder) / name)
    return found


def _too_large(size: int) -> str:
    return (f"document too large ({size / 2**20:.0f} MB; the limit is "
            f"{MAX_DOCUMENT_BYTES / 2**20:.0f} MB): split it into smaller files")


def _read_text_file(path: Path, relative: str, on_problem: ProblemHandler) -> Document | None:
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            on_problem(Problem(relative, None, _too_large(size)))
            return None
        text = clean(decode(path.read_bytes()))
    except (OSError, UndecodableError) as exc:
        on_problem(Problem(relative, None, _reason(exc)))
        return None
    lines = text.split("\n")
    nonempty = [i for i, line in enumerate(lines) if line.strip()]
    if not nonempty:
        on_problem(Problem(relative, None, "empty file"))
        return None
    first = nonempty[0]
    title = lines[first].strip()
    if path.suffix == ".md":
        title = title.lstrip("#").strip()
    body = "\n".join(lines[first + 1:]).strip()
    return Document(id=relative, title=title, body=body)


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
                    on_problem(Problem(relative, number, _too_large(len(raw))))
                    continue
                try:
                    yield number, _jsonl_document(raw, lambda reason: on_problem(Problem(relative, number, reason)))
                except (UndecodableError, ValueError) as exc:
                    on_problem(Problem(relative, number, _reason(exc)))
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
        fields[name] = clean(value).strip()
    if not fields["title"] and not fields["text"]:
        raise ValueError('both "title" and "text" are empty')
    if fields["date"]:
        date = iso_date(fields["date"])
        if not date:
            warn(f'date {fields["date"][:40]!r} not understood (use 2024-05-01 or 01/05/2024): indexed without a date')
        fields["date"] = date
    return Document(
        id=clean(doc_id).strip(),
        title=fields["title"],
        body=fields["text"],
        **{name: fields[name] for name in OPTIONAL_FIELDS},
    )


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[T ,].*)?")  # as Vietnamese write dates


def iso_date(text: str) -> str:
    """``2024-05-01``, ``2024-05-01T10:00``, ``1/5/2024`` -> ``2024-05-01``; ``2024-05`` and ``2024``
    stay as precise as given; anything else -> ''."""
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = match.groups()
    else:
        return ""
    parts = [int(year)] + [int(p) for p in (month, day) if p is not None]
    try:
        datetime.date(*(parts + [1, 1])[:3])  # a real day of a real month
    except ValueError:
        return ""
    return "-".join([f"{parts[0]:04d}"] + [f"{value:02d}" for value in parts[1:]])


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return str(exc)
