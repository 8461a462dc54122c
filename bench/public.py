"""Facing the public: slow clients, a flood and a soak through the real nginx front.

    flock /tmp/timkiem-bench.lock .venv/bin/python bench/public.py [--seconds 30] [--soak-seconds 600]

`timkiem serve` (2 processes × 8 threads, 16 waiting, trusting 127.0.0.1) behind
Debian's nginx with the shipped configuration (deploy/, `python -m webui.front`
defaults: 10 searches/s, a burst of 20, 32 connections per client address; --search-rate), on 127.0.0.1.
The index: the seed corpus and the first --documents articles of
../shared/corpus-large/vntc/vntc-train-00.jsonl (built once, then reused).
Every client sends its own address (127.0.0.0/8 is all this machine):

1. baseline: 4 normal clients (127.0.0.11-14), each searching at most 4 times a
   second, eval-dev questions and short queries;
2. slow clients: the same while 500 half-open connections from 127.0.0.2 send
   half a request line and wait (reopened when nginx drops them): every answer
   received, p99 at most 2x the baseline's;
3. flood: 64 clients from 127.0.0.3 as fast as they can while one well-behaved
   client (127.0.0.4, 2 searches a second) searches: its p99 at most 1 s; the
   flooders get 429/503 quickly, no timeout, no other error;
4. flood from 64 addresses (127.0.1.1-64), each as fast as it can: what the
   server's own bound (503) does when the proxy's per-address limit is not enough;
5. soak: 16 clients (127.0.2.1-16, 8 searches a second at most each) for
   --soak-seconds: 0 errors, server memory growth at most 5% (PSS of its
   processes, after a warm-up pass).

`--no-front` sends the same clients to `timkiem serve` directly, without nginx: what the
front is for.  `--soak-seconds 0` leaves the soak out.  Exits 1 when a target is missed.
"""

import argparse
import contextlib
import http.client
import itertools
import random
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._shared import (ROOT, RunningServer, default_bench_index, ensure_index, eval_queries,  # noqa: E402
                           percentile, shared_path)
from webui.front import SEARCH_RATE, NginxMissing, command, write_config  # noqa: E402

TIMEOUT = 10  # seconds: an answer later than this is a timeout


class Tally:
    """What a group of clients got: latencies of 200s, counts per status, timeouts, other errors."""

    def __init__(self):
        self.latencies: list[float] = []  # ms, answers with 200
        self.refusal_latencies: list[float] = []  # ms, 429 and 503
        self.statuses: Counter = Counter()
        self.lock = threading.Lock()

    def add(self, status: int | str, ms: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            if status == 200:
                self.latencies.append(ms)
            elif status in (429, 503):
                self.refusal_latencies.append(ms)

    @property
    def bad(self) -> int:
        """Answers that are neither 200 nor a refusal: timeouts, resets, other statuses."""
        return sum(count for status, count in self.statuses.items() if status not in (200, 429, 503))

    def summary(self) -> str:
        counts = ", ".join(f"{status}: {count}" for status, count in sorted(self.statuses.items(), key=str))
        text = f"{sum(self.statuses.values())} requests ({counts})"
        if self.latencies:
            text += (f"; answered p50 {percentile(self.latencies, 0.5):.0f} ms, p99 "
                     f"{percentile(self.latencies, 0.99):.0f} ms, max {max(self.latencies):.0f} ms")
        if self.refusal_latencies:
            text += (f"; refused p99 {percentile(self.refusal_latencies, 0.99):.0f} ms, "
                     f"max {max(self.refusal_latencies):.0f} ms")
        return text


def clients(port: int, sources: list[str], queries: list[str], seconds: float, tally: Tally,
            interval: float = 0.0, start: int | None = None) -> list[threading.Thread]:
    """One thread per source address, each on its own keep-alive connection to 127.0.0.1:port,
    searching one query after another (at most one per ``interval`` seconds) for ``seconds``,
    from query number ``start`` (default: a random one)."""
    stop_at = time.monotonic() + seconds
    counter = itertools.count(random.randrange(len(queries)) if start is None else start)

    def run(source: str):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT, source_address=(source, 0))
        while time.monotonic() < stop_at:
            path = "/api/search?q=" + urllib.parse.quote(queries[next(counter) % len(queries)][:500])
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except TimeoutError:
                status = "timeout"
                connection.close()
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                connection.close()
            elapsed = time.perf_counter() - started
            tally.add(status, elapsed * 1000)
            if interval > elapsed:
                time.sleep(interval - elapsed)

    threads = [threading.Thread(target=run, args=(source,), daemon=True) for source in sources]
    for thread in threads:
        thread.start()
    return threads


def join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join()


def half_open(port: int, source: str, count: int, seconds: float) -> dict:
    """Hold ``count`` connections from ``source`` that each sent half a request line, reopening
    those the proxy closes, for ``seconds``; the numbers opened and dropped."""
    stop_at = time.monotonic() + seconds
    held: list[socket.socket] = []
    opened = dropped = failed = 0
    while time.monotonic() < stop_at:
        while len(held) < count and time.monotonic() < stop_at:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=2, source_address=(source, 0))
                sock.sendall(b"GET /api/search?q=cong+th")
                held.append(sock)
                opened += 1
            except OSError:
                failed += 1
                time.sleep(0.05)
        readable, _, _ = select.select(held, [], [], 0.5)
        for sock in readable:  # nginx answered 408 or closed it
            held.remove(sock)
            sock.close()
            dropped += 1
    for sock in held:
        sock.close()
    return {"opened": opened, "dropped by the proxy": dropped, "failed to connect": failed}


