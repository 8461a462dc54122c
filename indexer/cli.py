"""The ``timkiem`` command: rebuild, update, search, serve, stats, check, export, inspect.

Exit codes: 0 success, 2 usage errors (argparse), 1 any other failure, always
with one clear line on stderr and never a traceback.
"""

import argparse
import html
import json
import os
import re
import sys
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

from indexer import cluster, generations, integrity, synonyms
from indexer.build import AnalysisFailed, WorkerDied, default_workers, rebuild
from indexer.corpus import read_corpus, read_file
from indexer.export import DOCUMENTS_FILE, FORMATS, MAPPING_FILE, export
from indexer.formats import format_of
from indexer.progress import ProgressReporter
from indexer.schema import IndexOptions
from indexer.semantic import EncoderMissing
from indexer.search import DEFAULT_TIME_BUDGET, IndexMissing, InvalidRequest, OldIndex, SearchEngine
from indexer.selection import CorpusChanged
from indexer.update import REBUILD_ADVISED, update

MAX_PROBLEMS_SHOWN = 20


class CommandError(Exception):
    """A failure to report in one line."""


def main(argv=None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "cluster", None) and (getattr(args, "shared_corpus", False)
                                                or getattr(args, "shared_index", False)):
        parser.error("--shared-corpus and --shared-index go with --cluster")
    try:
        return args.run(args) or 0
    except synonyms.SynonymsError as exc:  # a usage error: the file the user gave
        print(f"timkiem: error: {exc}", file=sys.stderr)
        return 2
    except (CommandError, IndexMissing, InvalidRequest, CorpusChanged, generations.RebuildRunning,
            EncoderMissing, AnalysisFailed, WorkerDied, cluster.ClusterError, FileNotFoundError,
            PermissionError) as exc:
        print(f"timkiem: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # disk full, read-only folder …
        print(f"timkiem: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("timkiem: interrupted; the previous index is still in place", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timkiem", description="Vietnamese full-text search.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_index(command):
        command.add_argument("--index", type=Path, default=Path(os.environ.get("TIMKIEM_INDEX", "index")),
                             help="index folder (default: ./index, or $TIMKIEM_INDEX)")
        return command

    def with_corpus(command, build_options=True):
        command.add_argument("--corpus", type=Path, default=Path(os.environ.get("TIMKIEM_CORPUS", "corpus")),
                             help="corpus folder (default: ./corpus, or $TIMKIEM_CORPUS)")
        if build_options:
            command.add_argument("--no-fold", action="store_true",
                                 help="do not index unaccented forms (queries must then carry diacritics)")
            command.add_argument("--semantic", action="store_true",
                                 help="also store a sentence vector per document, to rank by meaning "
                                      "(about 5 documents/s per core)")
        command.add_argument("--workers", type=_positive, default=default_workers(),
                             help="processes that segment text (default: number of cores)")
        command.add_argument("--synonyms", type=Path, metavar="FILE",
                             help=f"synonyms and abbreviations, one group a line: 'UBND = Ủy ban nhân dân' "
                                  f"(default: {synonyms.USER_FILE} in the index folder, if there is one)")
        return command

    def with_cluster(command):
        command.add_argument("--cluster", metavar="ADDRESS",
                             help="run the shares on the workers of the Dask scheduler at ADDRESS "
                                  "(e.g. tcp://10.0.0.1:8786; --workers is then the cluster's)")
        command.add_argument("--shared-corpus", action="store_true",
                             help="with --cluster: workers read --corpus at the same path (default: sent to them)")
        command.add_argument("--shared-index", action="store_true",
                             help="with --cluster: workers write into --index at the same path "
                                  "(default: they send the segment files back)")
        return command

    build = with_cluster(with_corpus(with_index(commands.add_parser("rebuild", help="build the index from the corpus"))))
    build.set_defaults(run=_rebuild)

    refresh = with_cluster(with_corpus(with_index(commands.add_parser(
        "update", help="index only what changed in the corpus since the last rebuild or update")), build_options=False))
    refresh.set_defaults(run=_update)

    search = with_index(commands.add_parser("search", help="search from the terminal"))
    search.add_argument("query", help="the search, e.g. 'cong thuong' or '\"Bắc Giang\" -Long'")
    search.add_argument("--json", action="store_true", help="print the same JSON as /api/search")
    search.add_argument("--page", type=_positive, default=1)
    search.add_argument("--per-page", type=_positive, default=10)
    search.set_defaults(run=_search)

    serve = with_corpus(with_index(commands.add_parser(
        "serve", help="serve the web UI and JSON API (builds the index first if there is none)")))
    serve.add_argument("--host", default=os.environ.get("TIMKIEM_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("TIMKIEM_PORT", "5000")))
    serve.add_argument("--threads", type=_positive, default=8, help="request threads per process (default 8)")
    serve.add_argument("--processes", type=_positive, default=default_workers(),
                       help="server processes (default: number of cores; searching is CPU work)")
    serve.add_argument("--queue", type=_not_negative, default=16,
                       help="requests that may wait for a thread in each process; more are answered 503 (default 16)")
    serve.add_argument("--search-timeout", type=_seconds, default=DEFAULT_TIME_BUDGET, metavar="SECONDS",
                       help="time one search may take; then it answers with what it found, timed_out true (default 1)")
    serve.add_argument("--trusted-proxy", metavar="ADDRESS",
                       help="trust X-Forwarded-For/-Proto/-Host from this address only (the proxy's, e.g. "
                            "127.0.0.1; default: from nobody)")
    serve.add_argument("--access-log", type=Path, metavar="FILE", help="append one line per request to FILE")
    serve.set_defaults(run=_serve)

    stats = with_index(commands.add_parser("stats", help="what the live index holds"))
    stats.set_defaults(run=_stats)

    check = with_index(commands.add_parser(
        "check", help="verify the live index's files against their checksums (exit 1 if any differs)"))
    check.set_defaults(run=_check)

    dump = with_index(commands.add_parser(
        "export", help="write the analysed documents and a mapping for OpenSearch/Elasticsearch's bulk API"))
    dump.add_argument("--format", choices=FORMATS, default=FORMATS[0])
    dump.add_argument("--output", type=Path, default=Path("export"),
                      help=f"folder for {MAPPING_FILE} and {DOCUMENTS_FILE} (default: ./export)")
    dump.add_argument("--name", default="timkiem", help="the target index's name (default: timkiem)")
    dump.add_argument("--workers", type=_positive, default=default_workers(),
                      help="processes that analyse text (default: number of cores)")
    dump.set_defaults(run=_export)

    look = commands.add_parser("inspect", help="show what timkiem reads from a file or a corpus folder")
    look.add_argument("path", type=Path, help="a document file or a folder")
    look.add_argument("--lines", type=_positive, default=3, help="lines of each body to show (default 3)")
    look.set_defaults(run=_inspect)
    return parser


def _whole(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be {least} or more")
    return value


def _not_negative(text: str) -> int:
    return _whole(text, 0)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and less than 3600")
    return value


def _positive(text: str) -> int:
    return _whole(text, 1)


class _ProblemPrinter:
    """Prints the corpus problems a build meets, the first MAX_PROBLEMS_SHOWN in full."""

    def __init__(self):
        self.count = 0

    def __call__(self, problem) -> None:
        self.count += 1
        if self.count <= MAX_PROBLEMS_SHOWN:
            print(f"warning: {problem}", file=sys.stderr)

    def finish(self) -> None:
        if self.count > MAX_PROBLEMS_SHOWN:
            print(f"warning: … and {self.count - MAX_PROBLEMS_SHOWN} more problems", file=sys.stderr)


def _cluster(args):
    """The connected cluster of ``--cluster`` (before anything is written), or none."""
    if not getattr(args, "cluster", None):
        return nullcontext()
    return cluster.connect(args.cluster, shared_corpus=args.shared_corpus, shared_index=args.shared_index)


def _rebuild(args) -> int:
    problems = _ProblemPrinter()
    with _cluster(args) as on_cluster:
        result = rebuild(args.corpus, args.index, IndexOptions(fold=not args.no_fold, semantic=args.semantic),
                         workers=args.workers, progress=ProgressReporter(), on_problem=problems,
                         synonyms_file=args.synonyms, cluster=on_cluster)
    problems.finish()
    rate = result.documents / result.seconds if result.seconds else 0
    print(f"Indexed {result.documents} documents{_tally(result.formats)} in {result.seconds:.1f} s "
          f"({rate:,.0f} docs/s); skipped {result.skipped}{_tally(result.skips)}; "
          f"index {_size(result.size_bytes)} in {args.index / result.generation}")
    return 0


def _tally(counts: Counter) -> str:
    """`` (3 html, 2 pdf)``: most frequent first, then by name; nothing for no counts."""
    if not counts:
        return ""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return " (" + ", ".join(f"{count} {name}" for name, count in ordered) + ")"


def _inspect(args) -> int:
    """Each document as the index would hold it, each skipped file with its reason."""
    path = args.path
    if not path.exists():
        raise CommandError(f"no such file or folder: {path}")
    if path.is_file() and format_of(path.name) is None:
        raise CommandError(f"not a format timkiem reads: {path} (.txt, .md, .html, .htm, .pdf, .docx, .jsonl, .jsonl.gz)")
    formats, skips = Counter(), Counter()

    def skipped(problem) -> None:
        if not problem.kept:
            skips[problem.kind] += 1
        where = problem.path if problem.line is None else f"{problem.path}:{problem.line}"
        print(f"{where}\n  {'note' if problem.kept else 'skipped'}  {problem.reason}\n")

    located = read_corpus(path, skipped) if path.is_dir() else read_file(path, path.name, skipped)
    for (where, number), document in located:
        kind = format_of(where)
        formats[kind] += 1
        print(f"{where}:{number}  id {document.id}" if number else where)
        print(f"  format  {kind}\n  title   {document.title or '—'}\n  date    {document.date or '—'}")
        for name in ("source", "url", "category"):
            if getattr(document, name):
                print(f"  {name:<7} {getattr(document, name)}")
        print(f"  length  {len(document.body):,} characters")
        for text in [line for line in document.body.split("\n") if line.strip()][:args.lines]:
            print(f"  | {text[:117] + '…' if len(text) > 118 else text}")
        print()
    print(f"{sum(formats.values())} documents{_tally(formats)}; skipped {sum(skips.values())}{_tally(skips)}")
    return 0


def _update(args) -> int:
    problems = _ProblemPrinter()
    with _cluster(args) as on_cluster:
        result = update(args.corpus, args.index, workers=args.workers, progress=ProgressReporter(),
                        on_problem=problems, synonyms_file=args.synonyms, cluster=on_cluster)
    problems.finish()
    print(f"Updated in {result.seconds:.1f} s: {result.added} added, {result.changed} changed, "
          f"{result.deleted} deleted, {result.unchanged} unchanged; live: {args.index / result.generation}")
    if result.deleted_share > REBUILD_ADVISED:
        print(f"note: {result.deleted_share:.0%} of the index is deleted documents; "
              "`timkiem rebuild` would reclaim the space", file=sys.stderr)
    return 0


def _search(args) -> int:
    results = SearchEngine(args.index).search(args.query, page=args.page, per_page=args.per_page)
    if args.json:
        print(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return 0
    color = sys.stdout.isatty()
    print(f'{results.total} results for "{results.query}" ({results.took_ms:.0f} ms)')
    first = (results.page - 1) * results.per_page
    for number, hit in enumerate(results.hits, start=first + 1):
        print(f"\n{number}. {_terminal_text(hit.title_html, color)}  [{hit.id}]")
        print(f"   {_terminal_text(hit.snippet, color)}")
    return 0


def _serve(args) -> int:
    from webui.server import serve

    live = generations.live_generation(args.index)
    if live is None:
        print(f"No index in {args.index} yet: building it from {args.corpus} …", file=sys.stderr)
        _rebuild(args)
    else:
        try:
            generations.open_generation(live)  # raises OldIndex before serving what it cannot search
        except OldIndex:
            raise
        except Exception:  # noqa: BLE001 - damaged files: the server verifies them and serves the previous generation
            pass
    serve(args.index, args.host, args.port, threads=args.threads, processes=args.processes, queue=args.queue,
          trusted_proxy=args.trusted_proxy, time_budget=args.search_timeout, access_log=args.access_log)
    return 0


def _stats(args) -> int:
    """What the generation that answers holds: the live one, or its fallback when it is corrupt."""
    engine = SearchEngine(args.index)
    health = engine.health()
    served = generations.require_live(args.index).parent / health.served
    options = engine.options()
    size = sum(f.stat().st_size for f in served.iterdir())
    print(f"index: {served}\ndocuments: {engine.document_count()}\nsize: {_size(size)}\n"
          f"unaccented forms: {'yes' if options.fold else 'no'}\nsemantic vectors: {'yes' if options.semantic else 'no'}")
    print(f"synonyms: {synonyms.describe(synonyms.load(served))}")
    print(f"integrity: {_integrity(health)}")
    return 0


def _integrity(health) -> str:
    if health.integrity == integrity.UNVERIFIED:
        return "unverified: built before timkiem recorded checksums (`timkiem rebuild` adds them)"
    if health.degraded:
        return (f"CORRUPT: {len(health.differences)} files of the live generation {health.live} differ from "
                "their checksums (`timkiem check` lists them); searches use the index above")
    if health.integrity == integrity.VERIFIED:
        return "verified: every file matches its checksum"
    return "checksums recorded (`timkiem check` verifies them)"


def _check(args) -> int:
    """Each file that differs from its checksum on a line of its own; exit 1 if there is one."""
    verdict = integrity.verify(generations.require_live(args.index))
    if verdict.state == integrity.UNVERIFIED:
        print(f"{verdict.generation}: unverified: built before timkiem recorded checksums "
              "(`timkiem rebuild` adds them)")
        return 0
    for difference in verdict.differences:
        print(f"{verdict.generation / difference}")
    if verdict.differences:
        raise CommandError(f"{verdict.generation}: {len(verdict.differences)} of {verdict.files} files differ "
                           "from their checksums: run `timkiem rebuild`")
    print(f"{verdict.generation}: ok, {verdict.files} files ({_size(verdict.size)}) match their checksums "
          f"({verdict.seconds:.1f} s)")
    return 0


def _export(args) -> int:
    count = export(args.index, args.output, index_name=args.name, workers=args.workers,
                   progress=ProgressReporter(verb="exported"))
    print(f"Exported {count} documents to {args.output / DOCUMENTS_FILE} (mapping: {args.output / MAPPING_FILE}).\n"
          f"Load: curl -XPUT $ES/{args.name} -H 'Content-Type: application/json' -d @{args.output / MAPPING_FILE}\n"
          f"      curl -XPOST $ES/_bulk -H 'Content-Type: application/x-ndjson' "
          f"--data-binary @{args.output / DOCUMENTS_FILE}")
    return 0


def _terminal_text(fragment: str, color: bool) -> str:
    start, end = ("\033[1;33m", "\033[0m") if color else ("", "")
    marked = re.sub(r"<mark>(.*?)</mark>", lambda m: start + m.group(1) + end, fragment)
    return html.unescape(marked)


def _size(size: int) -> str:
    value, units = float(size), ["B", "KB", "MB", "GB"]
    while value >= 1024 and len(units) > 1:
        value /= 1024
        units.pop(0)
    return f"{value:.1f} {units[0]}"


if __name__ == "__main__":
    sys.exit(main())
