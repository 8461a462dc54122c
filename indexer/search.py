"""Searching: a user's query -> ranked, highlighted, paginated results.

This is the one entry point the web layer and the CLI use; nothing outside
``indexer`` touches Whoosh.

How documents are matched and ordered is ranking.py's job; this module
validates requests, pages through the ranking and builds highlighted hits.
"""

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from indexer import semantic, telex
from indexer.analysis import SYLLABLE, segment, syllable_term
from indexer.facets import FACETS, SORTS, FacetValue, Filters
from indexer.generations import IndexMissing, LiveIndex, OldIndex
from indexer.query import MAX_QUERY_CHARS, parse
from indexer.ranking import match, plan, rerank
from indexer.schema import VECTOR_FIELD, IndexOptions, has_folding, options_of
from indexer.scoring import GenerationStats
from indexer.similar import similar
from indexer.snippets import highlight, snippet
from indexer.suggest import MAX_SUGGESTIONS, suggest
from indexer.text import clean, fold

__all__ = ["SearchEngine", "InvalidRequest", "IndexMissing", "OldIndex"]

MAX_PER_PAGE = 100
MAX_RESULT_WINDOW = 10_000  # page * per_page, as in Elasticsearch
MAX_FILTER_VALUES = 50  # per facet
SIMILAR_DOCUMENTS = 5  # "more like this" on a document page


