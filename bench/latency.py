"""Query latency of /api/search (snippets included) against `timkiem serve` on corpus-large.

    .venv/bin/python bench/latency.py [--index DIR] [--seconds 30] [--requests 600]

Queries: the eval-dev questions (xquad-vi, accented and unaccented, ~13 words),
and one- and two-word queries drawn from the same questions (accented and
folded, seeded so every run sends the same ones).  First, from the moment the
server answers /healthz, one client sends questions for 60 s (the first minute,
while the server warms its caches); the same questions are sent again at the
end, warm, and the two p99s are compared.  Then, after a warm-up with
other queries and 30 s for the server's background cache warming, prints p50/p95/p99 per
kind at 1 client, then throughput and latency at 8 concurrent clients,
errors (must be 0) and the server's memory.  Without --index it builds (once,
then reuses) an index of all of ../shared/corpus-large with `timkiem rebuild`.
"""

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._shared import (RunningServer, default_bench_index, drive, eval_queries, percentile,  # noqa: E402
                           reusable, shared_path)
from indexer.analysis import SYLLABLE  # noqa: E402
from indexer.text import fold  # noqa: E402

TIMKIEM = str(Path(sys.executable).parent / "timkiem")
SETTLE_SECONDS = 30
FIRST_MINUTE_SECONDS = 60


def short_queries(questions: list[str], words: int, count: int, seed: int) -> list[str]:
    """``count`` runs of ``words`` adjacent syllables from the questions, half of them folded."""
    chooser = random.Random(seed)
    runs = []
    for question in questions:
        syllables = [m.group() for m in SYLLABLE.finditer(question) if not m.group().isdigit()]
        runs += [" ".join(syllables[i:i + words]) for i in range(len(syllables) - words + 1)]
    picked = chooser.sample(runs, count)
    return [fold(query) if number % 2 else query for number, query in enumerate(picked)]


def summary(latencies: list[float]) -> str:
    return (f"p50 {percentile(latencies, 0.5):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms, "
            f"p99 {percentile(latencies, 0.99):.1f} ms")


def memory(server: RunningServer) -> str:
    pss, rss = server.memory_mb()
    return f"{pss:.0f} MB PSS ({rss:.0f} MB RSS summed over the processes)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=default_bench_index("corpus-large"))
    parser.add_argument("--seconds", type=float, default=30, help="length of the 8-client run")
    parser.add_argument("--requests", type=int, default=600, help="requests per query kind at 1 client")
    args = parser.parse_args()
    if not reusable(args.index):
        corpus = shared_path("corpus-large")
        print(f"building {args.index} from {corpus} (several minutes) …", file=sys.stderr, flush=True)
        subprocess.run([TIMKIEM, "rebuild", "--corpus", str(corpus), "--index", str(args.index)], check=True)
    questions = eval_queries()
    kinds = {
        "questions": questions[:args.requests],
        "one word": short_queries(questions, 1, args.requests, seed=1),
        "two words": short_queries(questions, 2, args.requests, seed=2),
    }
    mixed = [query for group in zip(*kinds.values()) for query in group]
    errors = 0
    # The first minute's questions are none of the measured or warm-up ones, so it reads their postings cold.
    first_minute_questions = questions[args.requests:-200]
    with RunningServer(args.index) as server:
        cold, failed, _ = drive(server.port, first_minute_questions, clients=1, seconds=FIRST_MINUTE_SECONDS)
        errors += failed
        # Warm up with other queries: loads per-generation data (lengths, vocabulary, facets) and the
        # postings of common words, as a server in use has them, without pre-reading the measured queries.
        warm_up = questions[-200:] + short_queries(questions, 1, 100, seed=3) + short_queries(questions, 2, 100, seed=4)
        drive(server.port, warm_up, clients=2, requests=len(warm_up))
        time.sleep(SETTLE_SECONDS)  # the server reads common words' postings in the background after start
        print(f"index: {args.index}; server memory after warm-up: {memory(server)}")
        everything = []
        for kind, queries in kinds.items():
            latencies, failed, _ = drive(server.port, queries, clients=1, requests=len(queries))
            errors += failed
            everything += latencies
            print(f"1 client, {kind} ({len(queries)}): {summary(latencies)}")
        print(f"1 client, all: {summary(everything)}")
        latencies, failed, wall = drive(server.port, mixed, clients=8, seconds=args.seconds)
        errors += failed
        print(f"8 clients, {wall:.0f} s: {len(latencies) / wall:.1f} requests/s, {summary(latencies)}")
        warm, failed, _ = drive(server.port, first_minute_questions, clients=1, requests=len(cold))
        errors += failed
        print(f"first {FIRST_MINUTE_SECONDS} s after start, 1 client, questions ({len(cold)}): {summary(cold)}; "
              f"the same questions warm: {summary(warm)}; "
              f"p99 first minute / warm: {percentile(cold, 0.99) / percentile(warm, 0.99):.2f}x")
        print(f"errors: {errors}; server memory at the end: {memory(server)}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
