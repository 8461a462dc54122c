"""Search-as-you-type: completions of what the user is typing, taken from the index.

The candidates are the index's own words (pyvi words such as ``công thương``
and single syllables), keyed by their folded form, so ``cong th`` completes to
``công thương`` and ``công thức``; the most widespread words come first.  When
the user typed accents, only words that carry them are offered (``công th``
does not offer ``cộng thêm``).  Words before the one being completed are
kept as typed, or accent-restored when the user typed none.
"""

import bisect

import numpy as np

from indexer.analysis import SYLLABLE, syllable_term
from indexer.text import clean, fold, has_diacritics

MAX_SUGGESTIONS = 8
MIN_DOCUMENTS = 2  # a word seen in one document only is more likely a typo than worth offering
LONGEST_COMPLETED = 3  # syllables at the end of the input that one completion may cover
_SCANNED = 400  # most frequent candidates examined per prefix


class Completions:
    """The words of one index generation, sorted by folded form."""

    def __init__(self, body_terms: dict[str, int]):
        """``body_terms``: the exact terms of the body field and their document frequency."""
        entries = []
        for term, documents in body_terms.items():
            if documents >= MIN_DOCUMENTS and term.replace("_", "").isalpha():
                form = term.replace("_", " ")
                entries.append((fold(form), form, documents))
        entries.sort()
        self._keys = [key for key, _, _ in entries]
        self._forms = [form for _, form, _ in entries]
        self._documents = np.array([documents for _, _, documents in entries], dtype=np.int64)

    def complete(self, prefix: str, accented_prefix: str | None, limit: int) -> list[str]:
        """Words whose folded form starts with ``prefix`` (and whose form starts with
        ``accented_prefix`` when given), most widespread first."""
        low = bisect.bisect_left(self._keys, prefix)
        high = bisect.bisect_left(self._keys, prefix + "\U0010ffff")
        counts = self._documents[low:high]
        found = []
        for position in np.argsort(-counts, kind="stable")[:_SCANNED]:
            form = self._forms[low + position]
            if accented_prefix is None or form.startswith(accented_prefix):
                found.append(form)
                if len(found) == limit:
                    break
        return found


def suggest(completions: Completions, restore, text: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Completed queries for ``text`` as typed so far; ``restore(folded syllables)`` puts
    accents back on the words before the completed one."""
    text = clean(text)[:200]
    syllables = [syllable_term(match.group()) for match in SYLLABLE.finditer(text)]
    if not syllables:
        return []
    accented = has_diacritics(text)
    typing_next = text[-1:].isspace()  # "cong " asks for words that start with "cong"
    found: list[str] = []
    for covered in range(min(LONGEST_COMPLETED, len(syllables)), 0, -1):
        head, tail = syllables[:-covered], " ".join(syllables[-covered:]) + (" " if typing_next else "")
        if typing_next and covered == LONGEST_COMPLETED:
            continue  # the completion would need a fourth syllable
        before = " ".join(head if accented else restore([fold(s) for s in head]))
        for word in completions.complete(fold(tail), tail if accented else None, limit):
            candidate = f"{before} {word}".strip()
            if candidate not in found and candidate != text.strip().lower():
                found.append(candidate)
        if found:
            break  # shorter tails would complete a word the user has already typed
    return found[:limit]
