"""Rebuilding the index: corpus -> analysed documents -> a new generation.

Segmentation (pyvi) and Whoosh's writer cost about the same, and neither
parallelises inside one process.  So the documents are cut into contiguous
shares of a segment's text at most (a few MB), and a worker process per core
takes one share after another, analyses it and writes it as a Whoosh segment
of its own; the parent then lists the segments in the index's table of
contents, in corpus order.  Nothing is merged: the search side reads
across segments, and Whoosh's serial merge at commit was a third of a naive
build's time.

The same shares can run as tasks on a Dask cluster (cluster.py): ``write_share``
is the one function both paths run.
"""

import ctypes
import gc
import itertools
import multiprocessing
import os
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from math import ceil
from multiprocessing import connection
from pathlib import Path
from typing import Callable, Iterable

from whoosh import index as whoosh_index

from indexer import generations, semantic, spellings, synonyms
from indexer.analysis import index_terms
from indexer.codec import TimkiemCodec
from indexer.corpus import Document, Problem
from indexer.formats import format_of
from indexer.schema import IndexOptions, build_schema, document_fields
from indexer.selection import Selection, changed_since, digest, file_states, scan
from indexer.whoosh_internals import close_segment, commit_segments, segment_writer

# (documents done, documents in all); a cluster build adds the documents done per worker.
Progress = Callable[..., None]
PARALLEL_FROM = 50  # documents; fewer are not worth starting processes for
SEGMENT_CHARS = 8_000_000  # text per segment: about 2,700 news articles, 650 MB of postings in memory
DOCUMENT_COST = 200  # characters' worth of work a document costs beyond its text
PR_SET_PDEATHSIG = 1
# Documents whose analysis fails are skipped and reported, unless so many fail that the
# analysis itself is broken: then the build stops, and the live index serves on.
FAILURES_TOLERATED = 10
FAILED_SHARE_TOLERATED = 0.1


class AnalysisFailed(RuntimeError):
    """Too many documents could not be analysed for the build to be worth publishing."""


@dataclass
class BuildReport:
    documents: int = 0
    seconds: float = 0.0
    size_bytes: int = 0
    generation: str = ""
    problems: list[Problem] = field(default_factory=list)
    formats: Counter = field(default_factory=Counter)  # documents indexed per format ("html", "pdf" …)

    @property
    def skipped(self) -> int:
        return sum(1 for problem in self.problems if not problem.kept)

    @property
    def skips(self) -> Counter:
        """Skipped files and lines per reason."""
        return Counter(problem.kind for problem in self.problems if not problem.kept)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def rebuild(corpus_dir: Path, index_dir: Path, options: IndexOptions = IndexOptions(), workers: int | None = None,
            progress: Progress | None = None, on_problem=None, synonyms_file: Path | None = None,
            cluster=None) -> BuildReport:
    """Build a new generation from ``corpus_dir`` and make it live, with the synonyms of
    ``synonyms_file`` (by default ``<index_dir>/synonyms.txt`` if there is one); with
    ``cluster`` (a connected cluster.Cluster), the shares are analysed on its workers.

    Raises RebuildRunning when another rebuild holds the folder,
    FileNotFoundError when the corpus folder does not exist, and SynonymsError,
    before anything is written, for a synonyms file it cannot use.
    """
    started = time.monotonic()
    corpus_dir, index_dir = require_folder(corpus_dir), Path(index_dir)
    user_synonyms = synonyms.user_groups(index_dir, synonyms_file)
    report = BuildReport()
    with generations.rebuild_lock(index_dir):
        generations.remove_unused(index_dir, keep=generations.kept(index_dir))
        definitions = synonyms.DefinitionCounter()
        files = file_states(corpus_dir)
        selection = Selection(corpus_dir, scan(corpus_dir, report.problems, on_problem, definitions.add))
        with generations.publishing(index_dir) as generation:
            failed = _write_generation(generation, selection, options, workers or default_workers(), progress,
                                       cluster)
            synonyms.write(generation, synonyms.index_groups(user_synonyms, definitions.consistent()))
    report_changes(failed, report.problems, on_problem)
    report_changes(changed_since(corpus_dir, files), report.problems, on_problem)
    skipped = {problem.path for problem in failed}
    report.documents = len(selection) - len(skipped)
    report.formats = Counter(format_of(entry.location[0]) for entry in selection.entries if entry.id not in skipped)
    report.generation = generation.name
    report.size_bytes = sum(f.stat().st_size for f in generation.iterdir())
    report.seconds = time.monotonic() - started
    return report


