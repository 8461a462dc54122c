"""Vietnamese analysis: syllables, pyvi words with exact offsets, index terms.

A *syllable* is a run of letters or digits (``Công``, ``2020``, ``1.384,3``).
pyvi's CRF model groups syllables into *words* (``Công thương`` ->
``công_thương``).  We run the model on our own syllable sequence instead of
calling ``ViTokenizer.tokenize`` so every word keeps its character offsets in
the cleaned text; pyvi's own tokenizer rewrites the text and loses them.

Index terms for one text: each syllable (lower case, canonical tones) at its
position, plus each multi-syllable word at the position of its first syllable,
so phrases over syllables and whole-word matches both work.  The folded terms
are the same with diacritics removed; each two adjacent syllables also give a
pair, unaccented and as spelt.

The Whoosh tokenizer below is pickled into the index by import path: keep
this module's name and the class name stable.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer

from indexer.text import canonical_tones, fold

_NUMBER = r"\d+(?:[.,]\d+)+"
SYLLABLE = re.compile(rf"{_NUMBER}|[^\W_]+")
# What pyvi's model was trained on: syllables plus single punctuation marks.
MODEL_TOKEN = re.compile(rf"({_NUMBER}|[^\W_]+)|[^\w\s]|_")
# The model sees at most this many tokens at once: a text without line breaks
# would otherwise become one sequence as long as the document (memory grows with it).
MAX_SEQUENCE = 1000


@dataclass(frozen=True)
class Word:
    """A pyvi word: ``text[start:end]`` is its surface form, spaces included."""

    start: int
    end: int
    syllables: tuple[str, ...]  # lower case, canonical tones

    @property
    def term(self) -> str:
        return "_".join(self.syllables)


@dataclass(frozen=True)
class Terms:
    """Index terms of one text as (term, position) pairs.

    ``pairs`` are adjacent folded syllables ("cong thuong"): they reward query
    words found side by side, accented or not, at the cost of one term lookup.
    ``spellings`` give each of them as spelt ("cong thuong", "công thương"):
    which accented syllables follow which, for accent restoration.
    """

    exact: tuple[tuple[str, int], ...]
    folded: tuple[tuple[str, int], ...]
    pairs: tuple[tuple[str, int], ...]
    spellings: tuple[tuple[str, str], ...]


@lru_cache(maxsize=200_000)
def syllable_term(surface: str) -> str:
    """The indexed form of one syllable: canonical tones, lower case."""
    return canonical_tones(surface).lower()


def segment(text: str) -> list[Word]:
    """pyvi words of ``text`` (a cleaned text), in order, with exact offsets."""
    canon = canonical_tones(text)  # same length as text
    sequences = []  # per line: list of (start, end, is_syllable)
    for line in re.finditer(r"[^\n]+", canon):
        tokens = [
            (m.start(), m.end(), m.group(1) is not None)
            for m in MODEL_TOKEN.finditer(canon, line.start(), line.end())
        ]
        sequences += [tokens[i:i + MAX_SEQUENCE] for i in range(0, len(tokens), MAX_SEQUENCE)]
    if not sequences:
        return []
    labels = _model_labels(canon, sequences)
    words = []
    for tokens, tags in zip(sequences, labels):
        current = None  # [start, end, syllables]
        previous = None
        for (start, end, is_syllable), tag in zip(tokens, tags):
            surface = canon[start:end]
            if not is_syllable:
                current = previous = None
                continue
            if current is not None and tag == "I_W" and _may_join(previous, surface):
                current[1] = end
                current[2].append(surface.lower())
            else:
                current = [start, end, [surface.lower()]]
                words.append(current)
            previous = surface
    return [Word(s, e, tuple(syls)) for s, e, syls in words]


def index_terms(text: str) -> Terms:
    """Exact and folded index terms of a cleaned text."""
    exact, folded, syllables = [], [], []
    position = 0
    for word in segment(text):
        if len(word.syllables) > 1:
            exact.append((word.term, position))
        for syllable in word.syllables:
            exact.append((syllable, position))
            folded.append((fold(syllable), position))
            syllables.append(syllable)
            position += 1
    pairs = tuple((f"{left} {right}", position) for (left, position), (right, _) in zip(folded, folded[1:]))
    spellings = tuple((pair, f"{left} {right}") for (pair, _), left, right in zip(pairs, syllables, syllables[1:]))
    return Terms(tuple(exact), tuple(folded), pairs, spellings)


def _may_join(previous: str | None, current: str) -> bool:
    """pyvi's own rules on top of the model: no digits, no lower-to-Title joins."""
    if previous is None or previous[0].isdigit() or current[0].isdigit():
        return False
    return not (current[0].istitle() and not previous[0].istitle())


