"""Which documents of a corpus to index, held without their text.

The build reads the corpus twice: once here, in the parent, keeping only each
document's location, id, size and fingerprint, and once in each worker
process, which reads just the lines of its own share.  Holding every document in the
parent cost twice the corpus's size in memory (the parent's copy, and the
workers' copy-on-write copies of what they touched): 2.4 GB at the peak of a
corpus-large rebuild.

Web pages, PDF and Word files are the exception: reading one again would cost a large
share of its indexing (bench/extraction.py), and the text they give is small beside the
files, so the first reading keeps their documents, up to KEPT_CHARS of text, and the
workers take them from there.
"""

from dataclasses import dataclass, fields
from hashlib import blake2b
from pathlib import Path
from typing import Callable, Iterator

from indexer.corpus import Document, Location, Problem, read_corpus
from indexer.formats import format_of
from indexer.schema import DIGEST_BYTES

KEPT_CHARS = 20_000_000  # of text kept from files costly to read again
COSTLY_FORMATS = ("html", "pdf", "docx")


class CorpusChanged(RuntimeError):
    """The corpus changed between the two readings of one build."""


@dataclass(frozen=True)
class Entry:
    location: Location
    id: str
    size: int  # characters of title and body
    digest: bytes
    document: Document | None = None  # kept from the first reading when costly to read again


def digest(document: Document) -> bytes:
    """A fingerprint of everything indexed about a document: ``update`` re-indexes it when this changes.

    The text hashed is the repr of the tuple of the document's fields (as ``astuple`` gives it,
    without its deep copy, which took half the time): indexes built before must keep their
    fingerprints."""
    values = tuple(getattr(document, field.name) for field in _DOCUMENT_FIELDS)
    return blake2b(repr(values).encode("utf-8"), digest_size=DIGEST_BYTES).digest()


_DOCUMENT_FIELDS = fields(Document)


def scan(corpus_dir: Path, problems: list[Problem], on_problem=None,
         learn: Callable[[str], None] | None = None) -> list[Entry]:
    """The corpus's documents, one per id (of two with one id the later wins), in corpus order.
    Every problem met is added to ``problems`` and handed to ``on_problem``; ``learn`` is handed
    each document's title and body as one text (the build learns abbreviations from it)."""
    def problem(found: Problem) -> None:
        problems.append(found)
        if on_problem:
            on_problem(found)

    by_id: dict[str, Entry] = {}
    kept = 0
    for location, document in read_corpus(corpus_dir, problem):
        if document.id in by_id:
            problem(Problem(document.id, None, "duplicate id: the later document replaces the earlier", kept=True))
            del by_id[document.id]
        size = len(document.title) + len(document.body)
        keep = kept + size <= KEPT_CHARS and format_of(location[0]) in COSTLY_FORMATS
        kept += size if keep else 0
        by_id[document.id] = Entry(location, document.id, size, digest(document), document if keep else None)
        if learn:
            learn(f"{document.title}\n{document.body}")
    return list(by_id.values())


def file_states(corpus_dir: Path) -> dict[str, tuple[int, int]]:
    """(size, modification time) of each file under ``corpus_dir``, by path relative to it."""
    states = {}
    for path in Path(corpus_dir).rglob("*"):
        try:
            if path.is_file():
                status = path.stat()
                states[str(path.relative_to(corpus_dir))] = (status.st_size, status.st_mtime_ns)
        except OSError:  # gone meanwhile: not there any more
            continue
    return states


def changed_since(corpus_dir: Path, before: dict[str, tuple[int, int]]) -> list[Problem]:
    """A warning for each file written, added or removed since ``before`` (``file_states``):
    the build read it as it was at some moment in between."""
    after = file_states(corpus_dir)
    return [Problem(name, None, "changed while it was read: the index holds it as it was when read; "
                                "`timkiem update` indexes what changed", kept=True)
            for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]


@dataclass(frozen=True)
class Selection:
    """Some of a corpus's documents, to be read again where they are indexed."""

    corpus_dir: Path
    entries: list[Entry]

    def __len__(self) -> int:
        return len(self.entries)

    def documents(self, start: int, end: int) -> Iterator[Document]:
        """Documents ``start`` to ``end - 1`` of the selection: those kept from the first reading,
        then the others read again from the corpus."""
        share = self.entries[start:end]
        yield from (entry.document for entry in share if entry.document is not None)
        wanted = {entry.location: entry for entry in share if entry.document is None}
        if not wanted:
            return
        found = 0
        for location, document in read_corpus(self.corpus_dir, lambda problem: None, only=set(wanted)):
            if digest(document) != wanted[location].digest:
                raise CorpusChanged(f"{self.corpus_dir} changed during the build "
                                    f"(at {document.id!r}): run it again")
            found += 1
            yield document
        if found < len(wanted):
            raise CorpusChanged(f"{self.corpus_dir} changed during the build (documents missing): run it again")
