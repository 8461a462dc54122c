"""Indexing speed: `timkiem rebuild` of real news, against a naive reference pipeline.

    .venv/bin/python bench/index_speed.py [--skip-large] [--skip-naive] [--keep DIR]

(a) ../shared/corpus-large/vntc/vntc-train-00.jsonl (10,000 articles), (a5) its
first 5,000, and (b) all of ../shared/corpus-large (133,709 documents).  Each build runs as
the installed `timkiem rebuild` in its own process; printed: documents/s,
MB/s of input, wall seconds, peak memory of the whole process tree
(proportional set size, so pages shared by forked workers count once; and
the sum of the processes' RSS, which counts them in each),
the index size on disk, and for each timkiem index its bytes per field and per corpus MB
(bench/index_bytes.py).

The naive pipeline, on (a) and (a5) only: one process, pyvi's ``ViTokenizer.tokenize``
on title and body, then Whoosh's default writer, one document at a time
(id, title and body stored, an unaccented copy of the body indexed).  It
indexes less than timkiem does (no offsets, no pairs, no titles unaccented).
"""

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._shared import shared_path, tree_memory_kb  # noqa: E402
from bench.index_bytes import print_table  # noqa: E402

TIMKIEM = str(Path(sys.executable).parent / "timkiem")


class TreeMemory:
    """Samples the summed PSS and RSS of a process and its descendants; ``stop()`` gives the peaks."""

    def __init__(self, pid: int, interval: float = 0.5):
        self.pid, self.interval, self.peak_pss_mb, self.peak_rss_mb = pid, interval, 0.0, 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self):
        while not self._done.wait(self.interval):
            pss, rss = tree_memory_kb(self.pid)
            self.peak_pss_mb, self.peak_rss_mb = max(self.peak_pss_mb, pss / 1024), max(self.peak_rss_mb, rss / 1024)

    def stop(self) -> tuple[float, float]:
        self._done.set()
        self._thread.join()
        return self.peak_pss_mb, self.peak_rss_mb


def measured(command: list[str]) -> tuple[float, tuple[float, float], str]:
    """Run ``command``; (wall seconds, peak tree (PSS, RSS) in MB, its stderr)."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(process.pid)
    _, errors = process.communicate()
    wall, peak = time.monotonic() - started, memory.stop()
    if process.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{errors[-2000:]}")
    return wall, peak, errors


def folder_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def corpus_stats(corpus: Path) -> tuple[int, int]:
    """(documents, bytes) of the JSONL files under ``corpus``."""
    files = sorted(corpus.rglob("*.jsonl"))
    documents = 0
    for file in files:
        with open(file, "rb") as stream:
            documents += sum(1 for line in stream if line.strip())
    return documents, sum(file.stat().st_size for file in files)


def report(name: str, documents: int, size: int, wall: float, peak: tuple[float, float], index_bytes: int) -> None:
    print(f"{name}: {documents:,} documents, {size / 2**20:.1f} MB in {wall:.1f} s: "
          f"{documents / wall:,.0f} docs/s, {size / 2**20 / wall:.2f} MB/s, peak memory {peak[0]:,.0f} MB PSS "
          f"({peak[1]:,.0f} MB RSS summed over processes), "
          f"index {index_bytes / 2**20:,.0f} MB", flush=True)


def timkiem_rebuild(name: str, corpus: Path, work: Path) -> float:
    index = work / f"index-{name}"
    shutil.rmtree(index, ignore_errors=True)
    wall, peak, _ = measured([TIMKIEM, "rebuild", "--corpus", str(corpus), "--index", str(index)])
    documents, size = corpus_stats(corpus)
    report(f"timkiem rebuild ({name})", documents, size, wall, peak, folder_size(index))
    print_table(index, size / 2**20)
    return wall


NAIVE = r'''
import json, sys
from pyvi import ViTokenizer
from unidecode import unidecode
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
schema = Schema(id=ID(stored=True, unique=True), title=TEXT(stored=True), body=TEXT(stored=True), body_folded=TEXT)
writer = index.create_in(sys.argv[2], schema).writer()
for line in open(sys.argv[1], encoding="utf-8"):
    record = json.loads(line)
    body = ViTokenizer.tokenize(record["text"])
    writer.add_document(id=record["id"], title=ViTokenizer.tokenize(record["title"]), body=body,
                        body_folded=unidecode(body))
writer.commit()
'''


def naive(name: str, corpus: Path, work: Path) -> float:
    index = work / f"index-naive-{name}"
    shutil.rmtree(index, ignore_errors=True)
    index.mkdir(parents=True)
    (file,) = sorted(corpus.rglob("*.jsonl"))
    wall, peak, _ = measured([sys.executable, "-c", NAIVE, str(file), str(index)])
    documents, size = corpus_stats(corpus)
    report(f"naive pyvi + Whoosh ({name})", documents, size, wall, peak, folder_size(index))
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-large", action="store_true", help="only (a5) and (a), 5,000 and 10,000 articles")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--keep", type=Path, help="build the indexes here and keep them (default: a temporary folder)")
    args = parser.parse_args()
    articles = shared_path("corpus-large/vntc/vntc-train-00.jsonl")
    large = shared_path("corpus-large")
    work = args.keep or Path(tempfile.mkdtemp(prefix="timkiem-bench-speed-"))
    print(f"{os.cpu_count()} cores; indexes in {work}", flush=True)
    try:
        for name, count in (("a5", 5_000), ("a", 10_000)):
            with tempfile.TemporaryDirectory(prefix="timkiem-bench-a-") as folder:
                corpus = Path(folder)  # a corpus folder holding only the first ``count`` articles of (a)
                with open(articles, encoding="utf-8") as source:
                    (corpus / articles.name).write_text("".join(itertools.islice(source, count)), encoding="utf-8")
                ours = timkiem_rebuild(name, corpus, work)
                if not args.skip_naive:
                    speed_up = naive(name, corpus, work) / ours
                    print(f"speed-up over the naive pipeline on ({name}): {speed_up:.2f}x", flush=True)
        if not args.skip_large:
            timkiem_rebuild("b", large, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
