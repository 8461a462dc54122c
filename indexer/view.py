"""One thread's view of the live index generation, and what is computed once per generation.

Whoosh searchers are not thread-safe, so every thread searches with its own;
what is read from them (document lengths, postings, facet codes, the
vocabulary) is the same for every thread and kept once per generation.  A
``View`` joins the two: ranking, facets, suggestions, accent restoration and
similar documents all take a view.

``LiveIndex`` hands each thread the view of the generation CURRENT names,
reopened on the first request after a rebuild publishes a new one; a
background thread prepares the new generation's data meanwhile.  A generation
is verified against its checksums (integrity.py) before it is served: a small
one at once, a large one in the background while the generation served until
then goes on answering.  A corrupt one is not served: the newest older
generation that verifies is, and ``LiveIndex.health`` says so.
"""

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer import integrity, semantic, spellings, synonyms
from indexer.facets import Metadata
from indexer.generations import older_generations, open_generation, require_live
from indexer.restore import Vocabulary
from indexer.schema import FOLDED_SUFFIX, PAIRS_FIELD, VECTOR_FIELD, IndexOptions, options_of
from indexer.suggest import Completions
from indexer.synonyms import Synonyms
from indexer.text import fold
from indexer.typos import Neighbours
from indexer.whoosh_internals import document_frequencies, read_postings

CACHE_POSTINGS = 20_000_000  # postings and scores cached per generation and process: about 160 MB
REMEMBERED = 20_000  # small results (``remember``): similar documents, counts, spellings
VERIFY_AT_ONCE = 64 * 2**20  # bytes: a generation up to this size is verified before it answers (< 0.1 s)
VERIFYING = "verifying"

log = logging.getLogger("timkiem.integrity")
# The background warming reads a word's postings only after this long without a search reading
# any: in the first minute after a start it took a core from the queries and tripled their p99.
QUIET_BEFORE_WARMING = 0.05  # seconds


class _Generation:
    """What all threads share of one generation: caches filled from whichever thread asks first."""

    def __init__(self, path: Path, options: IndexOptions):
        self.path = path  # the generation's folder
        self.name = path.name
        self.options = options
        self.lock = threading.Lock()
        self.lengths: dict[str, tuple[np.ndarray, float]] = {}
        self.arrays: OrderedDict = OrderedDict()  # View.cached: postings and scores
        self.cached = 0  # values held in ``arrays``
        self.computed: dict[str, object] = {}
        self.computing = threading.RLock()  # re-entrant: one computed value may build on another
        self.remembered: OrderedDict = OrderedDict()
        self.last_search_read = 0.0  # time.monotonic() of a search's last postings read


