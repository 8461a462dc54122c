"""Where benchmarks find their data: ../shared beside the project (not part of a user's clone)."""

import http.client
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.build import rebuild  # noqa: E402
from indexer.generations import OldIndex, live_generation, open_generation  # noqa: E402
from indexer.progress import ProgressReporter  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def shared_path(relative: str) -> Path:
    """A path under ../shared, or exit with a clear message when it is not there."""
    path = SHARED / relative
    if not path.exists():
        sys.exit(f"bench: {path} not found. The benchmarks read the team's shared data "
                 f"(../shared beside the project); pass the paths explicitly with the options.")
    return path


def default_bench_index(name: str) -> Path:
    """Where a benchmark keeps an index it built, to reuse it on the next run."""
    return Path(tempfile.gettempdir()) / f"timkiem-bench-{name}"


def reusable(index_dir: Path) -> bool:
    """Whether a benchmark can search the index it kept in ``index_dir`` (not when an older
    timkiem built it)."""
    generation = live_generation(index_dir)
    if generation is None:
        return False
    try:
        open_generation(generation)
    except OldIndex:
        print(f"{index_dir} was built by an older timkiem: building it anew", file=sys.stderr)
        return False
    return True


def ensure_index(index_dir: Path, corpus_file: Path, documents: int, also: Path | None = None) -> None:
    """Build ``index_dir`` from the first ``documents`` lines of a JSONL file (and the files of
    the corpus folder ``also``), unless built already."""
    if reusable(index_dir):
        print(f"using the index in {index_dir}", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory(prefix="timkiem-bench-corpus-") as folder:
        if also:
            shutil.copytree(also, folder, dirs_exist_ok=True)
        with corpus_file.open(encoding="utf-8") as source, open(Path(folder) / "docs.jsonl", "w") as target:
            target.writelines(itertools.islice(source, documents))
        print(f"building {index_dir} from {documents} documents of {corpus_file} …", file=sys.stderr)
        rebuild(Path(folder), index_dir, progress=ProgressReporter())


def eval_queries(limit: int | None = None) -> list[str]:
    """The eval-dev questions, accented and unaccented, interleaved."""
    folder = shared_path("eval-dev/xquad-vi")
    accented = [json.loads(line)["query"] for line in open(folder / "queries.jsonl", encoding="utf-8")]
    plain = [json.loads(line)["query"] for line in open(folder / "queries_noaccent.jsonl", encoding="utf-8")]
    mixed = [query for pair in zip(accented, plain) for query in pair]
    return mixed[:limit]


class RunningServer:
    """`timkiem serve` on a free loopback port, for as long as the `with` block lasts."""

    def __init__(self, index_dir: Path, threads: int = 8, options: tuple[str, ...] = ()):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "timkiem"), "serve", "--index", str(index_dir),
             "--port", str(self.port), "--threads", str(threads), *options],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5).read()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("bench: the server did not start")
                time.sleep(0.2)

    def memory_mb(self) -> tuple[float, float]:
        """(PSS, RSS) of the server and its worker processes summed: PSS counts pages the
        processes share once, RSS once per process."""
        pss, rss = tree_memory_kb(self.process.pid)
        return pss / 1024, rss / 1024

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """Summed (PSS, RSS) of a process and its descendants, in KB (0 for processes gone meanwhile)."""
    pss, rss, pending = 0, 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                sizes = {line.split()[0]: int(line.split()[1]) for line in rollup if line.startswith(("Pss:", "Rss:"))}
            pss, rss = pss + sizes.get("Pss:", 0), rss + sizes.get("Rss:", 0)
        except OSError:
            continue
    return pss, rss


def drive(port: int, queries: list[str], clients: int, seconds: float | None = None,
          requests: int | None = None) -> tuple[list[float], int, float]:
    """Send searches from ``clients`` threads, each on one keep-alive connection.

    Stops after ``seconds`` or once ``requests`` were sent.  Returns the
    latencies (ms) of successful requests, the error count and the wall time.
    """
    latencies, errors = [], [0]
    counter = itertools.count()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds if seconds else float("inf")

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop_at:
            number = next(counter)
            if requests is not None and number >= requests:
                break
            path = "/api/search?q=" + urllib.parse.quote(queries[number % len(queries)][:500])
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.monotonic() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")
