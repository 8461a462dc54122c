"""More like this: the documents that share a document's most distinctive words.

A document's key terms are its words and syllables weighted by how often it
uses them and how rare they are in the index (tf-idf); the key terms then run
as one ranked query, scored like any search, and the document itself is left
out.  Words found in that one document only say nothing about similarity.
"""

import math
from collections import Counter

from indexer.analysis import index_terms
from indexer.ranking import Clause, Plan, in_both_fields, match

KEY_TERMS = 20
MAX_TEXT_CHARS = 20_000  # the start of a long document says what it is about


def key_terms(view, text: str) -> list[tuple[str, float]]:
    """The ``KEY_TERMS`` most distinctive exact terms of ``text``, with their weight."""
    counts = Counter(term for term, _ in index_terms(text[:MAX_TEXT_CHARS]).exact)
    documents = view.live_count
    weighted = []
    for term, count in counts.items():
        frequency = view.document_frequency("body", term)
        if frequency >= 2 and any(character.isalpha() for character in term):
            weighted.append((term, (1 + math.log(count)) * math.log(documents / frequency)))
    weighted.sort(key=lambda item: -item[1])
    return weighted[:KEY_TERMS]


def similar(view, docnum: int, text: str, limit: int) -> list[tuple[int, float]]:
    """Up to ``limit`` (docnum, score) of the documents of ``view`` (view.View) most like
    document ``docnum``, whose title and body are ``text``."""
    terms = key_terms(view, text)
    if not terms:
        return []
    query_plan = Plan(clauses=[Clause([(1.0, in_both_fields("", term))], weight=weight) for term, weight in terms])
    matches = match(view, query_plan)
    return matches.select(matches.docnums != docnum).best(limit, view.metadata.id_rank)
