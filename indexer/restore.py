"""Putting diacritics back on a query typed without them.

Candidates come from the index's own vocabulary: every accented syllable
that folds to what the user typed (``duong`` -> đường, dương, đương …), with
its document frequency.  Adjacent candidates are scored by how often the
pair occurs as one pyvi word in the index (``công_thương``), and a Viterbi
pass picks the best sequence.  The folded form is always searched as well, so
a wrong restoration costs ranking, never recall.
"""

import math
from collections import defaultdict
from typing import Callable

from indexer.text import fold

Frequency = Callable[[str, str], int]  # (field, term) -> documents holding it
CANDIDATES = 8  # accented forms kept per folded syllable, most frequent first
PAIR_WEIGHT = 3.0  # a pair seen as a word in the index outweighs single frequencies


class Vocabulary:
    """Folded syllable -> accented syllables of one index generation."""

    def __init__(self, body_terms: dict[str, int], counts_deleted: bool = False):
        """``body_terms``: the exact terms of the body field and their document frequency,
        which ``counts_deleted`` says includes deleted documents."""
        self._counts_deleted = counts_deleted
        found = defaultdict(list)
        for term, documents in body_terms.items():
            if "_" not in term and term.isalpha():
                found[fold(term)].append((term, documents))
        self._candidates = {folded: sorted(forms, key=lambda f: -f[1]) for folded, forms in found.items()}

    def candidates(self, folded: str, frequency: Frequency) -> list[tuple[str, int]]:
        """The most frequent accented forms of a folded syllable, with their document frequency."""
        forms = self._candidates.get(folded, [])
        if self._counts_deleted:
            forms = sorted(((form, frequency("body", form)) for form, _ in forms), key=lambda f: -f[1])
            forms = [(form, count) for form, count in forms if count]
        return forms[:CANDIDATES]

    def restore(self, folded_syllables: list[str], frequency: Frequency) -> list[str]:
        """The most likely accented form of each syllable (unchanged when the index knows none).

        ``frequency(field, term)`` counts the documents holding a term."""
        lattice = [self.candidates(s, frequency) or [(s, 1)] for s in folded_syllables]
        if not lattice:
            return []
        best = [(math.log(df + 1), [form]) for form, df in lattice[0]]
        for options in lattice[1:]:
            step = []
            for form, df in options:
                score, path = max(
                    (previous_score + PAIR_WEIGHT * math.log(1 + frequency("body", f"{path[-1]}_{form}")),
                     path) for previous_score, path in best)
                step.append((score + math.log(df + 1), path + [form]))
            best = step
        return max(best)[1]
