"""Updating the index in place of a rebuild: only what changed in the corpus is analysed.

A new generation starts as hard links to the live generation's files (Whoosh
never rewrites a segment file, so both generations stay intact).  Documents
that changed or left the corpus are marked deleted in the old segments; new
and changed documents are written as new segments, as a rebuild writes
them; the table of contents then lists both, and the generation is
published like a rebuild's.  A document "changed" when its fingerprint
(selection.digest: title, body and metadata) differs.

Search results equal a full rebuild's: scoring counts only documents not
deleted, and ties are ordered by id, not by position in the index.  Deleted
documents still take disk space until the next rebuild.

The synonyms are merged again (the user's file, the built-in list, what the
whole corpus defines), as a rebuild merges them; when only they changed, the
new generation is the live one's files with a new ``synonyms.json``.
"""

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from indexer import generations, integrity, synonyms
from indexer.build import Progress, default_workers, report_changes, require_folder, write_segments
from indexer.corpus import Problem
from indexer.generations import open_generation
from indexer.schema import options_of
from indexer.selection import Selection, changed_since, file_states, scan
from indexer.whoosh_internals import commit_segments, segments_without

REBUILD_ADVISED = 0.25  # share of deleted documents above which `update` suggests a rebuild


@dataclass
class UpdateReport:
    added: int = 0
    changed: int = 0
    deleted: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    generation: str = ""  # the live generation afterwards (a new one only if something changed)
    deleted_share: float = 0.0  # of the documents in the index files, those marked deleted
    problems: list[Problem] = field(default_factory=list)


def update(corpus_dir: Path, index_dir: Path, workers: int | None = None, progress: Progress | None = None,
           on_problem=None, synonyms_file: Path | None = None, cluster=None) -> UpdateReport:
    """Bring the live index in line with ``corpus_dir``, and its synonyms in line with
    ``synonyms_file`` (by default ``<index_dir>/synonyms.txt`` if there is one) and the corpus;
    with ``cluster`` (a connected cluster.Cluster), the new documents are analysed on its workers.

    Raises IndexMissing when there is no index to update, OldIndex when an
    older timkiem built it, RebuildRunning when a rebuild or another update
    holds the folder, SynonymsError (before anything is written) for a synonyms
    file it cannot use.
    """
    started = time.monotonic()
    corpus_dir, index_dir = require_folder(corpus_dir), Path(index_dir)
    user_synonyms = synonyms.user_groups(index_dir, synonyms_file)
    report = UpdateReport()
    with generations.rebuild_lock(index_dir, "update"):
        live = generations.require_live(index_dir)
        definitions = synonyms.DefinitionCounter()
        files = file_states(corpus_dir)
        entries = scan(corpus_dir, report.problems, on_problem, definitions.add)
        groups = synonyms.index_groups(user_synonyms, definitions.consistent())
        indexed = _indexed_digests(live)
        wanted = {entry.id for entry in entries}
        gone = [doc_id for doc_id in indexed if doc_id not in wanted]
        fresh = [entry for entry in entries if indexed.get(entry.id) != entry.digest]
        changed = [entry.id for entry in fresh if entry.id in indexed]
        report.added, report.changed, report.deleted = len(fresh) - len(changed), len(changed), len(gone)
        report.unchanged = len(entries) - len(fresh)
        report.generation = live.name
        if fresh or gone or synonyms.differs(live, groups):
            with generations.publishing(index_dir) as generation:
                report.deleted_share, failed = _write_update(live, generation, Selection(corpus_dir, fresh),
                                                             gone + changed, workers or default_workers(),
                                                             progress, cluster)
                synonyms.write(generation, groups)
            report.generation = generation.name
            skipped = {problem.path for problem in failed}
            report.changed -= len(skipped & set(changed))
            report.added -= len(skipped - set(changed))
            report_changes(failed, report.problems, on_problem)
    report_changes(changed_since(corpus_dir, files), report.problems, on_problem)
    report.seconds = time.monotonic() - started
    return report


def _indexed_digests(generation: Path) -> dict[str, bytes]:
    """Id -> fingerprint of every document the generation holds (deleted ones left out)."""
    with open_generation(generation).reader() as reader:
        ids, digests = reader.column_reader("id"), reader.column_reader("digest")
        return {ids[docnum]: digests[docnum] for docnum in range(reader.doc_count_all())
                if not reader.is_deleted(docnum)}


def _write_update(live: Path, generation: Path, fresh: Selection, removed_ids: list[str], workers: int,
                  progress: Progress | None, cluster) -> tuple[float, list[Problem]]:
    """Fill ``generation``: ``live``'s segments without ``removed_ids``, plus the ``fresh`` documents.
    A changed document whose new text cannot be analysed keeps its old version.  Returns the
    share of deleted documents in the result, and the problems of the documents skipped."""
    for path in live.iterdir():
        if path.is_file() and integrity.is_index_file(path.name):  # new checksums are recorded at publish
            os.link(path, generation / path.name)
    ix = open_generation(generation)
    added, failed = write_segments(generation, fresh, options_of(ix.schema), workers, progress, cluster)
    skipped = {problem.path for problem in failed}
    kept = segments_without(ix, [doc_id for doc_id in removed_ids if doc_id not in skipped])
    commit_segments(ix, kept + added)
    total = sum(segment.doc_count_all() for segment in kept + added)
    deleted = sum(segment.deleted_count() for segment in kept)
    return (deleted / total if total else 0.0), failed