def _write_generation(generation: Path, selection: Selection, options: IndexOptions, workers: int,
                      progress: Progress | None, cluster) -> list[Problem]:
    ix = whoosh_index.create_in(str(generation), build_schema(options))
    segments, failed = write_segments(generation, selection, options, workers, progress, cluster)
    if failed and len(failed) == len(selection):  # an empty index would replace the live one
        raise _too_many(failed, len(selection))
    commit_segments(ix, segments)
    return failed


def write_segments(generation: Path, selection: Selection, options: IndexOptions, workers: int,
                   progress: Progress | None, cluster=None) -> tuple[list, list[Problem]]:
    """Analyse and write the selected documents into new segments of the index in
    ``generation``, one worker process per contiguous share (or the tasks of ``cluster``).
    The segments are not yet listed in the index (``commit_segments`` does that).
    Returns them and a problem for each document skipped because its analysis failed.

    Raises EncoderMissing before writing anything when documents need vectors and the
    encoder is not installed, and AnalysisFailed when too many documents failed."""
    if options.semantic and len(selection):
        semantic.require()
    if cluster is not None and len(selection):
        written = cluster.write_segments(generation, selection, options, progress)
    else:
        shares = shares_of(selection, workers) if len(selection) >= PARALLEL_FROM else [(0, len(selection))]
        if len(shares) == 1:
            done = itertools.count(1)
            written = [write_share(generation, selection.documents(0, len(selection)), options,
                                   lambda: progress and progress(next(done), len(selection)))]
        else:
            written = _write_in_parallel(generation, selection, shares, options, workers, progress)
    segments = [segment for share_segments, _ in written for segment in share_segments]
    failed = [problem for _, share_failed in written for problem in share_failed]
    if len(failed) > max(FAILURES_TOLERATED, FAILED_SHARE_TOLERATED * len(selection)):
        raise _too_many(failed, len(selection))
    return segments, failed


def _too_many(failed: list[Problem], documents: int) -> AnalysisFailed:
    return AnalysisFailed(f"{len(failed)} of {documents} documents could not be analysed (first: {failed[0]}); "
                          "nothing was published, the live index is unchanged")


def shares_of(selection: Selection, at_least: int) -> list[tuple[int, int]]:
    """The selection cut into contiguous (start, end) shares: at least ``at_least`` (the
    workers, or more on a cluster), and none with more than a segment's text (SEGMENT_CHARS).
    Document numbers follow the corpus order.

    As many shares as workers are balanced by their work (text, and a cost per document).
    More are cut by text alone, so that each is one segment, and the last ``at_least`` are
    cut in two: workers take the next share as they finish one, and whoever takes the last
    is not long alone (with one share per worker, one of them worked alone for much of a
    large build)."""
    sizes = [entry.size for entry in selection.entries]
    parts = min(len(selection), max(at_least, ceil(sum(sizes) / SEGMENT_CHARS)))
    if parts <= at_least:
        return _cut([size + DOCUMENT_COST for size in sizes], [1.0] * parts)
    return _cut(sizes, [1.0] * (parts - at_least) + [0.5] * (2 * at_least))


def _cut(weights: list[int], lengths: list[float]) -> list[tuple[int, int]]:
    """Contiguous (start, end) ranges whose summed ``weights`` are in the proportions of ``lengths``."""
    total, whole = sum(weights), sum(lengths)
    ends = list(itertools.accumulate(length * total / whole for length in lengths))[:-1]
    bounds, running = [0], 0
    for number, weight in enumerate(weights):
        running += weight
        if len(bounds) <= len(ends) and running >= ends[len(bounds) - 1]:
            bounds.append(number + 1)
    bounds.append(len(weights))
    return [(start, end) for start, end in zip(bounds, bounds[1:]) if end > start] or [(0, 0)]


