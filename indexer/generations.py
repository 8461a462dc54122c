"""Index generations: how a rebuild swaps in a new index atomically.

Layout of an index folder::

    index/
      CURRENT            name of the live generation (replaced with one rename)
      gen-<time>-<pid>/  one complete Whoosh index each
      .rebuild.lock      held (flock) by the running rebuild

A rebuild writes a fresh generation folder, records its files' checksums
(integrity.py) and only then replaces CURRENT, so a crash at any point leaves
the previous generation live.  Readers notice the new pointer on their next
search, and verify the new generation before they serve it.  The generation
published before the live one is kept as the fallback a reader serves if the
live one turns out corrupt; other folders are leftovers of crashed rebuilds
and are removed by the next one.
"""

import fcntl
import os
import re
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from indexer import integrity
from indexer.schema import is_current

POINTER = "CURRENT"
LOCK = ".rebuild.lock"
_GENERATION_NAME = re.compile(r"gen-\d{8}T\d{6}\d*-\d+")


class IndexMissing(RuntimeError):
    """There is no built index in the folder yet."""


class OldIndex(IndexMissing):
    """The index was built by an older timkiem, in a form this one does not read: only a
    rebuild brings it up to date."""


class RebuildRunning(RuntimeError):
    """Another rebuild or update holds the index folder's lock."""


def require_live(index_dir: Path) -> Path:
    """The live generation's folder; raises IndexMissing when there is none."""
    generation = live_generation(index_dir)
    if generation is None:
        raise IndexMissing(f"no index in {index_dir}: run `timkiem rebuild` first")
    return generation


def live_generation(index_dir: Path) -> Path | None:
    try:
        name = (Path(index_dir) / POINTER).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    path = Path(index_dir) / name
    if not _GENERATION_NAME.fullmatch(name) or not path.is_dir():
        return None
    return path


_held_locks: set[int] = set()  # descriptors of locks this process holds


def _drop_inherited_locks() -> None:
    """In a forked worker: close the parent's lock descriptors, so that the lock
    dies with the parent even if a worker outlives it (kill -9)."""
    for descriptor in _held_locks:
        os.close(descriptor)
    _held_locks.clear()


os.register_at_fork(after_in_child=_drop_inherited_locks)


@contextmanager
def rebuild_lock(index_dir: Path, task: str = "rebuild"):
    """Exclusive right to write generations, for ``task`` ("rebuild", "update"): another one
    refuses at once, naming the holder.  Released when the process ends, even by kill -9."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(index_dir) / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid, _, holder = handle.read().strip().partition(" ")
            raise RebuildRunning(
                f"another {holder or 'rebuild'} (pid {pid or 'unknown'}) is writing to {index_dir}; "
                "try again when it ends"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {task}")
        handle.flush()
        _held_locks.add(handle.fileno())
        try:
            yield
        finally:
            _held_locks.discard(handle.fileno())
            handle.truncate(0)


def new_generation(index_dir: Path) -> Path:
    seconds, microseconds = divmod(time.time_ns() // 1000, 1_000_000)
    # names sort in the order generations were made (older_generations relies on it)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(seconds)) + f"{microseconds:06d}"
    path = Path(index_dir) / f"gen-{stamp}-{os.getpid()}"
    path.mkdir(parents=True)
    return path


@contextmanager
def publishing(index_dir: Path):
    """A new generation folder to fill, published when the block ends normally and removed
    when it raises (Ctrl-C included), leaving the live generation as it was.  The caller
    holds the rebuild lock."""
    generation = new_generation(index_dir)
    try:
        yield generation
    except BaseException:
        discard(generation)
        raise
    publish(index_dir, generation)


def publish(index_dir: Path, generation: Path) -> None:
    """Record ``generation``'s checksums, make it live with one atomic rename, then drop
    older generations but the one it replaces (the fallback)."""
    previous = live_generation(index_dir)
    integrity.record(generation, reuse=previous)
    temporary = Path(index_dir) / (POINTER + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(generation.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, Path(index_dir) / POINTER)
    _fsync_folder(index_dir)
    remove_unused(index_dir, keep={generation, previous})


def discard(generation: Path) -> None:
    """Remove a generation that failed half way (best effort: the next rebuild retries)."""
    shutil.rmtree(generation, ignore_errors=True)


def kept(index_dir: Path) -> set[Path]:
    """The generations to keep while a new one is written: the live one and its fallback."""
    live = live_generation(index_dir)
    return {live, *older_generations(index_dir, live)[:1]} if live else set()


def older_generations(index_dir: Path, live: Path) -> list[Path]:
    """Generations published before ``live`` and still on disk (those with checksums), newest first."""
    return sorted((path for path in Path(index_dir).iterdir()
                   if _GENERATION_NAME.fullmatch(path.name) and path.name < live.name
                   and integrity.has_checksums(path)), reverse=True)


def remove_unused(index_dir: Path, keep: set) -> None:
    """Delete generation folders not in ``keep`` (the caller holds the rebuild lock)."""
    keep_names = {path.name for path in keep if path is not None}
    for path in Path(index_dir).iterdir():
        if _GENERATION_NAME.fullmatch(path.name) and path.name not in keep_names:
            shutil.rmtree(path, ignore_errors=True)


def open_generation(generation: Path):
    """Open without mmap: each thread's searcher would map the whole index again,
    and a server with 8 threads showed 8 times the index size as resident memory.
    Raises OldIndex for an index this version cannot search or update."""
    index = FileStorage(str(generation), supports_mmap=False).open_index()
    if not is_current(index.schema):
        raise OldIndex(f"the index in {generation.parent} was built by an older timkiem: "
                       "run `timkiem rebuild` once to search and update it")
    return index


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
