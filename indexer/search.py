"""Searching: a user's query -> ranked, highlighted, paginated results.

This is the one entry point the web layer and the CLI use; nothing outside
``indexer`` touches Whoosh.

Ranking is BM25F over title (boosted) and body.  Documents holding every
query word come first; documents holding only some of them follow, ranked
among themselves.  Each query syllable matches its exact form and, with
folding on, its unaccented form; for a query typed with accents the exact
form weighs more, so ``đường`` ranks đường above dương.  Multi-syllable
pyvi words and adjacent syllable pairs add a bonus, so ``công thương`` ranks
the phrase above the two words far apart.
"""

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import query as wq
from whoosh.scoring import BM25F

from indexer.analysis import segment
from indexer.generations import IndexMissing, LiveIndex
from indexer.query import MAX_QUERY_CHARS, ParsedQuery, QueryTerm, parse, query_terms
from indexer.schema import FOLDED_SUFFIX, has_folding
from indexer.snippets import highlight, snippet
from indexer.text import clean, has_diacritics

__all__ = ["SearchEngine", "InvalidRequest", "IndexMissing"]

MAX_PER_PAGE = 100
MAX_RESULT_WINDOW = 10_000  # page * per_page, as in Elasticsearch
TITLE_BOOST = 2.0
FOLDED_WEIGHT = 0.5  # a folded-only match, when the query had accents
WORD_BONUS = 0.5
PAIR_BONUS = 0.5


class InvalidRequest(ValueError):
    """A request the engine refuses, with a message for the user."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Hit:
    id: str
    title: str
    title_html: str
    snippet: str
    score: float
    date: str = ""
    source: str = ""
    category: str = ""
    source_url: str = ""


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

    @property
    def pages(self) -> int:
        return min(-(-self.total // self.per_page), MAX_RESULT_WINDOW // self.per_page)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DocumentView:
    id: str
    title: str
    title_html: str
    body_html: str
    date: str = ""
    source: str = ""
    category: str = ""
    source_url: str = ""


def validate(query: str, page: int, per_page: int) -> None:
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidRequest("query_too_long", f"query is longer than {MAX_QUERY_CHARS} characters")
    if page < 1:
        raise InvalidRequest("bad_page", "page must be 1 or more")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidRequest("bad_per_page", f"per_page must be between 1 and {MAX_PER_PAGE}")
    if page * per_page > MAX_RESULT_WINDOW:
        raise InvalidRequest("page_too_deep", f"only the first {MAX_RESULT_WINDOW} results can be paged through")


class SearchEngine:
    def __init__(self, index_dir: Path):
        self.live = LiveIndex(index_dir)

    def warm_up(self) -> None:
        """Load pyvi's model now (about 1 s) rather than in the first user's search."""
        segment("khởi động")

    def _searcher(self):
        return self.live.searcher(weighting=BM25F(B=0.75, K1=1.2))

    def search(self, query: str, page: int = 1, per_page: int = 10) -> SearchResults:
        """Raises InvalidRequest for bad parameters and IndexMissing before the first rebuild."""
        started = time.perf_counter()
        validate(query, page, per_page)
        generation, searcher = self._searcher()
        parsed = parse(query)
        results = SearchResults(query=clean(query).strip(), total=0, page=page, per_page=per_page, took_ms=0.0,
                                generation=generation)
        if not parsed.is_empty():
            fold_on = has_folding(searcher.schema)
            builder = _QueryBuilder(parsed, fold_on)
            ranked, results.total = _ranked(searcher, builder, page * per_page)
            terms = parsed.highlight_terms()
            results.hits = [_hit(searcher, docnum, score, terms, fold_on)
                            for docnum, score in ranked[(page - 1) * per_page:]]
        results.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return results

    def document(self, doc_id: str, query: str = "") -> DocumentView | None:
        """The stored document with the query's words marked, or None if there is no such id."""
        _, searcher = self._searcher()
        stored = searcher.document(id=doc_id)
        if stored is None:
            return None
        parsed = parse(query[:MAX_QUERY_CHARS])
        terms = parsed.highlight_terms()
        fold_on = has_folding(searcher.schema)
        title = _display_title(stored)
        return DocumentView(
            id=stored["id"], title=title, title_html=highlight(title, terms, fold_on),
            body_html=highlight(stored.get("body", ""), terms, fold_on),
            date=stored.get("date", ""), source=stored.get("source", ""),
            category=stored.get("category", ""), source_url=stored.get("url", ""),
        )

    def document_count(self) -> int:
        return self._searcher()[1].doc_count()


