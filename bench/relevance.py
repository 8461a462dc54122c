"""Relevance of timkiem's ranking on a judged set, against plain BM25 baselines.

    .venv/bin/python bench/relevance.py [--set DIR] [--distractors FILE] [--distractor-count N] [--semantic]

The set is a folder in the xquad-vi format (corpus.jsonl, queries.jsonl,
queries_noaccent.jsonl, qrels.tsv).  It runs twice: the set alone, and the set
plus N news articles as distractors.  timkiem is measured through the product
itself: `rebuild` of the documents (with --semantic: `rebuild --semantic`, which
takes about 16 minutes more for 10,000 distractors on 2 cores), then the search
call the JSON API makes.  For the unaccented questions it also prints how
many syllables the suggestion ("Có phải bạn muốn tìm") restores as the
accented question wrote them.
Baselines, on the same documents: BM25 (k1=1.2, b=0.75) over lower-cased
syllables (\\w+), on the text as is and with both sides folded (no diacritics).
"""

import argparse
import itertools
import json
import math
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._shared import default_bench_index, reusable, shared_path  # noqa: E402
from indexer.build import rebuild  # noqa: E402
from indexer.query import MAX_QUERY_CHARS, query_terms  # noqa: E402
from indexer.schema import IndexOptions  # noqa: E402
from indexer.search import MAX_PER_PAGE, SearchEngine  # noqa: E402
from indexer.text import fold  # noqa: E402

DEPTH = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, help="judged set folder (default: ../shared/eval-dev/xquad-vi)")
    parser.add_argument("--distractors", type=Path,
                        help="JSONL of extra documents (default: ../shared/corpus-large/vntc/vntc-train-00.jsonl)")
    parser.add_argument("--distractor-count", type=int, default=10_000)
    parser.add_argument("--skip-alone", action="store_true", help="only the setting with distractors")
    parser.add_argument("--no-baselines", action="store_true", help="only timkiem (quicker, for tuning)")
    parser.add_argument("--semantic", action="store_true",
                        help="index with sentence vectors and rank by meaning too (rebuild --semantic)")
    parser.add_argument("--rebuild", action="store_true",
                        help="rebuild the indexes kept from the last run (needed after analysis changes)")
    args = parser.parse_args()
    judged = args.set or shared_path("eval-dev/xquad-vi")
    distractors = args.distractors or shared_path("corpus-large/vntc/vntc-train-00.jsonl")

    qrels = read_qrels(judged / "qrels.tsv")
    query_sets = {"accented": read_queries(judged / "queries.jsonl"),
                  "unaccented": read_queries(judged / "queries_noaccent.jsonl")}
    settings = [] if args.skip_alone else [("set alone", 0)]
    settings.append((f"set + {args.distractor_count:,} distractors", args.distractor_count))
    rows, restorations = [], []
    for name, count in settings:
        index_dir = judged_index(judged, count, distractors, args.semantic, args.rebuild, name)
        documents = judged_documents(judged, count, distractors)
        engine = SearchEngine(index_dir)
        engine.warm_up()
        baselines = {} if args.no_baselines else {"BM25 syllables": Bm25(documents, folded=False),
                                                  "BM25 syllables, folded": Bm25(documents, folded=True)}
        for kind, queries in query_sets.items():
            ours = "timkiem, semantic" if args.semantic else "timkiem"
            for ranker, run in [(ours, lambda q: timkiem_ranking(engine, q))] + [
                    (label, bm25.ranking) for label, bm25 in baselines.items()]:
                clock = time.monotonic()
                metrics = evaluate(run, queries, qrels)
                rows.append((name, kind, ranker, metrics, time.monotonic() - clock))
        restorations.append((name, *accent_restoration(engine, query_sets)))
    print_table(rows)
    print("\nAccents put back on the unaccented questions (the suggestion against the accented question):")
    for name, syllables, whole, questions in restorations:
        print(f"- {name}: {syllables:.1%} of syllables, {whole:.1%} of {questions:,} questions whole")


def judged_index(judged: Path, count: int, distractors: Path | None, semantic: bool = False,
                 rebuild_anyway: bool = False, setting: str = "") -> Path:
    """The index of the judged set plus the first ``count`` distractors, kept between runs
    (and between the benchmarks that use it); built when missing or with ``rebuild_anyway``."""
    index_dir = default_bench_index(f"relevance-{judged.name}-{count}" + ("-semantic" if semantic else ""))
    if not rebuild_anyway and reusable(index_dir):
        print(f"[{setting}] reusing {index_dir} (--rebuild to build it anew)", file=sys.stderr)
        return index_dir
    with tempfile.TemporaryDirectory(prefix="timkiem-relevance-") as work:
        corpus = Path(work) / "corpus"
        corpus.mkdir()
        shutil.copy(judged / "corpus.jsonl", corpus / "set.jsonl")
        if count:
            copy_lines(distractors, corpus / "distractors.jsonl", count)
        report = rebuild(corpus, index_dir, IndexOptions(semantic=semantic))
    print(f"[{setting}] indexed {report.documents} documents in {report.seconds:.0f} s", file=sys.stderr)
    return index_dir


