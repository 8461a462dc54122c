"""Vietnamese text normalisation, shared by documents and queries.

Two levels:

* ``clean`` makes the text we store and show: NFC, no zero-width or control
  characters, plain spaces and newlines.  Every character offset the search
  engine reports refers to the cleaned text.
* ``canonical_tones`` moves each tone mark to one canonical vowel
  (``hoà`` -> ``hòa``, ``thuỷ`` -> ``thủy``) without changing the length of the
  text, so offsets computed on the canonical form are valid in the clean one.

``fold`` strips diacritics (``đ`` -> ``d``) for accent-insensitive matching.
``decode_entities`` reads the HTML character references that scraped text carries.
"""

import html
import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_OTHER_SPACE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# C0/C1 controls except \n, plus lone surrogates and non-characters.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LETTER_RUNS = re.compile(r"([^\W\d_]+)")  # split() keeps the runs at odd indexes

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền sắc ngã hỏi nặng
_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS = frozenset("ăâêôơư")


def clean(text: str) -> str:
    """NFC text with line breaks unified and invisible or control characters removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _OTHER_SPACE.sub(" ", text)
    return _CONTROL.sub("", text)


# Only complete references (with their ";"): "KC&XTTM" or "R&D" are text, not entities.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> str:
    """``&amp;`` -> ``&``, ``&#224;`` -> ``à``, once: ``&amp;amp;`` -> ``&amp;``; unknown names stay."""
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda match: html.unescape(match.group()), text)


def canonical_tones(text: str) -> str:
    """Put every tone mark on its canonical vowel; the result has the same length."""
    pieces = _LETTER_RUNS.split(text)
    pieces[1::2] = map(_canonical_syllable, pieces[1::2])  # no Python call per syllable once cached
    return "".join(pieces)


@lru_cache(maxsize=200_000)
def fold(term: str) -> str:
    """Lower-case ASCII form of a term: ``Đường`` -> ``duong``."""
    return unidecode(term).lower()


def has_diacritics(text: str) -> bool:
    """True when a Latin letter of ``text`` carries a diacritic (or is đ)."""
    return any(ord(ch) > 127 and _is_accented_latin(ch) for ch in text)


@lru_cache(maxsize=4096)
def _is_accented_latin(ch: str) -> bool:
    folded = fold(ch)
    return len(folded) == 1 and folded.isascii() and folded.isalpha()


@lru_cache(maxsize=200_000)
def _canonical_syllable(word: str) -> str:
    """Old-style ("hòa", "thủy", "khỏe") tone placement, the one most news text uses."""
    bases, tone, tone_at = [], None, None
    for i, ch in enumerate(word):
        parts = unicodedata.normalize("NFD", ch)
        marks = [m for m in parts if m in _TONE_MARKS]
        if marks:
            if tone is not None or len(marks) > 1:
                return word  # more than one tone: not a Vietnamese syllable
            tone, tone_at = marks[0], i
            parts = "".join(m for m in parts if m not in _TONE_MARKS)
        base = unicodedata.normalize("NFC", parts)
        if len(base) != 1:
            return word
        bases.append(base)
    if tone is None:
        return word
    if _tone_position([b.lower() for b in bases]) == tone_at:
        return word
    return add_tone("".join(bases), tone) or word


def add_tone(syllable: str, tone: str) -> str | None:
    """``syllable`` (without a tone) with combining ``tone`` on its canonical vowel; None if it has no place."""
    target = _tone_position([ch.lower() for ch in syllable])
    if target is None:
        return None
    toned = unicodedata.normalize("NFC", unicodedata.normalize("NFD", syllable[target]) + tone)
    if len(toned) != 1:
        return None
    return syllable[:target] + toned + syllable[target + 1:]


def _tone_position(letters: list[str]) -> int | None:
    """Index of the vowel that carries the tone, or None if the syllable is not Vietnamese-shaped."""
    vowel_at = [i for i, ch in enumerate(letters) if ch in _VOWELS]
    if not vowel_at:
        return None
    start, end = vowel_at[0], vowel_at[-1] + 1
    if end - start != len(vowel_at):
        return None  # vowels in two groups, e.g. a foreign word
    if end - start > 1 and start > 0 and letters[start - 1] == "q" and letters[start] == "u":
        start += 1  # "qu" is a consonant: quý, quả
    elif end - start > 1 and start == 1 and letters[0] == "g" and letters[1] == "i":
        start += 1  # "gi" is a consonant: giá, giường
    marked = [i for i in range(start, end) if letters[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    if end - start == 1:
        return start
    if end < len(letters):
        return end - 1  # closed syllable: hoàng, huỳnh
    if end - start == 3:
        return start + 1  # ngoài, khuỷu
    return start  # open two-vowel syllable: hòa, thủy, của, mía
