"""BM25 scoring with numpy over the postings of a Whoosh index.

Whoosh's own query matchers walk postings one document at a time in Python;
a long question over a large corpus then takes seconds.  Here each query
term's postings are read once, in bulk, into arrays (and cached per
generation), and all scoring is array arithmetic.

Whoosh stays the index of record: the postings, document lengths, stored
fields and phrase matching all come from it.
"""

import math
import threading
from collections import OrderedDict

import numpy as np
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound

from indexer.facets import Metadata
from indexer.restore import Vocabulary
from indexer.schema import FOLDED_SUFFIX, PAIRS_FIELD, SPELLINGS_FIELD, decode_spellings
from indexer.suggest import Completions
from indexer.text import fold

K1 = 1.6  # as measured on xquad-vi + 10k news (bench/relevance.py): 1.2/0.75 was 0.006 worse
B = 0.9
CACHE_POSTINGS = 20_000_000  # postings cached per generation and process: about 160 MB
REMEMBERED = 1000  # small per-document results (``remember``)


class GenerationStats:
    """Per-generation data shared by all threads: lengths, a postings cache,
    facet metadata and the accent-restoration vocabulary.

    Reading from Whoosh needs the calling thread's own searcher (Whoosh
    readers are not thread-safe); what was read is shared.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._lengths: dict[str, tuple[np.ndarray, float]] = {}
        self._postings: OrderedDict = OrderedDict()
        self._cached = 0
        self._computed: dict[str, object] = {}
        self._computing = threading.RLock()
        self._remembered: OrderedDict = OrderedDict()

    def size(self, searcher) -> int:
        return searcher.reader().doc_count_all()

    def _once(self, name: str, make):
        """``make()``, computed by the first thread that asks and kept for the generation."""
        if name not in self._computed:
            with self._computing:  # re-entrant: one computed value may build on another
                if name not in self._computed:
                    self._computed[name] = make()
        return self._computed[name]

    def remember(self, key, make):
        """``make()``, kept for the generation among the REMEMBERED last ones asked for (a
        popular document's similar documents: about 400 ms the first time on corpus-large)."""
        with self._lock:
            if key in self._remembered:
                self._remembered.move_to_end(key)
                return self._remembered[key]
        value = make()
        with self._lock:
            self._remembered[key] = value
            if len(self._remembered) > REMEMBERED:
                self._remembered.popitem(last=False)
        return value

    def live(self, searcher) -> np.ndarray:
        """True for documents not deleted."""
        def read():
            live = np.ones(self.size(searcher), dtype=bool)
            reader = searcher.reader()
            if self.has_deletions(searcher):
                live[[d for d in range(len(live)) if reader.is_deleted(d)]] = False
            return live
        return self._once("live", read)

    def metadata(self, searcher) -> Metadata:
        return self._once("metadata", lambda: Metadata(searcher.reader()))

    def completions(self, searcher) -> Completions:
        return self._once("completions", lambda: Completions(self.body_terms(searcher)))

    def vocabulary(self, searcher) -> Vocabulary:
        return self._once("vocabulary", lambda: Vocabulary(self.body_terms(searcher), self.has_deletions(searcher)))

    def has_deletions(self, searcher) -> bool:
        """Whether any document is deleted (Whoosh asks every segment each time: 30 µs on corpus-large)."""
        return self._once("has_deletions", lambda: searcher.reader().has_deletions())

    def body_terms(self, searcher) -> dict[str, int]:
        """Every exact term of the body field with its document frequency (deleted documents
        included), read segment by segment: walking a multi-segment index's merged lexicon
        took 8 s on corpus-large, this takes 1.5 s."""
        def read():
            counts: dict[str, int] = {}
            for leaf, _ in searcher.reader().leaf_readers():
                if "body" in leaf.indexed_field_names():
                    for term, info in leaf.iter_field("body"):
                        term = term.decode("utf-8")
                        counts[term] = counts.get(term, 0) + info.doc_frequency()
            return counts
        return self._once("body_terms", read)

    def prepare(self, searcher, warm_cache: bool = True) -> None:
        """Compute now what the first searches would otherwise wait for (seconds on a large
        index), and with ``warm_cache`` read the most common words' postings (20 s on
        corpus-large: LiveIndex does it in a background thread)."""
        self.live(searcher)
        self.metadata(searcher)
        for field in searcher.schema.scorable_names():
            self.lengths(searcher, field)
        self.vocabulary(searcher)
        self.completions(searcher)
        if warm_cache:
            self._cache_common_terms(searcher)

    def _cache_common_terms(self, searcher) -> None:
        """Read the postings of the most widespread words, exact and folded, in body and title,
        until half the cache is full: nearly every query holds some, and a cold read of one
        across a large index took a long question's latency from 30 ms to 300.  Syllables
        only: pyvi words are rarer."""
        budget = CACHE_POSTINGS // 2
        common = sorted(((documents, term) for term, documents in self.body_terms(searcher).items()
                         if "_" not in term), reverse=True)
        fields = [field for field in ("body", "body_f", "title", "title_f") if field in searcher.schema]
        for _, term in common:
            for field in fields:
                self.postings(searcher, field, fold(term) if field.endswith(FOLDED_SUFFIX) else term)
            if self._cached >= budget:
                return

    def lengths(self, searcher, field: str) -> tuple[np.ndarray, float]:
        """Each document's length in ``field`` and the average over documents not deleted."""
        if field not in self._lengths:
            reader = searcher.reader()
            lengths = np.fromiter((reader.doc_field_length(d, field, 0) or 0 for d in range(self.size(searcher))),
                                  dtype=np.float32, count=self.size(searcher))
            live = lengths[self.live(searcher)]
            average = float(live.mean(dtype=np.float64)) if len(live) and live.any() else 1.0
            with self._lock:
                self._lengths[field] = (lengths, average)
        return self._lengths[field]

    def postings(self, searcher, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of ``term`` in ``field``, deleted documents left out."""
        key = (field, term)
        with self._lock:
            if key in self._postings:
                self._postings.move_to_end(key)
                return self._postings[key]
        found = read_postings(searcher, field, term)
        if self.has_deletions(searcher):  # statistics as if the deleted documents were gone
            keep = self.live(searcher)[found[0]]
            found = found[0][keep], found[1][keep]
        with self._lock:
            self._postings[key] = found
            self._cached += len(found[0])
            while self._cached > CACHE_POSTINGS and len(self._postings) > 1:
                _, (ids, _) = self._postings.popitem(last=False)
                self._cached -= len(ids)
        return found

    def document_frequency(self, searcher, field: str, term: str) -> int:
        """How many documents not deleted hold ``term`` (Whoosh's count includes deleted ones)."""
        if self.has_deletions(searcher):
            return len(self.postings(searcher, field, term)[0])
        if field == "body":  # accent restoration asks hundreds of times per query: no lookup per segment
            return self.body_terms(searcher).get(term, 0)
        return searcher.doc_frequency(field, term)

    def restore_accents(self, searcher, folded: list[str]) -> list[str]:
        """Folded syllables with their likely accents put back (restore.py)."""
        return self.vocabulary(searcher).restore(
            folded, lambda field, term: self.document_frequency(searcher, field, term),
            lambda left, right: self.pair_spellings(searcher, left, right), self.live_count(searcher))

    def pair_spellings(self, searcher, left: str, right: str) -> dict[str, int]:
        """How many documents hold each spelling of two adjacent folded syllables side by side:
        {"công thương": 412, "cộng thương": 1} (deleted documents included).

        Asks only the segments whose documents hold the folded pair: its postings say which,
        and ranking reads them anyway (pair bonus).  Asking all 14 segments of corpus-large
        took bench/latency.py's 8 clients from 154 to 104 requests/s."""
        holders, _ = self.postings(searcher, PAIRS_FIELD, f"{left} {right}")
        counts: dict[str, int] = {}
        if SPELLINGS_FIELD not in searcher.schema or not len(holders):
            return counts
        for reader, offset in searcher.reader().leaf_readers():
            if np.searchsorted(holders, offset) == np.searchsorted(holders, offset + reader.doc_count_all()):
                continue
            for spelt, documents in _segment_spellings(reader, f"{left} {right}").items():
                counts[spelt] = counts.get(spelt, 0) + documents
        return counts

    def bm25f(self, searcher, fields: list[tuple[str, str, float]]) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, BM25F scores) of one term spread over weighted fields.

        ``fields`` lists (field, term, weight): the same word as indexed in,
        say, body and title.  Frequencies are length-normalised per field and
        summed before saturation, so a word in a short title counts more
        than in a long body, but a common word cannot win by its title alone.
        """
        parts = []
        for field, term, weight in fields:
            ids, frequencies = self.postings(searcher, field, term)
            if len(ids):
                lengths, average = self.lengths(searcher, field)
                parts.append((ids, weight * frequencies / (1 - B + B * lengths[ids] / average)))
        ids, pseudo = _sum_by_document(parts, self.size(searcher))
        total = self.live_count(searcher)  # an updated index scores as a rebuilt one
        idf = math.log(1 + (total - len(ids) + 0.5) / (len(ids) + 0.5))
        return ids, idf * pseudo * (K1 + 1) / (pseudo + K1)

    def live_count(self, searcher) -> int:
        """Documents not deleted (Whoosh sums over the segments each time)."""
        return self._once("live_count", searcher.doc_count)


def _sum_by_document(parts: list[tuple[np.ndarray, np.ndarray]], size: int) -> tuple[np.ndarray, np.ndarray]:
    """The union of the parts' document numbers (each part's sorted, unique), values summed."""
    if not parts:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
    if len(parts) == 1:
        return parts[0]
    if sum(len(ids) for ids, _ in parts) * 16 < size:  # few postings: sort them, skip per-document arrays
        ids, positions = np.unique(np.concatenate([ids for ids, _ in parts]), return_inverse=True)
        return ids, np.bincount(positions, weights=np.concatenate([v for _, v in parts])).astype(np.float32)
    summed = np.zeros(size, dtype=np.float32)
    present = np.zeros(size, dtype=bool)
    for ids, values in parts:
        summed[ids] += values
        present[ids] = True
    ids = np.flatnonzero(present)
    return ids, summed[ids]


def _segment_spellings(reader, pair: str) -> dict[str, int]:
    """The spellings of a folded pair in one segment, with their documents.

    Each segment has one posting per pair (schema.PairSpellings), which the
    codec stores with the term (codec.py): read from the term's entry, as
    Whoosh's matcher would hide it if its document were deleted."""
    try:
        _, _, (value,) = reader.term_info(SPELLINGS_FIELD, pair).inlined_postings()
    except TermNotFound:
        return {}
    return decode_spellings(value)


def read_postings(searcher, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """All postings of a term across the index's segments, read a block at a time.

    Uses the block interface of Whoosh's W3 codec (``_read_ids``,
    ``_read_weights``, ``_next_block``) and the lists of inlined terms:
    public iteration costs a Python call per posting.  tests/test_scoring.py
    checks the two agree.
    """
    ids, weights = [], []
    if field not in searcher.schema:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
    for reader, offset in searcher.reader().leaf_readers():
        try:
            matcher = reader.postings(field, term)
        except TermNotFound:
            continue
        leaf = getattr(matcher, "child", matcher)  # unwrap the deleted-documents filter
        if isinstance(leaf, ListMatcher):  # a short list stored with the term (codec.py)
            ids.append(np.asarray(leaf._ids, dtype=np.int32) + offset)
            weights.append(np.asarray(leaf._weights, dtype=np.float32))
            continue
        while leaf.is_active():
            leaf._read_ids()
            leaf._read_weights()
            ids.append(np.asarray(leaf._ids, dtype=np.int32) + offset)
            weights.append(np.asarray(leaf._weights, dtype=np.float32))
            leaf._next_block()
    if not ids:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
    return np.concatenate(ids), np.concatenate(weights)
