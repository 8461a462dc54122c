"""Syllables typed wrong, and syllables typed without the space between them, on folded forms.

``Neighbours`` finds the index syllables within one edit of a typed one: a
letter dropped, added, changed, or two adjacent letters swapped (Damerau),
found through the index's syllables with one letter deleted (the "symmetric
delete" lookup, so a query costs a few dictionary probes, not a scan of the
vocabulary).  Longer words (names, foreign words: ``Jacskonville``), and
names seen in one document only, would make that table large, so they are
found instead in two sorted lists, of the words and of the words reversed:
one edit leaves either the first or the last (n - 1) // 2 letters of a word
of n intact, and the words starting or ending with those are few.  The confusions Vietnamese writers make cost less than an edit
(``CONFUSIONS``: ngh/ng, ch/tr, s/x, d/gi/r, i/y, c/k/q, a letter missing from
a cluster such as nh, th, ng), and are found by rewriting the typed syllable; a letter
replaced by the key beside it costs a little less than other edits.

``split`` cuts a run of letters such as ``congnghiep`` into index syllables,
the likeliest cut by how often the pieces stand side by side in the index.
"""

import bisect
import itertools
import math
import re
from collections import defaultdict
from typing import Callable

EDIT = 1.0
CONFUSION = 0.5  # a Vietnamese confusion costs half an edit
NEAR_KEY = 0.75  # a letter replaced by one whose key touches it: the commonest slip of a finger
MIN_DOCUMENTS = 2  # a syllable seen in one document only is more likely a typo itself than a target
MAX_LETTERS = 7  # the longest Vietnamese syllable, folded: nghieng
# Words are found by their ends from this length: one edit leaves the first or the last two
# letters intact, and few words start or end with them.
MIN_BY_ENDS = 5
# Folded letters Vietnamese spelling never uses: a word holding one is a foreign word or a name.
FOREIGN_LETTERS = frozenset("fjwz")
# The vowels of a Vietnamese syllable, folded (ươu -> uou, ưu -> uu, xoong -> oo).
_NUCLEI = ("a ai ao au ay e eo eu i ia ie ieu iu o oa oai oao oay oe oeo oi oo u ua uay ue ui uo uoi uou uu "
           "uy uya uye uyu y ye yeu").split()
# A folded Vietnamese syllable: an initial consonant, its vowels, a final consonant.
_SHAPE = re.compile(r"(ngh|ng|gh|gi|ch|tr|th|nh|kh|ph|qu|[bcdghklmnpqrstvx])?"
                    rf"({'|'.join(sorted(_NUCLEI, key=len, reverse=True))})(ch|nh|ng|[cmnpt])?")
_CONSONANT_START = re.compile(r"^(ngh|ng|gh|gi|ch|tr|th|nh|kh|ph|qu|[bcdghklmnpqrstvx])?")
# (what was typed at the start of a syllable, what the writer likely meant)
_START_CONFUSIONS = [("ch", "tr"), ("tr", "ch"), ("s", "x"), ("x", "s"), ("d", "gi"), ("gi", "d"), ("d", "r"),
                     ("r", "d"), ("gi", "r"), ("r", "gi"), ("ng", "ngh"), ("ngh", "ng"), ("g", "gh"), ("gh", "g"),
                     ("c", "k"), ("k", "c"), ("q", "qu"), ("n", "nh"), ("t", "th"), ("c", "ch"), ("k", "kh"),
                     ("g", "ng"), ("p", "ph"), ("l", "n"), ("n", "l"), ("v", "d")]
_END_CONFUSIONS = [("i", "y"), ("y", "i"), ("n", "ng"), ("ng", "n"), ("c", "t"), ("t", "c"), ("n", "nh"),
                   ("nh", "n"), ("c", "ch"), ("ch", "c")]


def is_syllable(word: str) -> bool:
    """Whether a folded word has the shape of one Vietnamese syllable (``nghieng``, not ``hanoi``)."""
    return bool(_SHAPE.fullmatch(word))


