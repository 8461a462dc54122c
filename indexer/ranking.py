"""Which documents a query matches, and in what order.

Every query syllable is a *clause*: a document matches it through the exact
term or, with folding on, the unaccented term.  A document's score is the
sum over clauses of BM25F over title (boosted) and body, where folded-only
matches weigh less when the user typed accents, plus bonuses for whole pyvi
words of the query and for query syllables that stand side by side in the
document.  Question words (bao nhiêu, là gì …) weigh little when the query
has other words.  Each constant below was chosen by bench/relevance.py.

Short queries (up to ALL_WORDS_FIRST_UP_TO clauses) put documents holding
every clause first, as users of a search box expect; for longer, question-
like queries that would bury the best passage under any document that
happens to hold every common word, so they rank by score alone.  Either way
documents matching only some clauses are still found.
"""

import math
import time
from dataclasses import dataclass, field
from functools import reduce
from typing import Collection, Iterable

import numpy as np
from whoosh import query as wq

from indexer.analysis import segment
from indexer.constraints import Constraint
from indexer.query import ParsedQuery, QueryTerm
from indexer.schema import FOLDED_SUFFIX, PAIRS_FIELD
from indexer.scoring import Fields, bm25f

TITLE_BOOST = 2.0
FOLDED_WEIGHT = 0.5  # a folded-only match, when the query had accents
WORD_BONUS = 0.25
PAIR_BONUS = 0.5
QUESTION_WEIGHT = 0.2
# Folded: they make a query a question without saying what it is about.
QUESTION_WORDS = frozenset({
    "bao nhieu", "bao gio", "khi nao", "luc nao", "la gi", "cai gi", "dieu gi", "nhung gi", "tai sao",
    "vi sao", "nhu the nao", "the nao", "ra sao", "o dau", "la ai", "nhung ai", "nao", "gi", "ai", "dau", "may",
})
CORRECTED_WEIGHT = 0.8  # a syllable corrected from what was typed (understand.py)
ALL_WORDS_FIRST_UP_TO = 4
ALL_WORDS_LIFT = 1e6  # added to the order key of documents holding every word: above any score
RERANK_DEPTH = 50  # how many of the best keyword matches meaning may re-order (semantic indexes)
MEANING_WEIGHT = 1.0
# Cosines closer than this are noise, not meaning: a spread below it is not magnified (over the
# best 50 matches of xquad-vi questions the spread is 0.013-0.030; a handful of news articles
# about one topic can lie within 0.005).
MEANING_SPREAD_FLOOR = 0.015


