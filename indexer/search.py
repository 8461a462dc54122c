"""Searching: a user's query -> ranked, highlighted, paginated results.

This is the one entry point the web layer and the CLI use; nothing outside
``indexer`` touches Whoosh.

How documents are matched and ordered is ranking.py's job; this module
validates requests, pages through the ranking and builds highlighted hits.
"""

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from indexer import semantic
from indexer.analysis import SYLLABLE, segment
from indexer.facets import FACETS, SORTS, FacetValue, Filters
from indexer.generations import IndexMissing, OldIndex
from indexer.query import MAX_QUERY_CHARS, QueryTerm
from indexer.ranking import match, plan, rerank
from indexer.schema import METADATA_FIELDS, IndexOptions
from indexer.similar import similar
from indexer.snippets import highlight, snippet
from indexer.suggest import MAX_SUGGESTIONS, suggest
from indexer.text import clean
from indexer.understand import understand
from indexer.view import Health, LiveIndex, View

__all__ = ["SearchEngine", "InvalidRequest", "IndexMissing", "OldIndex"]

MAX_PER_PAGE = 100
MAX_RESULT_WINDOW = 10_000  # page * per_page, as in Elasticsearch
MAX_FILTER_VALUES = 50  # per facet
MAX_FILTER_CHARS = 500
SIMILAR_DOCUMENTS = 5  # "more like this" on a document page
DEFAULT_TIME_BUDGET = 1.0  # seconds one search may take in the server before it answers with what it has


class InvalidRequest(ValueError):
    """A request the engine refuses, with a message for the user."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(kw_only=True)
class DocumentInfo:
    """What results and document pages show of a document; ``*_html`` fields are highlighted HTML.
    Its metadata is the indexed document's (corpus.Document, schema.METADATA_FIELDS), with the
    document's own address as ``source_url`` (``url`` in the JSON is its page here)."""

    id: str
    title: str
    title_html: str
    date: str = ""
    source: str = ""
    category: str = ""
    source_url: str = ""


@dataclass(kw_only=True)
class Hit(DocumentInfo):
    snippet: str
    score: float


@dataclass(kw_only=True)
class DocumentView(DocumentInfo):
    body_html: str
    similar: list[DocumentInfo] = field(default_factory=list)  # more like this


