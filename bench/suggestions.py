"""Suggestions made to questions typed as a judged set has them, counted by kind.

    .venv/bin/python bench/suggestions.py [--set DIR] [--distractor-count N] [--examples]

Issue 19 asks that the suggestion ("Có phải bạn muốn tìm") never appear for a query typed right.
The set's questions are mostly typed right, so each typo or split suggestion made to one is
either a misspelling of the set's own (the set holds some) or a false one; ``--examples`` lists
them to tell which.  Accent suggestions to the unaccented questions are what they should get,
and are counted apart.  Searches the index bench/relevance.py builds (built here when missing).
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._shared import shared_path  # noqa: E402
from bench.relevance import judged_index, read_queries  # noqa: E402
from indexer.query import MAX_QUERY_CHARS  # noqa: E402
from indexer.search import SearchEngine  # noqa: E402
from indexer.understand import ACCENTS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, help="judged set folder (default: ../shared/eval-dev/xquad-vi)")
    parser.add_argument("--distractor-count", type=int, default=10_000)
    parser.add_argument("--examples", action="store_true", help="print each typo or split suggestion")
    args = parser.parse_args()
    judged = args.set or shared_path("eval-dev/xquad-vi")
    distractors = shared_path("corpus-large/vntc/vntc-train-00.jsonl") if args.distractor_count else None
    engine = SearchEngine(judged_index(judged, args.distractor_count, distractors,
                                       setting=f"set + {args.distractor_count:,} distractors"))
    engine.warm_up()
    for form, file in (("accented", "queries.jsonl"), ("unaccented", "queries_noaccent.jsonl")):
        questions = read_queries(judged / file)
        kinds: Counter = Counter()
        for _, typed in questions:
            results = engine.search(typed[:MAX_QUERY_CHARS], per_page=1)
            if results.suggestion:
                kinds[results.suggestion_kind] += 1
                if args.examples and results.suggestion_kind != ACCENTS:
                    print(f"  {form} {results.suggestion_kind}: {typed} -> {results.suggestion}")
        counted = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())) or "none"
        print(f"{form} questions ({len(questions):,}), suggestions by kind: {counted}", flush=True)


if __name__ == "__main__":
    main()
