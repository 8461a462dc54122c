"""Export for a distributed engine: the live index's documents, analysed the timkiem way,
as OpenSearch/Elasticsearch bulk NDJSON plus the index mapping that reads them.

The Vietnamese analysis happens here, in Python, exactly as for timkiem's own
index; the engine only splits the prepared fields on spaces.  Fields per
document:

- ``title``, ``body``: the original text, stored for display, not indexed;
- ``*_syllables``: syllables in order (lower case, one tone placement), for
  matching and phrases; ``*_words``: pyvi's multi-syllable words
  (``công_thương``), for whole-word matches;
- ``*_folded``: the syllables without diacritics, for queries typed without
  them; ``pairs``: adjacent folded syllables joined by ``_`` (``cong_thuong``),
  the proximity signal timkiem's ranking rewards;
- ``date``, ``source``, ``category``, ``url`` as in the corpus.

Load with::

    curl -XPUT  localhost:9200/timkiem -H 'Content-Type: application/json' -d @mapping.json
    curl -XPOST localhost:9200/_bulk   -H 'Content-Type: application/x-ndjson' --data-binary @documents.ndjson
"""

import json
import multiprocessing
from pathlib import Path

from indexer.analysis import index_terms
from indexer.generations import open_generation, require_live
from indexer.schema import has_folding
from indexer.scoring import B, K1

FORMATS = ("opensearch-bulk",)
MAPPING_FILE = "mapping.json"
DOCUMENTS_FILE = "documents.ndjson"
_SPACE_SPLIT = {"type": "text", "analyzer": "whitespace"}


def mapping(fold: bool) -> dict:
    """The index settings and mapping for the exported documents."""
    properties = {
        "title": {"type": "text", "index": False},
        "body": {"type": "text", "index": False},
        "date": {"type": "date", "format": "yyyy-MM-dd||yyyy-MM||yyyy"},
        "source": {"type": "keyword"},
        "category": {"type": "keyword"},
        "url": {"type": "keyword", "index": False},
    }
    for part in ("title", "body"):
        properties[f"{part}_syllables"] = _SPACE_SPLIT
        properties[f"{part}_words"] = _SPACE_SPLIT
        if fold:
            properties[f"{part}_folded"] = _SPACE_SPLIT
    if fold:
        properties["pairs"] = {**_SPACE_SPLIT, "index_options": "freqs"}
    return {"settings": {"index": {"similarity": {"default": {"type": "BM25", "k1": K1, "b": B}}}},
            "mappings": {"dynamic": "strict", "properties": properties}}


def analysed_source(stored: dict, fold: bool) -> dict:
    """One document's ``_source``: stored fields plus the analysed ones."""
    source = {name: stored.get(name, "") for name in ("title", "body", "source", "category", "url")}
    if stored.get("date"):
        source["date"] = stored["date"]
    pairs = []
    for part in ("title", "body"):
        terms = index_terms(stored.get(part, ""))
        source[f"{part}_syllables"] = " ".join(term for term, _ in terms.exact if "_" not in term)
        source[f"{part}_words"] = " ".join(term for term, _ in terms.exact if "_" in term)
        if fold:
            source[f"{part}_folded"] = " ".join(term for term, _ in terms.folded)
            pairs += [pair.replace(" ", "_") for pair, _ in terms.pairs]
    if fold:
        source["pairs"] = " ".join(pairs)
    return source


def export(index_dir: Path, output_dir: Path, index_name: str = "timkiem", workers: int = 1,
           progress=None) -> int:
    """Write ``mapping.json`` and ``documents.ndjson`` into ``output_dir``; returns the document count."""
    generation = require_live(index_dir)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    with open_generation(generation).searcher() as searcher:
        fold = has_folding(searcher.schema)
        (output_dir / MAPPING_FILE).write_text(json.dumps(mapping(fold), ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")
        total = searcher.doc_count()
        stored = searcher.reader().all_stored_fields()
        with open(output_dir / DOCUMENTS_FILE, "w", encoding="utf-8") as stream, _pool(workers) as pool:
            for done, (doc_id, source) in enumerate(pool.imap(_analyse, ((fields, fold) for fields in stored),
                                                              chunksize=32), start=1):
                action = {"index": {"_index": index_name, "_id": doc_id}}
                stream.write(json.dumps(action, ensure_ascii=False) + "\n")
                stream.write(json.dumps(source, ensure_ascii=False) + "\n")
                if progress:
                    progress(done, total)
    return total


def _analyse(job):
    stored, fold = job
    return stored["id"], analysed_source(stored, fold)


class _InProcess:
    """The part of a process pool ``export`` uses, for one worker: no processes at all."""

    def imap(self, function, items, chunksize=1):
        return map(function, items)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _pool(workers: int):
    if workers <= 1:
        return _InProcess()
    return multiprocessing.get_context("fork").Pool(workers)
