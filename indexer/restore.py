"""Putting diacritics back on a query typed without them.

Candidates come from the index's own vocabulary: every accented syllable
that folds to what the user typed (``duong`` -> đường, dương, đương …), with
its document frequency.  A bigram model over how the index's documents spell
adjacent syllables (schema.PairSpellings) scores each sequence of candidates,
and a Viterbi pass picks the best.  The folded form is always searched as well, so
a wrong restoration costs ranking, never recall.
"""

import math
from collections import defaultdict
from typing import Callable

from indexer.text import fold

Frequency = Callable[[str, str], int]  # (field, term) -> documents holding it
Spellings = Callable[[str, str], dict[str, int]]  # folded a, b -> {"á b": documents holding them side by side}
CANDIDATES = 8  # accented forms kept per folded syllable, most frequent first
# P(b | a) = PAIR_TRUST * pairs(a b) / documents(a) + (1 - PAIR_TRUST) * documents(b) / documents.
# Syllables of the xquad-vi questions restored as written, over the set + 10k news (bench/relevance.py):
# 95.8%; the same model offline with 0.99 and 0.9999 lost 0.4-0.6 points.  Pairs seen as one pyvi word,
# as used before, gave 91.6%.
PAIR_TRUST = 0.999


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

    def restore(self, folded_syllables: list[str], frequency: Frequency, spellings: Spellings,
                documents: int, fixed: dict[int, str] | None = None) -> list[str]:
        """The most likely accented form of each syllable (unchanged when the index knows none).

        ``frequency(field, term)`` counts the documents holding a term, ``spellings`` those
        holding each spelling of two adjacent syllables; ``documents`` is the index's size.
        ``fixed`` gives the syllables whose accents the user typed, by position: they stay, and
        their neighbours are chosen beside them."""
        fixed = fixed or {}
        lattice = [[(fixed[i], frequency("body", fixed[i]))] if i in fixed else self.candidates(s, frequency) or [(s, 0)]
                   for i, s in enumerate(folded_syllables)]
        if not lattice:
            return []
        documents = max(documents, 1)
        best = [(math.log((count + 1) / documents), [form], count) for form, count in lattice[0]]
        for left, right, options in zip(folded_syllables, folded_syllables[1:], lattice[1:]):
            pairs = spellings(left, right)
            step = []
            for form, count in options:
                alone = (1 - PAIR_TRUST) * (count + 1) / documents
                score, path = max(
                    (previous + math.log(PAIR_TRUST * pairs.get(f"{path[-1]} {form}", 0) / max(before, 1) + alone),
                     path) for previous, path, before in best)
                step.append((score, path + [form], count))
            best = step
        return max(best)[1]