class View:
    """One generation of the index as one thread reads it: its own Whoosh searcher, and the
    generation's shared data.

    ``name``: the generation's folder name; ``options``: what it was built with
    (``folding``: unaccented terms and pairs; ``semantic``: sentence vectors)."""

    def __init__(self, searcher, generation: _Generation):
        self.searcher = searcher
        self._shared = generation

    @property
    def name(self) -> str:
        return self._shared.name

    @property
    def options(self) -> IndexOptions:
        return self._shared.options

    @property
    def folding(self) -> bool:
        return self._shared.options.fold

    @property
    def ranks_by_meaning(self) -> bool:
        """Whether the index has sentence vectors and the encoder to compare queries with them."""
        return self._shared.options.semantic and semantic.available()

    def _once(self, name: str, make):
        """``make()``, computed by the first thread that asks and kept for the generation."""
        computed = self._shared.computed
        if name not in computed:
            with self._shared.computing:
                if name not in computed:
                    computed[name] = make()
        return computed[name]

    def remember(self, key, make):
        """``make()``, kept for the generation among the REMEMBERED last ones asked for (a
        popular document's similar documents: hundreds of milliseconds the first time on
        a large index; the counts that understanding a query asks of every segment)."""
        shared = self._shared
        with shared.lock:
            if key in shared.remembered:
                shared.remembered.move_to_end(key)
                return shared.remembered[key]
        value = make()
        with shared.lock:
            shared.remembered[key] = value
            if len(shared.remembered) > REMEMBERED:
                shared.remembered.popitem(last=False)
        return value

    # -- documents

    @property
    def size(self) -> int:
        """Document numbers in use, deleted documents included."""
        return self._once("size", self.searcher.reader().doc_count_all)

    @property
    def live_count(self) -> int:
        """Documents not deleted (Whoosh sums over the segments each time)."""
        return self._once("live_count", self.searcher.doc_count)

    @property
    def has_deletions(self) -> bool:
        """Whether any document is deleted (Whoosh asks every segment each time)."""
        return self._once("has_deletions", lambda: self.searcher.reader().has_deletions())

    @property
    def live(self) -> np.ndarray:
        """True for documents not deleted."""
        def read():
            live = np.ones(self.size, dtype=bool)
            reader = self.searcher.reader()
            if self.has_deletions:
                live[[d for d in range(len(live)) if reader.is_deleted(d)]] = False
            return live
        return self._once("live", read)

    def stored(self, docnum: int) -> dict:
        return self.searcher.stored_fields(docnum)

    def document_number(self, doc_id: str) -> int | None:
        return self.searcher.document_number(id=doc_id)

    def vectors(self, docnums) -> list[bytes]:
        """The stored sentence vectors of ``docnums`` (a semantic index)."""
        return [self.stored(int(docnum))[VECTOR_FIELD] for docnum in docnums]

    @property
    def metadata(self) -> Metadata:
        return self._once("metadata", lambda: Metadata(self.searcher.reader()))

    # -- terms and postings

    def lengths(self, field: str) -> tuple[np.ndarray, float]:
        """Each document's length in ``field`` and the average over documents not deleted."""
        shared = self._shared
        if field not in shared.lengths:
            reader, size = self.searcher.reader(), self.size
            lengths = np.fromiter((reader.doc_field_length(d, field, 0) or 0 for d in range(size)),
                                  dtype=np.float32, count=size)
            live = lengths[self.live]
            average = float(live.mean(dtype=np.float64)) if len(live) and live.any() else 1.0
            with shared.lock:
                shared.lengths[field] = (lengths, average)
        return shared.lengths[field]

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of ``term`` in ``field``, deleted documents left out."""
        self._shared.last_search_read = time.monotonic()
        return self._postings(field, term)

    def _postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        def read():
            found = read_postings(self.searcher, field, term)
            if self.has_deletions:  # statistics as if the deleted documents were gone
                keep = self.live[found[0]]
                found = found[0][keep], found[1][keep]
            return found
        return self.cached(("postings", field, term), read)

    def cached(self, key: tuple, make) -> tuple[np.ndarray, np.ndarray]:
        """``make()``, a pair of arrays one value per document (postings, scores), kept for the
        generation among the last ones asked for, CACHE_POSTINGS values in all."""
        shared = self._shared
        with shared.lock:
            if key in shared.arrays:
                shared.arrays.move_to_end(key)
                return shared.arrays[key]
        found = make()
        for array in found:
            array.flags.writeable = False  # shared by every search of the generation
        with shared.lock:
            if key not in shared.arrays:
                shared.arrays[key] = found
                shared.cached += len(found[0])
            while shared.cached > CACHE_POSTINGS and len(shared.arrays) > 1:
                _, (ids, _) = shared.arrays.popitem(last=False)
                shared.cached -= len(ids)
        return found

    def document_frequency(self, field: str, term: str) -> int:
        """How many documents not deleted hold ``term`` (Whoosh's count includes deleted ones)."""
        if self.has_deletions:
            return len(self.postings(field, term)[0])
        if field == "body":  # accent restoration asks hundreds of times per query: no lookup per segment
            return self.body_terms.get(term, 0)
        return self.remember(("documents", field, term), lambda: self.searcher.doc_frequency(field, term))

    def knows(self, field: str, term: str) -> bool:
        return self.document_frequency(field, term) > 0

    @property
    def body_terms(self) -> dict[str, int]:
        """Every exact term of the body field with its document frequency (deleted documents
        included), read segment by segment: walking a multi-segment index's merged lexicon
        is several times slower."""
        def read():
            counts: dict[str, int] = {}
            for leaf, _ in self.searcher.reader().leaf_readers():
                if "body" in leaf.indexed_field_names():
                    for term, documents in document_frequencies(leaf, "body"):
                        term = term.decode("utf-8")
                        counts[term] = counts.get(term, 0) + documents
            return counts
        return self._once("body_terms", read)

    # -- what the index's own words offer queries

    @property
    def completions(self) -> Completions:
        return self._once("completions", lambda: Completions(self.body_terms))

    @property
    def vocabulary(self) -> Vocabulary:
        return self._once("vocabulary", lambda: Vocabulary(self.body_terms, self.has_deletions))

    @property
    def folded_syllables(self) -> dict[str, int]:
        """Folded syllable -> documents holding one of its spellings (at most the sum over them)."""
        def count():
            counts: dict[str, int] = {}
            for term, documents in self.body_terms.items():
                if "_" not in term:
                    folded = fold(term)
                    counts[folded] = counts.get(folded, 0) + documents
            return counts
        return self._once("folded_syllables", count)

    @property
    def synonyms(self) -> Synonyms:
        """The abbreviations and synonyms the generation was built with (synonyms.py)."""
        return self._once("synonyms", lambda: synonyms.load(self._shared.path))

    @property
    def neighbours(self) -> Neighbours:
        """The folded syllables, for finding those near a mistyped one (typos.py)."""
        return self._once("neighbours", lambda: Neighbours(self.folded_syllables))

    def side_by_side(self, left: str, right: str) -> int:
        """Documents holding two folded syllables side by side."""
        return len(self.postings(PAIRS_FIELD, f"{left} {right}")[0])

    def pair_spellings(self, left: str, right: str) -> dict[str, int]:
        """How the documents spell two folded syllables side by side (spellings.py)."""
        return self.remember(("spellings", left, right), lambda: spellings.pair_spellings(self, left, right))

    def restore_accents(self, folded: list[str], fixed: dict[int, str] | None = None) -> list[str]:
        """Folded syllables with their likely accents put back (restore.py); ``fixed``: the
        accented syllables the user typed, by position."""
        return self.vocabulary.restore(folded, self.document_frequency, self.pair_spellings, self.live_count, fixed)

    def prepare(self, warm_cache: bool = True) -> None:
        """Compute now what the first searches would otherwise wait for (seconds on a large
        index), and with ``warm_cache`` read the most common words' postings (LiveIndex
        does that in a background thread)."""
        self.live, self.metadata  # noqa: B018 - computed and kept
        for field in self.searcher.schema.scorable_names():
            self.lengths(field)
        self.vocabulary, self.completions, self.neighbours, self.synonyms  # noqa: B018
        if warm_cache:
            self._cache_common_terms()

    def _cache_common_terms(self) -> None:
        """Read the postings of the most widespread words, exact and folded, in body and title,
        until half the cache is full: nearly every query holds some, and a cold read of one
        across a large index made a long question ten times slower.  Syllables only: pyvi
        words are rarer.  One word and field at a time, and only while no search is reading postings
        (QUIET_BEFORE_WARMING): searches come first."""
        shared = self._shared
        budget = CACHE_POSTINGS // 2
        common = sorted(((documents, term) for term, documents in self.body_terms.items() if "_" not in term),
                        reverse=True)
        fields = [field for field in ("body", "body_f", "title", "title_f") if field in self.searcher.schema]
        for _, term in common:
            for field in fields:
                while (quiet := time.monotonic() - shared.last_search_read) < QUIET_BEFORE_WARMING:
                    time.sleep(QUIET_BEFORE_WARMING - quiet)
                self._postings(field, fold(term) if field.endswith(FOLDED_SUFFIX) else term)
            if shared.cached >= budget:
                return


@dataclass
class Health:
    """What a reader knows of the live generation: ``integrity`` is VERIFYING or one of
    integrity's states; ``served`` is the generation answering (the live one, the one served
    before it while it is verified, or the fallback of a corrupt one)."""

    live: str
    integrity: str
    served: str
    differences: tuple[str, ...] = ()

    @property
    def degraded(self) -> bool:
        return self.integrity == integrity.CORRUPT


@dataclass
class _Check:
    """The verification of one live generation, and the generation to serve in its place."""

    live: Path
    state: str = VERIFYING
    differences: tuple[str, ...] = ()
    fallback: Path | None = None  # served instead of a corrupt live generation


class LiveIndex:
    """Readers' access to an index folder: always the live generation, once it is verified.

    Each thread keeps its own view, reopened when CURRENT names a new
    generation; the first view of a generation starts a background thread
    that prepares its shared data.  ``verify_at_once``: the largest generation
    (bytes) verified before its first answer; a larger one is verified in the
    background while the generation served until then answers (at start,
    when there is none, the new one answers meanwhile)."""

    def __init__(self, index_dir: Path, verify_at_once: int = VERIFY_AT_ONCE):
        self.index_dir = Path(index_dir)
        self.verify_at_once = verify_at_once
        self._lock = threading.Lock()
        self._opened: dict[str, tuple[object, _Generation]] = {}  # name -> (Whoosh index, shared data)
        self._local = threading.local()
        self._checks: dict[str, _Check] = {}  # live generation name -> its verification
        self._served: Path | None = None  # the generation last opened

    def view(self) -> View:
        """The generation to serve, for the calling thread.  Raises IndexMissing (OldIndex for an
        index an older timkiem built)."""
        generation = self._to_serve(self._check(require_live(self.index_dir)))
        cached = getattr(self._local, "view", None)
        if cached is not None and cached.name == generation.name:
            return cached
        if cached is not None:
            cached.searcher.close()
        index, shared = self._open(generation)
        self._local.view = View(index.searcher(), shared)
        return self._local.view

    def health(self) -> Health:
        """The live generation's integrity and the generation that answers."""
        check = self._check(require_live(self.index_dir))
        return Health(check.live.name, check.state, self._to_serve(check).name, check.differences)

    def _to_serve(self, check: _Check) -> Path:
        if check.state == VERIFYING:
            served = self._served
            return served if served is not None and served.is_dir() else check.live
        return check.fallback or check.live

    def _check(self, live: Path) -> _Check:
        """The verification of ``live``, started on the first call (done before returning for a
        small generation)."""
        check = self._checks.get(live.name)
        if check is not None:
            return check
        with self._lock:
            if live.name not in self._checks:
                check = _Check(live)
                if integrity.disk_size(live) <= self.verify_at_once:
                    self._verify(check)
                else:
                    threading.Thread(target=self._verify, args=(check,), daemon=True,
                                     name=f"verify {live.name}").start()
                self._checks = {live.name: check}  # one live generation at a time
            return self._checks[live.name]

    def _verify(self, check: _Check) -> None:
        """Verify the live generation; if it is corrupt, say so loudly and find the newest older
        generation that verifies, to serve instead."""
        verdict = integrity.verify(check.live)
        if verdict.state == integrity.CORRUPT:
            check.differences = verdict.differences
            for older in older_generations(self.index_dir, check.live):
                if integrity.verify(older).state == integrity.VERIFIED:
                    check.fallback = older
                    break
            instead = (f"serving the previous generation {check.fallback.name} instead" if check.fallback
                       else "no older generation verifies: serving it anyway")
            log.error("INDEX CORRUPT: %s: %d file(s) differ from their checksums (%s); %s; "
                      "run `timkiem rebuild`", check.live, len(verdict.differences),
                      "; ".join(verdict.differences), instead)
        check.state = verdict.state  # last: readers go by it

    def _open(self, generation: Path):
        with self._lock:
            if generation.name not in self._opened:
                # Older generations are no longer searched by new requests.
                index = open_generation(generation)
                shared = _Generation(generation, options_of(index.schema))
                self._opened = {generation.name: (index, shared)}
                self._served = generation
                threading.Thread(target=_prepare, args=(index, shared), daemon=True,
                                 name=f"prepare {generation.name}").start()
            return self._opened[generation.name]


def _prepare(index, shared: _Generation) -> None:
    """Compute a generation's shared data before searches need it (they wait for it otherwise).
    A generation can vanish meanwhile (a later rebuild): then there is nothing to do."""
    try:
        with index.searcher() as searcher:
            View(searcher, shared).prepare()
    except Exception:  # noqa: BLE001 - a search computes what it needs itself
        logging.getLogger(__name__).debug("preparing %s failed", shared.name, exc_info=True)