def looks_vietnamese(word: str) -> bool:
    """Whether a folded word is a Vietnamese syllable, or one swap or one deleted letter away from
    one: ``thuogn``, ``nghep``, ``thuongg`` are; ``online``, ``video``, ``free`` are not (foreign
    words are never corrected)."""
    if FOREIGN_LETTERS & set(word) or not word.isascii() or not word.isalpha():
        return False
    swaps = (word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1))
    return any(_SHAPE.fullmatch(candidate) for candidate in itertools.chain([word], _deletes(word), swaps))


_QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_ROW_SHIFT = (0.0, 0.25, 0.75)  # how far each row sits to the right of the one above, in keys
_KEYS = {key: (row, column + _ROW_SHIFT[row]) for row, keys in enumerate(_QWERTY_ROWS) for column, key in enumerate(keys)}


def keyboard_neighbours(letter: str) -> str:
    """The keys touching ``letter``'s key on a QWERTY keyboard (lower case; '' for other letters)."""
    if letter not in _KEYS:
        return ""
    row, x = _KEYS[letter]
    return "".join(key for key, (other_row, other_x) in _KEYS.items() if key != letter
                   and abs(other_row - row) <= 1 and abs(other_x - x) < 1.0 + (other_row == row))


def _replaced_at(typed: str, word: str) -> int | None:
    """Where ``word`` has another letter than ``typed``, if that one letter is all that differs."""
    if len(typed) != len(word):
        return None
    differ = [i for i in range(len(typed)) if typed[i] != word[i]]
    return differ[0] if len(differ) == 1 else None


def _next_key(typed: str, word: str) -> bool:
    """Whether ``word`` is ``typed`` with one letter replaced by a key touching it."""
    at = _replaced_at(typed, word)
    return at is not None and word[at] in keyboard_neighbours(typed[at])


def replaced_far(typed: str, word: str) -> bool:
    """Whether ``word`` is ``typed`` with one letter replaced by one whose key does not touch it,
    and no Vietnamese confusion: ``seaman`` and ``selman`` are more often two names than a slip."""
    at = _replaced_at(typed, word)
    return at is not None and word[at] not in keyboard_neighbours(typed[at]) and word not in confusions(typed)


def confusions(folded: str) -> set[str]:
    """What a writer may have meant by ``folded`` through one Vietnamese confusion."""
    found = set()
    start = _CONSONANT_START.match(folded).group()
    for typed, meant in _START_CONFUSIONS:
        if start == typed:
            found.add(meant + folded[len(typed):])
    for typed, meant in _END_CONFUSIONS:
        if folded.endswith(typed) and len(folded) > len(typed):
            found.add(folded[:-len(typed)] + meant)
    found.discard(folded)
    return found


