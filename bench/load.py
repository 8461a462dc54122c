"""Load test: many concurrent clients against `timkiem serve` for a fixed time.

    .venv/bin/python bench/load.py [--clients 16] [--seconds 60] [--index DIR]

Loopback only, bounded in time.  Prints requests/s, latency percentiles,
errors (must be 0) and the server's memory (PSS of all its processes) at start and end (growth must stay
under 10%); exits 1 when either limit is broken.  "Start" is after one
warm-up pass over the queries: the server's caches (postings, vocabulary)
are bounded, and filling them is not growth.  Without --index it builds
(once, then reuses) an index of the first 10,000 articles of
../shared/corpus-large/vntc/vntc-train-00.jsonl.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._shared import (RunningServer, default_bench_index, drive, ensure_index, eval_queries,  # noqa: E402
                           percentile, shared_path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--index", type=Path, default=default_bench_index("vntc-10k"))
    args = parser.parse_args()
    ensure_index(args.index, shared_path("corpus-large/vntc/vntc-train-00.jsonl"), 10_000)
    queries = eval_queries()
    with RunningServer(args.index) as server:
        drive(server.port, queries, clients=4, requests=len(queries))  # warm up: fill the bounded caches
        memory_start, _ = server.memory_mb()
        latencies, errors, wall = drive(server.port, queries, clients=args.clients, seconds=args.seconds)
        memory_end, _ = server.memory_mb()
    growth = (memory_end - memory_start) / memory_start * 100
    print(f"clients: {args.clients}, duration: {wall:.0f} s, requests: {len(latencies) + errors}")
    print(f"throughput: {len(latencies) / wall:.1f} requests/s")
    print(f"latency ms: p50 {percentile(latencies, 0.5):.0f}, p99 {percentile(latencies, 0.99):.0f}, "
          f"max {max(latencies, default=0):.0f}")
    print(f"errors: {errors}")
    print(f"server memory (PSS) MB: start {memory_start:.0f}, end {memory_end:.0f} ({growth:+.1f}%)")
    return 0 if errors == 0 and growth <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
