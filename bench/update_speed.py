"""`timkiem update` after 1% of the documents changed, 1% added and 1% deleted, against a full rebuild.

    .venv/bin/python bench/update_speed.py [--large] [--queries 300]

Corpus: ../shared/corpus-large/vntc/vntc-train-00.jsonl (10,000 articles), or
with --large all of ../shared/corpus-large (133,709 documents).  Version 1
(all but the 1% to be added) is rebuilt; version 2 changes 1% of the texts,
adds the held-back 1% and drops another 1%.  Timed: `timkiem update` from
version 1 to 2, and `timkiem rebuild` of version 2 into a second index.
Then both indexes answer the same eval-dev questions and short queries, and
the script counts the queries whose results (ids, scores, order) differ:
the update must give exactly what the rebuild gives.
"""

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._shared import eval_queries, shared_path  # noqa: E402
from indexer.search import SearchEngine  # noqa: E402

TIMKIEM = str(Path(sys.executable).parent / "timkiem")
SHARE = 0.01


def timed(*args) -> float:
    started = time.monotonic()
    subprocess.run([TIMKIEM, *map(str, args)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def versions(records: list[dict], seed: int = 5) -> tuple[list[dict], list[dict]]:
    """(version 1, version 2) of the corpus, as the module docstring describes."""
    chooser = random.Random(seed)
    count = max(1, int(len(records) * SHARE))
    picked = chooser.sample(range(len(records)), 3 * count)
    added, deleted, changed = set(picked[:count]), set(picked[count:2 * count]), set(picked[2 * count:])
    first = [record for number, record in enumerate(records) if number not in added]
    second = []
    for number, record in enumerate(records):
        if number in deleted or number in added:
            continue
        if number in changed:
            record = {**record, "text": record["text"] + "\nBài viết đã được cập nhật."}
        second.append(record)
    second += [records[number] for number in sorted(added)]
    return first, second


def write(folder: Path, records: list[dict]) -> Path:
    folder.mkdir(parents=True)
    with open(folder / "docs.jsonl", "w", encoding="utf-8") as stream:
        stream.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", action="store_true", help="all of corpus-large instead of 10,000 articles")
    parser.add_argument("--queries", type=int, default=300, help="queries compared between the two indexes")
    args = parser.parse_args()
    files = (sorted(shared_path("corpus-large").rglob("*.jsonl")) if args.large
             else [shared_path("corpus-large/vntc/vntc-train-00.jsonl")])
    records = [json.loads(line) for file in files for line in open(file, encoding="utf-8") if line.strip()]
    first, second = versions(records)
    with tempfile.TemporaryDirectory(prefix="timkiem-bench-update-") as folder:
        work = Path(folder)
        v1, v2 = write(work / "v1", first), write(work / "v2", second)
        print(f"{len(records):,} documents: version 1 has {len(first):,}, version 2 {len(second):,} "
              f"({SHARE:.0%} changed, added, deleted)", flush=True)
        print(f"rebuild of version 1: {timed('rebuild', '--corpus', v1, '--index', work / 'updated'):.1f} s", flush=True)
        updating = timed("update", "--corpus", v2, "--index", work / "updated")
        rebuilding = timed("rebuild", "--corpus", v2, "--index", work / "rebuilt")
        print(f"update to version 2: {updating:.1f} s; rebuild of version 2: {rebuilding:.1f} s; "
              f"update / rebuild = {updating / rebuilding:.1%}")
        updated, rebuilt = SearchEngine(work / "updated"), SearchEngine(work / "rebuilt")
        queries = eval_queries(args.queries)
        differing = [query for query in queries
                     if [(h.id, h.score) for h in updated.search(query).hits]
                     != [(h.id, h.score) for h in rebuilt.search(query).hits]]
        print(f"queries with different results: {len(differing)} of {len(queries)}")
        for query in differing[:5]:
            print(f"  differs: {query}")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
