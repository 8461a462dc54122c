"""Whether two indexes (or two versions of timkiem) rank alike: 300 queries' results, compared.

    .venv/bin/python bench/same_rankings.py dump INDEX_DIR RESULTS.json
    .venv/bin/python bench/same_rankings.py compare BEFORE.json AFTER.json

``dump`` searches INDEX_DIR with the timkiem on the import path (run it with
PYTHONPATH=<another worktree> to dump with another version) and writes, per
query, the first 20 results (document ids with their unrounded scores), the
number of matches, the suggestion and the corrections.  ``compare`` prints how
many queries give the same ids in the same order with scores within 1e-6, and
the first differences; it exits 1 when any differ.

The queries (seeded, the same every run): 100 xquad-vi questions with accents, 50 without,
50 one-word and 50 two-word runs from them (half folded), 25 quoted phrases, 25 with a -word.
"""

import json
import random
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # appended: PYTHONPATH picks the version

from bench._shared import eval_queries  # noqa: E402
from bench.latency import short_queries  # noqa: E402

RESULTS = 20
TOLERANCE = 1e-6


def queries() -> list[str]:
    questions = eval_queries()
    accented = [q for q in questions if q != q.encode("ascii", "ignore").decode()]
    plain = [q for q in questions if q == q.encode("ascii", "ignore").decode()]
    chooser = random.Random(16)
    pairs = short_queries(accented, 2, 100, seed=17)
    return (chooser.sample(accented, 100) + chooser.sample(plain, 50) + short_queries(accented, 1, 50, seed=18)
            + pairs[:50] + [f'"{pair}"' for pair in pairs[50:75]]
            + [f"{pair.split()[0]} -{pair.split()[1]}" for pair in pairs[75:100]])


def dump(index_dir: Path, output: Path) -> None:
    from indexer.ranking import match, plan
    from indexer.search import SearchEngine
    from indexer.understand import understand

    engine = SearchEngine(index_dir)
    found = []
    for query in queries():
        view = engine.live.view()
        results = engine.search(query, per_page=RESULTS)
        understood = understand(view, query)
        ranked = []
        if not understood.searched.is_empty():
            query_plan = plan(understood.searched, view.folding, understood.words_text,
                              understood.alternatives, understood.lowered)
            ranked = match(view, query_plan).best(RESULTS, view.metadata.id_rank)
        found.append({"query": query, "total": results.total, "suggestion": results.suggestion,
                      "corrections": results.corrections, "hits": [hit.id for hit in results.hits],
                      "ranked": [[view.stored(docnum)["id"], score] for docnum, score in ranked]})
    output.write_text(json.dumps(found, ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"{len(found)} queries' results written to {output}")


def differences(before: dict, after: dict) -> list[str]:
    problems = [f"{key}: {before[key]!r} -> {after[key]!r}"
                for key in ("total", "suggestion", "corrections", "hits") if before[key] != after[key]]
    if [doc for doc, _ in before["ranked"]] != [doc for doc, _ in after["ranked"]]:
        problems.append("ranked ids differ")
    else:
        worst = max((abs(a - b) for (_, a), (_, b) in zip(before["ranked"], after["ranked"])), default=0.0)
        if worst > TOLERANCE:
            problems.append(f"a score differs by {worst:.2e}")
    return problems


def compare(before_file: Path, after_file: Path) -> int:
    before, after = (json.loads(path.read_text(encoding="utf-8")) for path in (before_file, after_file))
    if [entry["query"] for entry in before] != [entry["query"] for entry in after]:
        sys.exit("the two files hold different queries")
    differing = [(b["query"], problems) for b, a in zip(before, after) if (problems := differences(b, a))]
    worst = max((abs(x - y) for b, a in zip(before, after) for (_, x), (_, y) in zip(b["ranked"], a["ranked"])),
                default=0.0)
    print(f"{len(before) - len(differing)} of {len(before)} queries give the same results "
          f"(ids, order, matches, corrections; largest score difference {worst:.1e})")
    for query, problems in differing[:10]:
        print(f"  {query!r}: {'; '.join(problems)}")
    return 1 if differing else 0


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "dump":
        dump(Path(sys.argv[2]), Path(sys.argv[3]))
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        return compare(Path(sys.argv[2]), Path(sys.argv[3]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