class InvalidRequest(ValueError):
    """A request the engine refuses, with a message for the user."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(kw_only=True)
class DocumentInfo:
    """What results and document pages show of a document; ``*_html`` fields are highlighted HTML."""

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
    suggestion: str | None = None
    generation: str = ""  # the index generation that answered
    phrases_relaxed: bool = False  # no document held the "quoted phrases": their words were searched
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
        raise InvalidRequest("query_too_long", f"query is longer than {MAX_QUERY_CHARS} characters")
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
        if len(values) > MAX_FILTER_VALUES or any(len(value) > MAX_QUERY_CHARS for value in values):
            raise InvalidRequest("bad_filter", f"at most {MAX_FILTER_VALUES} values of up to {MAX_QUERY_CHARS} characters per filter")


class SearchEngine:
    def __init__(self, index_dir: Path):
        self.live = LiveIndex(index_dir, per_generation=GenerationStats)

    def warm_up(self) -> None:
        """Load pyvi's model (about 1 s), a semantic index's encoder and the live generation's
        statistics (seconds on a large index) now rather than in the first users' searches;
        the postings cache keeps warming in the background."""
        segment("khởi động")
        try:
            snapshot = self.live.snapshot()
        except IndexMissing:
            return
        snapshot.shared.prepare(snapshot.searcher, warm_cache=False)
        if _ranks_by_meaning(snapshot.searcher):
            semantic.query_vector("khởi động")  # loads the encoder

    def search(self, query: str, page: int = 1, per_page: int = 10, filters: Filters | None = None,
               sort: str = "relevance") -> SearchResults:
        """Results of ``query`` restricted by ``filters`` (facet -> any of these values),
        ordered by ``sort``, with facet counts.

        Raises InvalidRequest for bad parameters and IndexMissing before the first rebuild.
        """
        started = time.perf_counter()
        filters = {facet: tuple(dict.fromkeys(clean(v).strip() for v in values if v.strip()))
                   for facet, values in (filters or {}).items()}
        filters = {facet: values for facet, values in filters.items() if values}
        validate(query, page, per_page, filters, sort)
        snapshot = self.live.snapshot()
        results = SearchResults(query=clean(query).strip(), total=0, page=page, per_page=per_page, took_ms=0.0,
                                generation=snapshot.generation, sort=sort, filters=filters)
        typed = _convert_typing(snapshot, results.query)
        if typed != results.query:
            query = results.suggestion = typed  # searched as converted, and said so
        parsed = parse(query)
        if not parsed.is_empty():
            fold_on = has_folding(snapshot.searcher.schema)
            if fold_on and not parsed.accented:
                results.suggestion = _suggestion(snapshot, query)
            query_plan = plan(parsed, fold_on, results.suggestion)
            matches = match(snapshot.searcher, snapshot.shared, query_plan)
            if not len(matches.docnums) and query_plan.phrases:
                query_plan.phrases, results.phrases_relaxed = [], True
                matches = match(snapshot.searcher, snapshot.shared, query_plan)
            metadata = snapshot.shared.metadata(snapshot.searcher)
            masks = metadata.filter_masks(filters, matches.docnums)
            results.facets = metadata.counts(filters, matches.docnums, masks)
            if masks:
                matches = matches.select(np.logical_and.reduce(list(masks.values())))
            if sort == "relevance" and _ranks_by_meaning(snapshot.searcher):
                meant = parse(results.suggestion) if results.suggestion else parsed
                matches = _by_meaning(snapshot.searcher, matches, meant.wanted, metadata.id_rank)
            results.total = len(matches.docnums)
            ranked = matches.best(page * per_page, metadata.id_rank, metadata.order(sort, matches.docnums))
            terms = parsed.highlight_terms()
            results.hits = [_hit(snapshot.searcher, docnum, score, terms, fold_on)
                            for docnum, score in ranked[(page - 1) * per_page:]]
        results.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return results

    def document(self, doc_id: str, query: str = "") -> DocumentView | None:
        """The stored document with the query's words marked, or None if there is no such id."""
        snapshot = self.live.snapshot()
        searcher = snapshot.searcher
        docnum = searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        stored = searcher.stored_fields(docnum)
        parsed = parse(query[:MAX_QUERY_CHARS])
        terms = parsed.highlight_terms()
        fold_on = has_folding(searcher.schema)
        text = stored.get("title", "") + "\n" + stored.get("body", "")
        related = snapshot.shared.remember(("similar", docnum), lambda: similar(searcher, snapshot.shared, docnum,
                                                                              text, SIMILAR_DOCUMENTS))
        return DocumentView(body_html=highlight(stored.get("body", ""), terms, fold_on),
                            similar=[DocumentInfo(**_info(searcher.stored_fields(number), [], fold_on))
                                     for number, _ in related],
                            **_info(stored, terms, fold_on))

    def suggest(self, text: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
        """Completions of a query being typed (``cong th`` -> ``công thương``)."""
        if not 1 <= limit <= MAX_SUGGESTIONS:
            raise InvalidRequest("bad_limit", f"limit must be between 1 and {MAX_SUGGESTIONS}")
        snapshot = self.live.snapshot()
        return suggest(snapshot.shared.completions(snapshot.searcher),
                       lambda folded: snapshot.shared.restore_accents(snapshot.searcher, folded),
                       text[:MAX_QUERY_CHARS], limit)

    def document_count(self) -> int:
        return self.live.snapshot().searcher.doc_count()

    def options(self) -> IndexOptions:
        """What the live index was built with (rebuild --no-fold, --semantic)."""
        return options_of(self.live.snapshot().searcher.schema)


def _ranks_by_meaning(searcher) -> bool:
    """Whether the index has sentence vectors and the encoder to compare queries with them."""
    return VECTOR_FIELD in searcher.schema and semantic.available()


def _by_meaning(searcher, matches, query: str, tiebreak):
    """``matches`` re-ranked with the documents' sentence vectors; an unaccented query is
    encoded with its accents put back (the encoder reads Vietnamese with its diacritics)."""
    if len(matches.docnums) < 2:
        return matches
    vector = semantic.query_vector(query)
    return rerank(matches, lambda docnums: semantic.similarities(
        vector, [searcher.stored_fields(int(docnum))[VECTOR_FIELD] for docnum in docnums]), tiebreak)


def _convert_typing(snapshot, query: str) -> str:
    """``query`` with Telex/VNI words (``coong nghieepj``) converted where the index
    knows the converted word but not the word as typed."""
    folded_field = "body_f" if has_folding(snapshot.searcher.schema) else "body"

    def known(field: str, word: str) -> bool:
        return snapshot.shared.document_frequency(snapshot.searcher, field, word) > 0

    def replace(match):
        typed = match.group()
        converted = telex.convert(typed)
        if converted and known("body", syllable_term(converted)) and not known(folded_field, fold(typed)):
            return converted
        return typed

    return SYLLABLE.sub(replace, query)


def _suggestion(snapshot, query: str) -> str | None:
    """The query with likely accents put back, or None when there is nothing to add."""
    text = clean(query)
    matches = list(SYLLABLE.finditer(text))
    folded = [syllable_term(m.group()) for m in matches]
    accented = snapshot.shared.restore_accents(snapshot.searcher, folded)
    if accented == folded:
        return None
    parts, cursor = [], 0
    for found, form in zip(matches, accented):
        parts += [text[cursor:found.start()], form.capitalize() if found.group()[:1].isupper() else form]
        cursor = found.end()
    return ("".join(parts) + text[cursor:]).strip()


def _hit(searcher, docnum, score, terms, fold_on) -> Hit:
    stored = searcher.stored_fields(docnum)
    return Hit(snippet=snippet(stored.get("body", ""), terms, fold_on), score=round(score, 4),
               **_info(stored, terms, fold_on))


def _info(stored: dict, terms, fold_on: bool) -> dict:
    """DocumentInfo fields of a stored document, the title highlighted."""
    title = _display_title(stored)
    return dict(id=stored["id"], title=title, title_html=highlight(title, terms, fold_on),
                date=stored.get("date", ""), source=stored.get("source", ""),
                category=stored.get("category", ""), source_url=stored.get("url", ""))


def _display_title(stored) -> str:
    """The title, or the body's first words for documents that have none."""
    title = stored.get("title", "")
    if title:
        return title
    words = stored.get("body", "").split()
    return " ".join(words[:12]) + (" …" if len(words) > 12 else "") or stored["id"]