def _ranked(searcher, builder, limit):
    """(docnum, score) of the best ``limit`` documents, all-words matches first, and the total."""
    excluded = builder.excluded()
    mask = set(searcher.docs_for_query(excluded)) if excluded is not None else set()
    strict = searcher.search(builder.all_words(), limit=limit, mask=mask or None)
    ranked = [(hit.docnum, hit.score) for hit in strict]
    total = len(strict)
    loose_query = builder.any_word()
    if loose_query is not None:
        loose = searcher.search(loose_query, limit=max(0, limit - len(ranked)) or 1,
                                mask=set(mask) | set(strict.docs()))
        total += len(loose)
        ranked += [(hit.docnum, hit.score) for hit in loose][: max(0, limit - len(ranked))]
    return ranked, total


def _hit(searcher, docnum, score, terms, fold_on) -> Hit:
    stored = searcher.stored_fields(docnum)
    title = _display_title(stored)
    return Hit(
        id=stored["id"], title=title, title_html=highlight(title, terms, fold_on),
        snippet=snippet(stored.get("body", ""), terms, fold_on), score=round(score, 4),
        date=stored.get("date", ""), source=stored.get("source", ""),
        category=stored.get("category", ""), source_url=stored.get("url", ""),
    )


def _display_title(stored) -> str:
    """The title, or the body's first words for documents that have none."""
    title = stored.get("title", "")
    if title:
        return title
    words = stored.get("body", "").split()
    return " ".join(words[:12]) + (" …" if len(words) > 12 else "") or stored["id"]


class _QueryBuilder:
    """Whoosh queries for a parsed user query."""

    def __init__(self, parsed: ParsedQuery, fold_on: bool):
        self.parsed = parsed
        self.fold_on = fold_on
        self.accented = parsed.accented or not fold_on
        self.terms = query_terms(parsed.plain, self.accented)

    def required(self) -> list:
        clauses = [self._term_clause(term) for term in self.terms]
        clauses += [self._phrase_clause(query_terms(p, self.accented)) for p in self.parsed.phrases]
        return clauses

    def bonus(self) -> list:
        """Optional clauses that only reorder matches: whole pyvi words and adjacent pairs."""
        clauses = []
        if self.accented and self.parsed.plain:
            for word in segment(self.parsed.plain):
                if len(word.syllables) > 1:
                    clauses += self._both_fields(lambda f: wq.Term(f, word.term, boost=WORD_BONUS))
        field_suffix = "" if self.accented else FOLDED_SUFFIX
        for left, right in zip(self.terms, self.terms[1:]):
            pair = [left.exact, right.exact] if self.accented else [left.folded, right.folded]
            clauses += self._both_fields(lambda f: wq.Phrase(f + field_suffix, pair, boost=PAIR_BONUS))
        return clauses

    def all_words(self):
        return self._with_bonus(wq.And(self.required()))

    def any_word(self):
        required = self.required()
        return self._with_bonus(wq.Or(required)) if len(required) > 1 else None

    def excluded(self):
        clauses = []
        for text in self.parsed.excluded:
            terms = query_terms(text, has_diacritics(text) or not self.fold_on)
            clauses.append(self._phrase_clause(terms) if len(terms) > 1 else self._term_clause(terms[0]))
        return wq.Or(clauses) if clauses else None

    def _with_bonus(self, query):
        bonus = self.bonus()
        return wq.AndMaybe(query, wq.Or(bonus)) if bonus else query

    def _term_clause(self, term: QueryTerm):
        subqueries = []
        if term.accented:
            subqueries += self._both_fields(lambda f: wq.Term(f, term.exact))
        if self.fold_on:
            weight = FOLDED_WEIGHT if term.accented else 1.0
            subqueries += self._both_fields(lambda f: wq.Term(f + FOLDED_SUFFIX, term.folded, boost=weight))
        return wq.Or(subqueries)

    def _phrase_clause(self, terms: list[QueryTerm]):
        if len(terms) == 1:
            return self._term_clause(terms[0])
        subqueries = []
        if terms[0].accented:
            subqueries += self._both_fields(lambda f: wq.Phrase(f, [t.exact for t in terms], slop=1))
        if self.fold_on:
            weight = FOLDED_WEIGHT if terms[0].accented else 1.0
            subqueries += self._both_fields(
                lambda f: wq.Phrase(f + FOLDED_SUFFIX, [t.folded for t in terms], slop=1, boost=weight))
        return wq.Or(subqueries)

    @staticmethod
    def _both_fields(make):
        """The clause on body and, boosted, on title."""
        body, title = make("body"), make("title")
        title.boost *= TITLE_BOOST
        return [body, title]
