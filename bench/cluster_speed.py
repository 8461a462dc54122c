"""Rebuilding on a Dask cluster against the local rebuild, on the same cores.

    .venv/bin/python bench/cluster_speed.py [--documents 10000] [--corpus-file FILE]

The first ``--documents`` articles of ../shared/corpus-large/vntc/vntc-train-00.jsonl,
rebuilt by the installed `timkiem rebuild` in its own process: (1) locally with
2 worker processes; on a distributed.LocalCluster of worker processes (one thread
each) on 127.0.0.1, standing before the build as a user's cluster would, (2) with
2 workers, records sent and segment files sent back (the default), (3) the same with
--shared-corpus --shared-index, (4) with 1 worker.  Each cluster build starts from
fresh workers, which load pyvi's model as the local rebuild does.  Printed: wall
seconds of each, the cluster's overhead against (1), the scaling from 1 to 2
workers, and the projected time of corpus-large (133,709 documents, 139 MB of JSONL)
and a million news articles (about 1 GB) on N machines of 2 cores, from the measured
rate per worker and the client's serial part (reading the corpus, measured here).
"""

import argparse
import itertools
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._shared import shared_path  # noqa: E402
from indexer.selection import scan  # noqa: E402

TIMKIEM = str(Path(sys.executable).parent / "timkiem")
LARGE_TEXT_MB, LARGE_DOCUMENTS = 139, 133_709
MILLION_TEXT_MB = 1000


def timed_rebuild(corpus: Path, index: Path, *options: str) -> float:
    shutil.rmtree(index, ignore_errors=True)
    started = time.monotonic()
    result = subprocess.run([TIMKIEM, "rebuild", "--corpus", str(corpus), "--index", str(index), *options],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"bench: rebuild {' '.join(options)} failed:\n{result.stderr[-2000:]}")
    print(f"  {' '.join(options) or 'local'}: {result.stdout.strip()}", flush=True)
    return wall


def cluster_rebuild(workers: int, corpus: Path, index: Path, *options: str) -> float:
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        return timed_rebuild(corpus, index, "--cluster", cluster.scheduler_address, *options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--corpus-file", type=Path, help="a JSONL file (default: vntc-train-00.jsonl of corpus-large)")
    args = parser.parse_args()
    source = args.corpus_file or shared_path("corpus-large/vntc/vntc-train-00.jsonl")
    with tempfile.TemporaryDirectory(prefix="timkiem-bench-cluster-") as folder:
        corpus, work = Path(folder) / "corpus", Path(folder)
        corpus.mkdir()
        with open(source, encoding="utf-8") as lines, open(corpus / "docs.jsonl", "w", encoding="utf-8") as target:
            target.writelines(itertools.islice(lines, args.documents))
        started = time.monotonic()
        entries = scan(corpus, [])
        serial = time.monotonic() - started  # the client reads the corpus once before any share runs
        # MB of JSONL, as corpus-large's and a million articles' sizes are counted
        text_mb = (corpus / "docs.jsonl").stat().st_size / 2**20
        print(f"{len(entries):,} documents, {text_mb:.1f} MB of JSONL; the client's reading: {serial:.1f} s", flush=True)

        local = timed_rebuild(corpus, work / "local", "--workers", "2")
        two = cluster_rebuild(2, corpus, work / "two")
        shared = cluster_rebuild(2, corpus, work / "shared", "--shared-corpus", "--shared-index")
        one = cluster_rebuild(1, corpus, work / "one")

    print(f"\nlocal rebuild, 2 processes: {local:.1f} s")
    for name, wall in (("records and segments sent", two), ("shared corpus and index", shared)):
        print(f"cluster, 2 workers, {name}: {wall:.1f} s, overhead {wall / local - 1:+.0%} (target at most +15%)")
    print(f"cluster, 1 worker: {one:.1f} s; 1 -> 2 workers: {one / two:.2f}x faster")
    per_worker_mb_s = text_mb / (two - serial) / 2  # analysis rate of one worker (one core)
    print(f"\nprojected (a worker per core, 2 cores per machine; the client reads at {text_mb / serial:.1f} MB/s):")
    for name, mb in (("corpus-large (133,709 documents, 139 MB)", LARGE_TEXT_MB),
                     ("a million news articles (about 1 GB)", MILLION_TEXT_MB)):
        times = ", ".join(f"{machines} machine{'s' if machines > 1 else ''} {_clock(mb / (text_mb / serial) + mb / (per_worker_mb_s * 2 * machines))}"
                          for machines in (1, 2, 4, 8, 16))
        print(f"  {name}: {times}")


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds + 0.5), 60)
    return f"{minutes}:{seconds:02d}"


if __name__ == "__main__":
    main()