@lru_cache(maxsize=1)
def _pyvi():
    """pyvi's tokenizer with its CRF model loaded (1 s: only when segmenting).

    Unpickling the model writes it to a temporary file that sklearn-crfsuite
    deletes only when the model is garbage-collected: never for pyvi's
    module-level model, so every process left 600 KB in /tmp.  The tagger
    reads the whole file when it opens it, so the file can go at once.
    """
    from pyvi.ViTokenizer import ViTokenizer

    ViTokenizer.model.tagger_  # opens the model file and reads it into memory
    ViTokenizer.model.modelfile.cleanup()
    return ViTokenizer


def _model_labels(canon, sequences):
    tokenizer = _pyvi()
    sentences = [[canon[s:e] for s, e, _ in tokens] for tokens in sequences]
    features = [model_features(sentence, tokenizer.bi_grams, tokenizer.tri_grams) for sentence in sentences]
    return tokenizer.model.predict(features)


def model_features(sentence: list[str], bigrams: set, trigrams: set) -> list[dict]:
    """``ViTokenizer.sent2features(sentence, False)`` without its false features, in a
    fraction of the time, for the same labels.

    pyvi lower-cases each token and looks up each token pair up to five
    times; here every property is computed once per token or pair.  A true/
    false feature weighs 1 or 0 in the CRF's sum, so a false one adds
    nothing: leaving the ten or so per token out made tagging 2.5x faster
    (crfsuite converts every feature of every token).  The model only knows
    pyvi's features: tests/test_analysis.py checks ours against them and the
    labels against pyvi's own.
    """
    lower = [token.lower() for token in sentence]
    title = [token.istitle() for token in sentence]
    upper = [token.isupper() for token in sentence]
    count = len(sentence)
    pair = [f"{lower[i]} {lower[i + 1]}" in bigrams for i in range(count - 1)]
    triple = [f"{lower[i]} {lower[i + 1]} {lower[i + 2]}" in trigrams for i in range(count - 2)]
    features = []
    for i, token in enumerate(sentence):
        item = {"bias": 1.0, "word.lower()": lower[i]}
        if upper[i]:
            item["word.isupper()"] = True
        if title[i]:
            item["word.istitle()"] = True
        if token.isdigit():
            item["word.isdigit()"] = True
        if i > 0:
            item["-1:word.lower()"] = lower[i - 1]
            if title[i - 1]:
                item["-1:word.istitle()"] = True
            if upper[i - 1]:
                item["-1:word.isupper()"] = True
            if pair[i - 1]:
                item["-1:word.bi_gram()"] = True
            if i > 1 and triple[i - 2]:
                item["-2:word.tri_gram()"] = True
        if i < count - 1:
            item["+1:word.lower()"] = lower[i + 1]
            if title[i + 1]:
                item["+1:word.istitle()"] = True
            if upper[i + 1]:
                item["+1:word.isupper()"] = True
            if pair[i]:
                item["+1:word.bi_gram()"] = True
            if i < count - 2 and triple[i]:
                item["+2:word.tri_gram()"] = True
        features.append(item)
    return features


class VietnameseTokenizer(Tokenizer):
    """Whoosh tokenizer yielding one kind of ``index_terms`` of a text: exact, folded or pairs."""

    def __init__(self, kind: str = "exact"):
        self.kind = kind

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        terms = index_terms(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, position in getattr(terms, self.kind):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + position
            yield token