def judged_documents(judged: Path, count: int, distractors: Path | None) -> list[dict]:
    """The records ``judged_index`` indexes, in the order its corpus folder lists them."""
    documents = []
    if count:
        with distractors.open(encoding="utf-8") as lines:
            documents += [json.loads(line) for line in itertools.islice(lines, count) if line.strip()]
    with (judged / "corpus.jsonl").open(encoding="utf-8") as lines:
        documents += [json.loads(line) for line in lines if line.strip()]
    return documents


def timkiem_ranking(engine: SearchEngine, query: str, verbatim: bool = False, depth: int = MAX_PER_PAGE) -> list[str]:
    results = engine.search(query[:MAX_QUERY_CHARS], per_page=depth, verbatim=verbatim)
    return [hit.id for hit in results.hits]


def accent_restoration(engine: SearchEngine, query_sets) -> tuple[float, float, int]:
    """How well the suggestion made for each unaccented question restores its accented twin:
    (share of syllables restored, share of questions restored whole, questions compared)."""
    accented = dict(query_sets["accented"])
    right = total = whole = questions = 0
    for qid, typed in query_sets["unaccented"]:
        expected = [term.exact for term in query_terms(accented.get(qid, ""))]
        typed_syllables = [term.exact for term in query_terms(typed)]
        if [fold(syllable) for syllable in expected] != typed_syllables:  # not the same words
            continue
        suggestion = engine.search(typed[:MAX_QUERY_CHARS], per_page=1).suggestion
        restored = [term.exact for term in query_terms(suggestion)] if suggestion else typed_syllables
        correct = sum(got == wanted for got, wanted in zip(restored, expected))
        right, total = right + correct, total + len(expected)
        whole, questions = whole + (correct == len(expected) == len(restored)), questions + 1
    return right / max(total, 1), whole / max(questions, 1), questions


class Bm25:
    """Plain BM25 over lower-cased \\w+ syllables (optionally folded), the usual idf."""

    def __init__(self, documents, folded: bool, k1: float = 1.2, b: float = 0.75):
        self.folded = folded
        self.ids = [d["id"] for d in documents]
        self.postings: dict[str, list[tuple[int, int]]] = {}
        lengths = []
        for number, document in enumerate(documents):
            counts = Counter(self.terms(f"{document.get('title', '')} {document.get('text', '')}"))
            lengths.append(sum(counts.values()))
            for term, count in counts.items():
                self.postings.setdefault(term, []).append((number, count))
        average = sum(lengths) / len(lengths)
        self.norms = [k1 * (1 - b + b * length / average) for length in lengths]
        self.k1 = k1
        total = len(documents)
        self.idf = {t: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}

    def terms(self, text: str) -> list[str]:
        words = re.findall(r"\w+", text.lower())
        return [fold(w) for w in words] if self.folded else words

    def ranking(self, query: str) -> list[str]:
        scores: dict[int, float] = {}
        for term in set(self.terms(query)):
            idf = self.idf.get(term)
            if idf is None:
                continue
            for number, count in self.postings[term]:
                scores[number] = scores.get(number, 0.0) + idf * count * (self.k1 + 1) / (count + self.norms[number])
        best = sorted(scores.items(), key=lambda item: -item[1])[:DEPTH]
        return [self.ids[number] for number, _ in best]


def evaluate(run, queries, qrels) -> dict[str, float]:
    totals = Counter()
    for qid, text in queries:
        relevant = qrels.get(qid, set())
        ranking = run(text)
        gains = [1.0 if doc in relevant else 0.0 for doc in ranking[:10]]
        ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
        totals["nDCG@10"] += sum(g / math.log2(i + 2) for i, g in enumerate(gains)) / ideal if ideal else 0
        first = next((i for i, doc in enumerate(ranking[:10]) if doc in relevant), None)
        totals["MRR@10"] += 1 / (first + 1) if first is not None else 0
        totals["Recall@10"] += len(relevant & set(ranking[:10])) / len(relevant) if relevant else 0
        totals["Recall@100"] += len(relevant & set(ranking[:100])) / len(relevant) if relevant else 0
    return {name: value / len(queries) for name, value in totals.items()}


def print_table(rows) -> None:
    print("| setting | queries | ranker | nDCG@10 | MRR@10 | Recall@10 | Recall@100 | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for setting, kind, ranker, m, seconds in rows:
        print(f"| {setting} | {kind} | {ranker} | {m['nDCG@10']:.3f} | {m['MRR@10']:.3f} | "
              f"{m['Recall@10']:.3f} | {m['Recall@100']:.3f} | {seconds:.0f} |")


def read_queries(path: Path) -> list[tuple[str, str]]:
    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return [(r["qid"], r["query"]) for r in records]


def read_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = {}
    for line in path.open(encoding="utf-8"):
        parts = line.split("\t")
        if len(parts) >= 3 and float(parts[2]) > 0:
            qrels.setdefault(parts[0], set()).add(parts[1])
    return qrels


def copy_lines(source: Path, target: Path, count: int) -> None:
    with source.open(encoding="utf-8") as read, target.open("w", encoding="utf-8") as write:
        for number, line in enumerate(read):
            if number >= count:
                break
            write.write(line)


if __name__ == "__main__":
    main()
