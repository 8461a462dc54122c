"""What every result must hold, or must not: "quoted phrases" and -excluded words.

Whoosh can tell which documents hold a phrase, but it walks, in Python, every
document holding all the phrase's words: ``"công nghiệp"`` took half a second
on corpus-large.  Adjacent folded syllables are indexed as pairs (schema.py),
so a document holding a phrase holds all its pairs.  Their postings,
intersected with numpy, give the candidates; Whoosh checks only those, or
none when the pairs decide alone (two syllables sought in title and body,
with folding: the pair is the phrase).
"""

from dataclasses import dataclass, field
from functools import reduce

import numpy as np

from indexer.schema import PAIRS_FIELD


@dataclass
class Constraint:
    """A phrase that every result holds, or a word or phrase that none holds."""

    query: object  # the Whoosh query that decides
    any_of: list[tuple[str, str]] = field(default_factory=list)  # (field, term): holding one decides
    pairs: list[str] = field(default_factory=list)  # folded pairs that every match holds
    pairs_decide: bool = False

    def mask(self, view) -> np.ndarray:
        """True for the documents that meet the constraint (a view.View's document numbers)."""
        mask = np.zeros(view.size, dtype=bool)
        if self.any_of:
            for name, term in self.any_of:
                mask[view.postings(name, term)[0]] = True
        elif self.pairs:
            candidates = reduce(np.intersect1d, [view.postings(PAIRS_FIELD, pair)[0] for pair in self.pairs])
            mask[candidates if self.pairs_decide else _matching(view.searcher, self.query, candidates)] = True
        else:
            mask[list(view.searcher.docs_for_query(self.query))] = True
        return mask


def _matching(searcher, query, candidates: np.ndarray) -> list[int]:
    """The candidates (ascending document numbers) that ``query`` matches, each segment's
    matcher skipping from one candidate to the next."""
    found = []
    for leaf, offset in searcher.leaf_searchers():
        local = candidates[(candidates >= offset) & (candidates < offset + leaf.doc_count_all())] - offset
        if not len(local):
            continue
        matcher = query.matcher(leaf)
        for docnum in local.tolist():
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                found.append(docnum + offset)
    return found