@dataclass
class Clause:
    """A query syllable: its forms (exact, folded, other ways to write it) as (weight, fields),
    and the phrases that can stand for it (an abbreviation's full form) as (weight, folded
    syllables)."""

    forms: list[tuple[float, Fields]]
    weight: float = 1.0
    counts: bool = True  # whether "holds every query word" needs this one
    phrases: list[tuple[float, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class Plan:
    clauses: list[Clause] = field(default_factory=list)
    bonus: list[tuple[float, Fields]] = field(default_factory=list)
    phrases: list[Constraint] = field(default_factory=list)  # every result meets these
    excluded: list[Constraint] = field(default_factory=list)  # no result meets these


def plan(parsed: ParsedQuery, folding: bool, meant: str | None = None, alternatives: Iterable = (),
         lowered: Collection[int] = ()) -> Plan:
    """The scoring plan of a query; ``meant`` is the query as the user meant it, where that
    differs from ``parsed``: accents put back, corrections made (understand.Query.words_text).

    The meant form only lends pyvi its words (pyvi cannot segment
    unaccented text, nor a word typed wrong); as a syllable signal restored
    accents measured worse than folding.
    Without folding every syllable is searched exactly as typed.  Each of
    ``alternatives`` (understand.Alternative) is another way to write some plain
    syllables, searched in their clauses with its own weight; plain syllables
    at ``lowered`` positions were corrected and weigh CORRECTED_WEIGHT.
    """
    accented = parsed.accented or not folding
    result = Plan()
    plain_terms = list(parsed.plain.terms)
    phrase_terms = [list(part.terms) for part in parsed.phrases]
    title_terms = [list(part.terms) for part in parsed.in_title]
    asking = _question_word_positions(plain_terms)
    weak = asking if len(asking) < len(plain_terms) else set()
    clauses: dict[tuple[str, bool], Clause] = {}
    for number, term in enumerate(plain_terms + [t for terms in phrase_terms for t in terms]):
        weight = QUESTION_WEIGHT if number in weak else CORRECTED_WEIGHT if number in lowered else 1.0
        clauses.setdefault((term.exact, False), Clause(_forms(term, folding), weight=weight,
                                                       counts=number not in weak))
    for alternative in alternatives:  # satisfies every clause it stands for, scored once in all
        share = alternative.weight / (alternative.end - alternative.start)
        for term in plain_terms[alternative.start:alternative.end]:
            clause = clauses[(term.exact, False)]
            # its folded form weighs what every form of the typed word does (an accented word's
            # exact and folded forms), times its own weight
            weight = share * sum(form_weight for form_weight, _ in _forms(term, folding))
            if len(alternative.syllables) == 1:
                clause.forms.append((weight, in_both_fields(FOLDED_SUFFIX, alternative.syllables[0])))
            else:
                clause.phrases.append((weight, alternative.syllables))
    for term in (t for terms in title_terms for t in terms):
        clauses.setdefault((term.exact, True), Clause(_forms(term, folding, fields=("title",))))
    for left, right in parsed.alternatives:  # "a OR b": one clause that either satisfies
        if (left, False) in clauses and (right, False) in clauses and left != right:
            clauses[(left, False)].forms += clauses.pop((right, False)).forms
    result.clauses = list(clauses.values())
    words_text = meant or (parsed.plain.text if accented else None)
    if words_text:
        for word in segment(words_text):
            if len(word.syllables) > 1:
                result.bonus.append((WORD_BONUS, in_both_fields("", word.term)))
    if folding:
        for terms in [plain_terms] + phrase_terms:
            for left, right in zip(terms, terms[1:]):
                result.bonus.append((PAIR_BONUS, [(PAIRS_FIELD, f"{left.folded} {right.folded}", 1.0)]))
        for alternative in alternatives:  # its pairs with the query's words around it ("được Nixon chọn")
            edges = [(plain_terms[alternative.start - 1].folded, alternative.syllables[0])] if alternative.start else []
            if alternative.end < len(plain_terms):
                edges.append((alternative.syllables[-1], plain_terms[alternative.end].folded))
            result.bonus += [(PAIR_BONUS * alternative.weight, [(PAIRS_FIELD, f"{left} {right}", 1.0)])
                             for left, right in edges]
    result.phrases = [_phrase_constraint(terms, folding) for terms in phrase_terms if len(terms) > 1]
    result.phrases += [_phrase_constraint(terms, folding, fields=("title",))
                       for terms in title_terms if len(terms) > 1]
    for part in parsed.excluded:
        terms = list(part.terms)
        result.excluded.append(_phrase_constraint(terms, folding) if len(terms) > 1
                               else _word_constraint(terms[0], folding))
    return result


def _question_word_positions(terms: list[QueryTerm]) -> set[int]:
    """Positions of syllables that only make the query a question (bao nhiêu, là gì …)."""
    folded = [t.folded for t in terms]
    positions = set()
    for start in range(len(folded)):
        for length in (3, 2, 1):
            if " ".join(folded[start:start + length]) in QUESTION_WORDS:
                positions.update(range(start, start + length))
                break
    return positions


@dataclass
class Matches:
    """The documents a plan matches, with their scores and relevance order key."""

    docnums: np.ndarray
    scores: np.ndarray  # BM25F plus bonuses, per entry of ``docnums``
    key: np.ndarray  # higher ranks first: the score, lifted when every query word is present
    timed_out: bool = False  # the time budget ran out: some clauses or bonuses were left unscored

    def select(self, mask: np.ndarray) -> "Matches":
        return Matches(self.docnums[mask], self.scores[mask], self.key[mask], self.timed_out)

    def best(self, limit: int, tiebreak: np.ndarray, before: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The first ``limit`` (docnum, score) pairs: by ``before`` (higher first) when given,
        then by relevance, then by ``tiebreak`` (per document number, lower first: the
        same order in every index of the same documents, so that pages are stable)."""
        chosen = np.arange(len(self.docnums))
        if before is None and limit < len(self.docnums):
            # every document scoring at least the limit-th best, ties at the cut included
            threshold = np.partition(-self.key, limit - 1)[limit - 1]
            chosen = np.flatnonzero(-self.key <= threshold)
        keys = (self.docnums[chosen], tiebreak[self.docnums[chosen]], -self.key[chosen])
        keys += () if before is None else (-before[chosen],)
        chosen = chosen[np.lexsort(keys)][:limit]
        return [(int(self.docnums[i]), float(self.scores[i])) for i in chosen]


def rerank(matches: Matches, similarity, tiebreak: np.ndarray) -> Matches:
    """``matches`` with the best RERANK_DEPTH re-ordered by keyword score and meaning together.

    ``similarity(docnums)`` gives the cosine of each document's sentence vector
    with the query's (semantic.py).  Both signals are standardised over those
    documents (keyword scores grow with the query's length, cosines of
    multilingual-e5 sit between 0.7 and 0.9) and summed, the meaning weighted
    by MEANING_WEIGHT; cosines that hardly differ are not magnified
    (MEANING_SPREAD_FLOOR).  Documents holding every query word stay above
    those that do not, as without vectors.
    """
    top = np.array([docnum for docnum, _ in matches.best(RERANK_DEPTH, tiebreak)], dtype=np.int64)
    if len(top) < 2:
        return matches
    at = np.searchsorted(matches.docnums, top)
    combined = (_standardised(matches.scores[at])
                + MEANING_WEIGHT * _standardised(similarity(top), least_spread=MEANING_SPREAD_FLOOR))
    key = matches.key.copy()
    lift = key[at] - matches.scores[at]  # ALL_WORDS_LIFT for documents holding every word, else 0
    key[at] = key.max() + 1 + lift + combined - combined.min()
    return Matches(matches.docnums, matches.scores, key, matches.timed_out)


def _standardised(values: np.ndarray, least_spread: float = 0.0) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    spread = max(values.std(), least_spread)
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)


def match(view, query_plan: Plan, deadline: float = math.inf) -> Matches:
    """Every document of the view (view.View) that the plan matches, deleted ones excluded.

    Past ``deadline`` (time.perf_counter()) the clauses and bonuses not yet scored are
    left out, the first clause always scored: a pathological query answers with what
    it has.  Phrases and exclusions are always applied, so every match stays a match."""
    size = view.size
    scores = np.zeros(size, dtype=np.float32)
    coverage = np.zeros(size, dtype=np.int16)
    timed_out = False
    for number, clause in enumerate(query_plan.clauses):
        if number and time.perf_counter() > deadline:
            timed_out = True
            break
        matched = np.zeros(size, dtype=bool)
        for weight, fields in clause.forms:
            ids, values = bm25f(view, fields)
            scores[ids] += clause.weight * weight * values
            matched[ids] = True
        for weight, syllables in clause.phrases:
            ids, values = _phrase_scores(view, syllables)
            scores[ids] += clause.weight * weight * values
            matched[ids] = True
        if clause.counts:
            coverage += matched
    for weight, fields in query_plan.bonus:
        if timed_out or time.perf_counter() > deadline:
            timed_out = True
            break
        ids, values = bm25f(view, fields)
        scores[ids] += weight * values
    candidates = (scores > 0) & view.live
    for phrase in query_plan.phrases:
        candidates &= phrase.mask(view)
    for excluded in query_plan.excluded:
        candidates &= ~excluded.mask(view)
    docnums = np.flatnonzero(candidates)
    key = scores[docnums].astype(np.float64)
    clauses = sum(clause.counts for clause in query_plan.clauses)
    if clauses <= ALL_WORDS_FIRST_UP_TO:
        key += (coverage[docnums] == clauses) * ALL_WORDS_LIFT
    return Matches(docnums, scores[docnums], key, timed_out)


def _phrase_scores(view, syllables: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, scores) of the documents holding every two adjacent ``syllables``
    (folded) side by side: the sum of the syllables' BM25F there, so that a full name found
    for an abbreviation weighs what it would typed out (the mean made "EU" find documents
    saying "Liên minh châu Âu" below those saying "EU" once in passing)."""
    holders = reduce(np.intersect1d, [view.postings(PAIRS_FIELD, f"{left} {right}")[0]
                                      for left, right in zip(syllables, syllables[1:])])
    total = np.zeros(len(holders), dtype=np.float32)
    for syllable in syllables:
        ids, values = bm25f(view, in_both_fields(FOLDED_SUFFIX, syllable))
        at = np.searchsorted(ids, holders)
        found = at < len(ids)
        found[found] = ids[at[found]] == holders[found]
        total[found] += values[at[found]]
    return holders, total


def _forms(term: QueryTerm, folding: bool, fields=("body", "title")) -> list[tuple[float, Fields]]:
    forms = []
    if term.accented or not folding:
        forms.append((1.0, in_both_fields("", term.exact, fields)))
    if folding:
        weight = FOLDED_WEIGHT if term.accented else 1.0
        forms.append((weight, in_both_fields(FOLDED_SUFFIX, term.folded, fields)))
    return forms


def in_both_fields(suffix: str, term: str, fields=("body", "title")) -> Fields:
    """The term in body and, boosted, in title (or only in the ``fields`` given)."""
    weights = {"body": 1.0, "title": TITLE_BOOST}
    return [(name + suffix, term, weights[name]) for name in fields]


def _word_constraint(term: QueryTerm, folding: bool) -> Constraint:
    forms = [(name, text) for _, fields in _forms(term, folding) for name, text, _ in fields]
    return Constraint(wq.Or([wq.Term(name, text) for name, text in forms]), any_of=forms)


def _phrase_constraint(terms: list[QueryTerm], folding: bool, fields=("body", "title")) -> Constraint:
    """Documents holding the syllables side by side: exactly, or (with folding) unaccented,
    which includes exactly."""
    if not folding:
        return Constraint(wq.Or([wq.Phrase(name, [t.exact for t in terms]) for name in fields]))
    pairs = [f"{left.folded} {right.folded}" for left, right in zip(terms, terms[1:])]
    return Constraint(wq.Or([wq.Phrase(name + FOLDED_SUFFIX, [t.folded for t in terms]) for name in fields]),
                       pairs=pairs, pairs_decide=len(pairs) == 1 and set(fields) == {"body", "title"})