def damerau(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two adjacent letters) from ``a`` to ``b``."""
    previous2, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def one_edit(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with exactly one edit (damerau(a, b) == 1), found without the
    table: near() asks it of every word sharing a delete with the typed one."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    if len(a) < len(b):
        return a[at:] == b[at + 1:]
    if len(a) > len(b):
        return a[at + 1:] == b[at:]
    return a[at + 1:] == b[at + 1:] or (a[at + 1:at + 2] == b[at:at + 1] and a[at:at + 1] == b[at + 1:at + 2]
                                         and a[at + 2:] == b[at + 2:])


def _missing_from_cluster(typed: str, word: str) -> bool:
    """Whether ``word`` is ``typed`` with one letter added beside a letter of its kind, as when a
    writer drops a letter of a cluster (``nghep`` for nghiep, ``thuog`` for thuong)."""
    if len(word) != len(typed) + 1:
        return False
    at = next((i for i in range(len(typed)) if typed[i] != word[i]), len(typed))
    if word[:at] + word[at + 1:] != typed:
        return False
    vowel = word[at] in "aeiouy"
    beside = [word[i] for i in (at - 1, at + 1) if 0 <= i < len(word)]
    return any((letter in "aeiouy") == vowel for letter in beside)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class Neighbours:
    """The index's folded syllables, for finding those near a typed one."""

    def __init__(self, documents: dict[str, int]):
        """``documents``: folded word -> documents holding it."""
        self.documents = {word: count for word, count in documents.items()
                          if count >= MIN_DOCUMENTS and word.isalpha() and len(word) <= MAX_LETTERS}
        self._by_delete: dict[str, list[str]] = defaultdict(list)
        for word in self.documents:
            for deleted in _deletes(word):
                self._by_delete[deleted].append(word)
        # A word longer than a syllable, or one of no syllable's shape (a name, a foreign word:
        # "Shelley", "Iqbal"), one edit from another is hardly a coincidence: one document is
        # enough.  Such words are found by their ends instead of the delete table.
        self._by_ends = sorted(word for word, count in documents.items() if word.isalpha() and (
            len(word) > MAX_LETTERS or (count < MIN_DOCUMENTS and len(word) >= MIN_BY_ENDS and not is_syllable(word))))
        self._by_ends_reversed = sorted(word[::-1] for word in self._by_ends)

    def near(self, typed: str) -> dict[str, float]:
        """Index words within one edit or one confusion of ``typed``, with what each costs."""
        found: dict[str, float] = {}
        probes = _deletes(typed) | {typed}
        for probe in probes:
            if probe != typed and probe in self.documents:
                found[probe] = EDIT  # a letter too many
            for word in self._by_delete.get(probe, ()):
                if one_edit(typed, word):
                    found[word] = _edit_cost(typed, word)
        for meant in confusions(typed):
            if meant in self.documents:
                found[meant] = CONFUSION
        if len(typed) >= MIN_BY_ENDS:
            found.update((word, _edit_cost(typed, word)) for word in self._near_by_ends(typed))
        return found

    def _near_by_ends(self, typed: str) -> list[str]:
        """The index's words found by their ends (long, or names seen once) one edit away from ``typed``."""
        kept = (len(typed) - 1) // 2
        starting = _starting_with(self._by_ends, typed[:kept])
        ending = (word[::-1] for word in _starting_with(self._by_ends_reversed, typed[::-1][:kept]))
        return [word for word in set(itertools.chain(starting, ending))
                if one_edit(typed, word)]


def _starting_with(words: list[str], prefix: str) -> list[str]:
    """The words of the sorted list ``words`` that start with ``prefix``."""
    return words[bisect.bisect_left(words, prefix):bisect.bisect_left(words, prefix + "\uffff")]


def _edit_cost(typed: str, word: str) -> float:
    """The cost of the one edit from ``typed`` to ``word``."""
    return CONFUSION if _missing_from_cluster(typed, word) else NEAR_KEY if _next_key(typed, word) else EDIT


def split(letters: str, known: Callable[[str], int], together: Callable[[str, str], int],
          most: int = 6) -> list[str] | None:
    """``letters`` cut into 2 to ``most`` syllables the index knows, every two neighbours
    found side by side in some document; the likeliest such cut, or None.

    ``known(syllable)`` counts the documents holding a syllable, ``together(a, b)``
    those holding the two side by side.  A cut scores the sum over its pieces of
    log P(piece | previous piece) = log(together / known(previous)), so common
    pairs win over rare ones (``hanoi``: ha noi, not han oi)."""
    # best[end]: (score, pieces) of the likeliest cut of letters[:end]
    best: dict[int, tuple[float, list[str]]] = {0: (0.0, [])}
    for end in range(1, len(letters) + 1):
        options = []
        for start in range(max(0, end - MAX_LETTERS), end):
            if start not in best or len(best[start][1]) >= most:
                continue
            piece = letters[start:end]
            if len(piece) < 3 and not is_syllable(piece):
                continue  # "q", "s", "tp": letters, not syllables
            documents = known(piece)
            if documents < MIN_DOCUMENTS:
                continue
            score, pieces = best[start]
            if pieces:
                pair = together(pieces[-1], piece)
                if not pair:
                    continue
                score += math.log(pair / max(known(pieces[-1]), 1))
            else:
                score += math.log(documents)
            options.append((score, pieces + [piece]))
        if options:
            best[end] = max(options, key=lambda option: option[0])
    found = best.get(len(letters))
    return found[1] if found and len(found[1]) >= 2 else None