class Front:
    """nginx with the shipped configuration in front of ``upstream_port``, for a `with` block."""

    def __init__(self, upstream_port: int, run_dir: Path, search_rate: int):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = write_config(run_dir, f"127.0.0.1:{self.port}", f"127.0.0.1:{upstream_port}",
                              search_rate=search_rate, search_burst=2 * search_rate)
        try:
            self.process = subprocess.Popen(command(config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except NginxMissing as exc:
            raise SystemExit(f"bench: {exc}")
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"bench: nginx did not start; see {run_dir / 'error.log'}")
                time.sleep(0.1)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def soaked(port: int, server: RunningServer, queries: list[str], seconds: float) -> bool:
    """16 clients for ``seconds``: whether every answer was a 200 and the server's memory grew 5% at most."""
    soakers = [f"127.0.2.{1 + n}" for n in range(16)]
    warm_up = Tally()
    while sum(warm_up.statuses.values()) < len(queries):  # every query once: the bounded caches fill up
        join(clients(port, soakers, queries, 10, warm_up, interval=0.125, start=sum(warm_up.statuses.values())))
    memory_start, _ = server.memory_mb()
    soak = Tally()
    join(clients(port, soakers, queries, seconds, soak, interval=0.125))
    memory_end, _ = server.memory_mb()
    growth = (memory_end - memory_start) / memory_start * 100
    print(f"5. soak, 16 clients for {seconds:.0f} s: {soak.summary()}; {len(soak.latencies) / seconds:.1f} "
          f"answers/s; server memory (PSS) {memory_start:.0f} → {memory_end:.0f} MB ({growth:+.1f}%)", flush=True)
    return set(soak.statuses) == {200} and growth <= 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="length of phases 1-4 (default 30)")
    parser.add_argument("--soak-seconds", type=float, default=600, help="length of the soak (default 600)")
    parser.add_argument("--documents", type=int, default=5000, help="VNTC articles beside the seed corpus")
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--no-front", action="store_true", help="the clients reach `timkiem serve` directly")
    parser.add_argument("--search-rate", type=int, default=SEARCH_RATE,
                        help="the front's searches a second per client address (burst: twice as many)")
    args = parser.parse_args()
    index = args.index or default_bench_index(f"public-{args.documents}")
    ensure_index(index, shared_path("corpus-large/vntc/vntc-train-00.jsonl"), args.documents, also=ROOT / "corpus")
    questions = eval_queries()
    short = [" ".join(q.split()[:2]) for q in questions]
    queries = [q for pair in zip(questions, short) for q in pair]
    random.seed(17)
    failures = []
    with RunningServer(index, options=("--trusted-proxy", "127.0.0.1")) as server, \
            tempfile.TemporaryDirectory(prefix="timkiem-bench-front-") as run_dir, \
            (contextlib.nullcontext(server) if args.no_front else Front(server.port, Path(run_dir), args.search_rate)) as front:
        port = front.port
        normal = [f"127.0.0.{11 + n}" for n in range(4)]
        join(clients(port, normal, queries, 10, Tally(), interval=0.25))  # warm up

        baseline = Tally()
        join(clients(port, normal, queries, args.seconds, baseline, interval=0.25))
        print(f"1. baseline, 4 clients: {baseline.summary()}", flush=True)

        attacked = Tally()
        threads = clients(port, normal, queries, args.seconds, attacked, interval=0.25)
        attack = half_open(port, "127.0.0.2", 500, args.seconds)
        join(threads)
        ratio = percentile(attacked.latencies, 0.99) / percentile(baseline.latencies, 0.99)
        print(f"2. with 500 half-open connections from 127.0.0.2 ({attack}): {attacked.summary()}; "
              f"p99 {ratio:.2f}x the baseline's", flush=True)
        if set(attacked.statuses) != {200} or ratio > 2:
            failures.append("slow clients")

        for name, flooders in (("3. flood from one address", ["127.0.0.3"] * 64),
                               ("4. flood from 64 addresses", [f"127.0.1.{1 + n}" for n in range(64)])):
            flood, polite = Tally(), Tally()
            threads = clients(port, flooders, queries, args.seconds, flood)
            join(clients(port, ["127.0.0.4"], queries, args.seconds, polite, interval=0.5) + threads)
            print(f"{name}: flooders {flood.summary()}\n   well-behaved client: {polite.summary()}", flush=True)
            if name.startswith("3") and (flood.bad or polite.bad or set(polite.statuses) != {200}
                                         or percentile(polite.latencies, 0.99) > 1000):
                failures.append(name)

        if args.soak_seconds and not soaked(port, server, queries, args.soak_seconds):
            failures.append("soak")
    print("targets missed: " + ", ".join(failures) if failures else "all targets met")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