@dataclass
class SearchResults:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit] = field(default_factory=list)
    suggestion: str | None = None  # "Có phải bạn muốn tìm": the query as the user likely meant it
    suggestion_kind: str | None = None  # understand: ACCENTS, TYPING, TYPO or SPLIT
    # Words the results were found with in place of what was typed (typos, joined syllables,
    # Telex): [{"typed": "thuogn", "searched": "thương", "kind": "typo"}]; the results include them.
    corrections: list[dict] = field(default_factory=list)
    # Abbreviations and synonyms also searched: [{"typed": "UBND", "also": "Ủy ban nhân dân", "source": "builtin"}].
    expansions: list[dict] = field(default_factory=list)
    verbatim: bool = False  # searched exactly as typed, corrections off
    not_searched: str = ""  # the end of a long pasted question, left out of the search
    generation: str = ""  # the index generation that answered
    phrases_relaxed: bool = False  # no document held the "quoted phrases": their words were searched
    timed_out: bool = False  # the time budget ran out: the results are what was found by then
    sort: str = "relevance"
    filters: Filters = field(default_factory=dict)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return min(-(-self.total // self.per_page), MAX_RESULT_WINDOW // self.per_page)

    def to_dict(self) -> dict:
        return asdict(self)


def validate(query: str, page: int, per_page: int, filters: Filters, sort: str) -> None:
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidRequest("query_too_long", f"query is longer than {MAX_QUERY_CHARS:,} characters")
    if page < 1:
        raise InvalidRequest("bad_page", "page must be 1 or more")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidRequest("bad_per_page", f"per_page must be between 1 and {MAX_PER_PAGE}")
    if page * per_page > MAX_RESULT_WINDOW:
        raise InvalidRequest("page_too_deep", f"only the first {MAX_RESULT_WINDOW} results can be paged through")
    if sort not in SORTS:
        raise InvalidRequest("bad_sort", f"sort must be one of {', '.join(SORTS)}")
    for facet, values in filters.items():
        if facet not in FACETS:
            raise InvalidRequest("bad_filter", f"filters are {', '.join(FACETS)}, not {facet[:40]!r}")
        if len(values) > MAX_FILTER_VALUES or any(len(value) > MAX_FILTER_CHARS for value in values):
            raise InvalidRequest("bad_filter", f"at most {MAX_FILTER_VALUES} values of up to {MAX_FILTER_CHARS} characters per filter")


class SearchEngine:
    def __init__(self, index_dir: Path, time_budget: float | None = None):
        """``time_budget``: seconds one search may take before it answers with what it has
        (``timed_out``); None for no limit (the command line, benches)."""
        self.live = LiveIndex(index_dir)
        self.time_budget = time_budget

    def warm_up(self) -> None:
        """Load pyvi's model (about 1 s), a semantic index's encoder and the live generation's
        statistics (seconds on a large index) now rather than in the first users' searches;
        the postings cache keeps warming in the background."""
        segment("khởi động")
        try:
            view = self.live.view()
        except IndexMissing:
            return
        view.prepare(warm_cache=False)
        if view.ranks_by_meaning:
            semantic.query_vector("khởi động")  # loads the encoder

    def search(self, query: str, page: int = 1, per_page: int = 10, filters: Filters | None = None,
               sort: str = "relevance", verbatim: bool = False) -> SearchResults:
        """Results of ``query`` restricted by ``filters`` (facet -> any of these values),
        ordered by ``sort``, with facet counts; ``verbatim`` searches exactly what was typed,
        with no correction of the typing (accents are still put back where none were typed).

        Raises InvalidRequest for bad parameters and IndexMissing before the first rebuild.
        """
        started = time.perf_counter()
        deadline = started + self.time_budget if self.time_budget is not None else math.inf
        filters = {facet: tuple(dict.fromkeys(clean(v).strip() for v in values if v.strip()))
                   for facet, values in (filters or {}).items()}
        filters = {facet: values for facet, values in filters.items() if values}
        validate(query, page, per_page, filters, sort)
        view = self.live.view()
        understood = understand(view, query, correct=not verbatim)
        results = SearchResults(query=understood.typed, total=0, page=page, per_page=per_page, took_ms=0.0,
                                generation=view.name, sort=sort, filters=filters)
        results.suggestion, results.suggestion_kind = understood.suggestion or (None, None)
        results.corrections = [{"typed": c.typed, "searched": c.searched, "kind": c.kind}
                               for c in understood.corrections if not c.keep_typed]
        plain = understood.searched.plain.text
        words = list(SYLLABLE.finditer(plain))
        results.expansions = [{"typed": plain[words[found.start].start():words[found.end - 1].end()],
                               "also": found.text, "source": found.source} for found in understood.expansions]
        results.verbatim, results.not_searched = verbatim, understood.ignored
        parsed = understood.searched
        if not parsed.is_empty():
            query_plan = plan(parsed, view.folding, understood.words_text,
                              understood.alternatives, understood.lowered)
            matches = match(view, query_plan, deadline)
            if not len(matches.docnums) and query_plan.phrases:
                query_plan.phrases, results.phrases_relaxed = [], True
                matches = match(view, query_plan, deadline)
            metadata = view.metadata
            masks = metadata.filter_masks(filters, matches.docnums)
            results.facets = metadata.counts(filters, matches.docnums, masks)
            if masks:
                matches = matches.select(np.logical_and.reduce(list(masks.values())))
            results.timed_out = matches.timed_out
            if sort == "relevance" and view.ranks_by_meaning:
                if time.perf_counter() < deadline:
                    matches = _by_meaning(view, matches, understood.meant.wanted)
                else:
                    results.timed_out = True
            results.total = len(matches.docnums)
            ranked = matches.best(page * per_page, metadata.id_rank, metadata.order(sort, matches.docnums))
            marks = Marks(understood.highlight_terms(), understood.highlight_phrases(), view.folding)
            for docnum, score in ranked[(page - 1) * per_page:]:
                if time.perf_counter() > deadline:  # past the budget, snippets are the text's start, unmarked
                    marks, results.timed_out = Marks([], [], view.folding), True
                results.hits.append(_hit(view, docnum, score, marks))
        results.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return results

    def document(self, doc_id: str, query: str = "") -> DocumentView | None:
        """The stored document with the query's words marked, or None if there is no such id."""
        view = self.live.view()
        docnum = view.document_number(doc_id)
        if docnum is None:
            return None
        stored = view.stored(docnum)
        understood = understand(view, query[:MAX_QUERY_CHARS])
        marks = Marks(understood.highlight_terms(), understood.highlight_phrases(), view.folding)
        text = stored.get("title", "") + "\n" + stored.get("body", "")
        related = view.remember(("similar", docnum), lambda: similar(view, docnum, text, SIMILAR_DOCUMENTS))
        return DocumentView(body_html=marks.highlight(stored.get("body", "")),
                            similar=[DocumentInfo(**_info(view.stored(number), Marks([], [], view.folding)))
                                     for number, _ in related],
                            **_info(stored, marks))

    def suggest(self, text: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
        """Completions of a query being typed (``cong th`` -> ``công thương``)."""
        if not 1 <= limit <= MAX_SUGGESTIONS:
            raise InvalidRequest("bad_limit", f"limit must be between 1 and {MAX_SUGGESTIONS}")
        view = self.live.view()
        return suggest(view.completions, view.restore_accents, text[:MAX_QUERY_CHARS], limit)

    def document_count(self) -> int:
        return self.live.view().live_count

    def options(self) -> IndexOptions:
        """What the live index was built with (rebuild --no-fold, --semantic)."""
        return self.live.view().options

    def health(self) -> Health:
        """Whether the live generation verified, and which generation answers."""
        return self.live.health()


def _by_meaning(view: View, matches, query: str):
    """``matches`` re-ranked with the documents' sentence vectors; an unaccented query is
    encoded with its accents put back (the encoder reads Vietnamese with its diacritics)."""
    if len(matches.docnums) < 2:
        return matches
    vector = semantic.query_vector(query)
    return rerank(matches, lambda docnums: semantic.similarities(vector, view.vectors(docnums)),
                  view.metadata.id_rank)


class Marks(NamedTuple):
    """What to mark in the texts shown: the query's syllables as meant, phrases that stand for
    some of them (marked only whole), and whether unaccented lookalikes may match."""

    terms: list[QueryTerm]
    phrases: list[tuple[QueryTerm, ...]]
    folding: bool

    def highlight(self, text: str) -> str:
        return highlight(text, self.terms, self.folding, self.phrases)

    def snippet(self, text: str) -> str:
        return snippet(text, self.terms, self.folding, phrases=self.phrases)


def _hit(view: View, docnum: int, score: float, marks: Marks) -> Hit:
    stored = view.stored(docnum)
    return Hit(snippet=marks.snippet(stored.get("body", "")), score=round(score, 4), **_info(stored, marks))


def _info(stored: dict, marks: Marks) -> dict:
    """DocumentInfo fields of a stored document, the title highlighted."""
    title = _display_title(stored)
    return dict(id=stored["id"], title=title, title_html=marks.highlight(title), source_url=stored.get("url", ""),
                **{name: stored.get(name, "") for name in METADATA_FIELDS})


def _display_title(stored) -> str:
    """The title, or the body's first words for documents that have none."""
    title = stored.get("title", "")
    if title:
        return title
    words = stored.get("body", "").split()
    return " ".join(words[:12]) + (" …" if len(words) > 12 else "") or stored["id"]