def write_share(generation: Path, documents: Iterable[Document], options: IndexOptions,
                done: Callable[[], None]) -> tuple[list, list[Problem]]:
    """Analyse ``documents`` and write them, in order, as new segments of the index in
    ``generation`` (a build worker's or a cluster task's share); ``done()`` after each.
    Returns the segments, and a problem for each document skipped because its analysis
    raised (a document the analysis cannot take is a corpus problem, not the build's end).

    A segment is closed every SEGMENT_CHARS of text, which bounds the
    postings held in memory.  Larger segments answer faster (every query term
    is looked up in each): on corpus-large, 17 segments of 6 MB gave long
    questions a p99 of 129-146 ms, 14 of 8 MB 116 ms, for a build peak of
    1.4 and 1.7 GB (9 MB: 1.8 GB, too near the 2 GB budget).

    Python's cycle collector is off meanwhile: millions of buffered postings
    survive into its oldest generation and each pass walked them all (10% of
    a build of 4,000 articles and 12,000 short items); what the writer frees
    is freed by reference counting, and each closed segment ends with one
    collection.
    """
    segments, failed, writer, written = [], [], None, 0
    collecting = gc.isenabled()
    gc.disable()
    try:
        for document in documents:
            try:
                analysed = fields_of(document, options)
            except (OSError, MemoryError):  # the machine's fault (disk full, no memory), not the text's
                raise
            except Exception as error:  # noqa: BLE001 - reported with the document, which is skipped
                failed.append(Problem(document.id, None, f"could not be analysed ({type(error).__name__}: "
                                                         f"{' '.join(str(error).split())})"))
                done()
                continue
            if writer is None:
                writer = segment_writer(str(generation), TimkiemCodec(), spellings.GATHERED)
            writer.add_document(**analysed)
            done()
            written += len(document.title) + len(document.body)
            if written >= SEGMENT_CHARS:
                segments.append(close_segment(writer))
                writer, written = None, 0
                gc.collect()
        if writer is not None:
            segments.append(close_segment(writer))
    except BaseException:
        if writer is not None:
            writer.cancel()
        raise
    finally:
        if collecting:
            gc.enable()
    return segments, failed


# Set in the parent just before forking; the workers read them (copy-on-write, never pickled).
_job: dict = {}


class WorkerDied(RuntimeError):
    """A worker process ended without finishing its share (killed, by the out-of-memory killer say)."""


def _write_in_parallel(generation, selection: Selection, shares, options: IndexOptions, workers: int, progress):
    """write_share's results, share by share: a forked process per share, ``workers`` at a
    time, each sending its result (or its exception) back through a pipe.  A worker that dies
    (SIGKILL) closes its pipe, which ends the build at once; multiprocessing.Pool would have
    waited for its share for ever."""
    context = multiprocessing.get_context("fork")  # the workers share the loaded pyvi model too
    counter = context.Value("q", 0)
    _job.update(generation=generation, selection=selection, options=options, counter=counter)
    waiting = list(enumerate(shares))[::-1]  # popped from the end: in corpus order
    running: dict = {}  # receiving end of each running worker's pipe -> (share number, the worker)
    results: dict = {}  # share number -> its result
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                number, share = waiting.pop()
                receiver, sender = context.Pipe(duplex=False)
                worker = context.Process(target=_run_share, args=(share, sender), daemon=True)
                worker.start()
                sender.close()
                running[receiver] = (number, worker)
            for receiver in connection.wait(list(running), timeout=0.2):
                number, worker = running.pop(receiver)
                try:
                    results[number] = _outcome(receiver, worker)
                finally:
                    receiver.close()
                    worker.join()
            if progress:
                progress(min(counter.value, len(selection) - 1), len(selection))
    finally:
        _job.clear()
        for _, worker in running.values():
            if worker.is_alive():
                worker.kill()
            worker.join()
    if progress:
        progress(len(selection), len(selection))
    return [results[number] for number in range(len(shares))]


def _run_share(share: tuple[int, int], sender) -> None:
    _die_with_parent()
    try:
        outcome = (True, _write_share(share))
    except BaseException as error:  # noqa: BLE001 - raised again in the parent
        outcome = (False, error)
    sender.send(outcome)


def _outcome(receiver, worker):
    """A worker's write_share result; raises what it raised, or WorkerDied when it died without a word."""
    try:
        finished, value = receiver.recv()
    except EOFError:
        worker.join(timeout=5)
        code = worker.exitcode
        how = (f"was killed by {signal.Signals(-code).name}" if code is not None and code < 0
               else f"ended with exit code {code}")
        raise WorkerDied(f"worker process {worker.pid} {how} before finishing its share (out of memory?); "
                         "nothing was published, the live index is unchanged") from None
    if not finished:
        raise value
    return value


def _write_share(share: tuple[int, int]):
    start, end = share
    counter = _job["counter"]

    def done():
        with counter.get_lock():
            counter.value += 1

    return write_share(_job["generation"], _job["selection"].documents(start, end), _job["options"], done)


def _die_with_parent() -> None:
    """A worker whose rebuild was killed (kill -9) stops too, instead of finishing its share."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def report_changes(changes: list[Problem], problems: list[Problem], on_problem) -> None:
    """Add the corpus files that changed during the build to its problems, and hand them on."""
    problems += changes
    for problem in changes:
        if on_problem:
            on_problem(problem)


def require_folder(corpus_dir: Path) -> Path:
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    return corpus_dir


def fields_of(document: Document, options: IndexOptions) -> dict:
    """The analysed document as the index's writer takes it."""
    vector = semantic.passage_vector(document.title, document.body) if options.semantic else None
    return document_fields(document, index_terms(document.title), index_terms(document.body), options,
                           digest(document), vector)
