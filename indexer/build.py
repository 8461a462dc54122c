"""Rebuilding the index: corpus -> analysed documents -> a new generation.

Segmentation with pyvi is the slow part, so worker processes analyse the
documents and the parent process only feeds ready-made terms to the Whoosh
writer (one writer: Whoosh cannot merge faster in parallel).
"""

import multiprocessing
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from whoosh import index as whoosh_index

from indexer import generations
from indexer.analysis import index_terms
from indexer.corpus import Document, Problem, read_corpus
from indexer.schema import FOLDED_SUFFIX, PAIRS_FIELD, build_schema

Progress = Callable[[int, int], None]  # (documents done, documents in all)


@dataclass
class BuildReport:
    documents: int = 0
    seconds: float = 0.0
    size_bytes: int = 0
    generation: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(1 for problem in self.problems if not problem.reason.startswith("duplicate id"))


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def rebuild(corpus_dir: Path, index_dir: Path, fold: bool = True, workers: int | None = None,
            progress: Progress | None = None, on_problem=None) -> BuildReport:
    """Build a new generation from ``corpus_dir`` and make it live.

    Raises RebuildRunning when another rebuild holds the folder, and
    FileNotFoundError when the corpus folder does not exist.
    """
    started = time.monotonic()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    report = BuildReport()

    def problem(found: Problem) -> None:
        report.problems.append(found)
        if on_problem:
            on_problem(found)

    with generations.rebuild_lock(index_dir):
        generations.remove_unused(index_dir, keep={generations.live_generation(index_dir)})
        documents = unique_documents(read_corpus(corpus_dir, problem), problem)
        generation = generations.new_generation(index_dir)
        try:
            _write_generation(generation, documents, fold, workers or default_workers(), progress)
        except BaseException:
            generations.discard(generation)
            raise
        generations.publish(index_dir, generation)
    report.documents = len(documents)
    report.generation = generation.name
    report.size_bytes = sum(f.stat().st_size for f in generation.iterdir())
    report.seconds = time.monotonic() - started
    return report


def _write_generation(generation: Path, documents: list[Document], fold: bool, workers: int,
                      progress: Progress | None) -> None:
    ix = whoosh_index.create_in(str(generation), build_schema(fold))
    writer = ix.writer(limitmb=256)
    try:
        for done, (document, title_terms, body_terms) in enumerate(_analysed(documents, workers), start=1):
            writer.add_document(**_fields(document, title_terms, body_terms, fold))
            if progress:
                progress(done, len(documents))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise


def unique_documents(documents, on_problem) -> list[Document]:
    """Documents by id, in corpus order; of two with one id the later wins."""
    by_id: dict[str, Document] = {}
    for document in documents:
        if document.id in by_id:
            on_problem(Problem(document.id, None, "duplicate id: the later document replaces the earlier"))
            del by_id[document.id]
        by_id[document.id] = document
    return list(by_id.values())


def analyse(document: Document):
    return document, index_terms(document.title), index_terms(document.body)


def _analysed(documents: list[Document], workers: int):
    if workers <= 1 or len(documents) < 50:
        yield from map(analyse, documents)
        return
    # fork shares the already-imported pyvi model with the workers.
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from pool.imap(analyse, documents, chunksize=16)


def _fields(document: Document, title_terms, body_terms, fold: bool) -> dict:
    fields = {
        "id": document.id,
        "title": title_terms.exact,
        "_stored_title": document.title,
        "body": body_terms.exact,
        "_stored_body": document.body,
        "date": document.date,
        "url": document.url,
        "source": document.source,
        "category": document.category,
    }
    if fold:
        fields["title" + FOLDED_SUFFIX] = title_terms.folded
        fields["body" + FOLDED_SUFFIX] = body_terms.folded
        fields[PAIRS_FIELD] = title_terms.pairs + body_terms.pairs
    return fields
