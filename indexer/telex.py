"""Telex and VNI typed without an input method: ``coong nghieepj``, ``co6ng nghie65p``.

``convert`` turns such a word into the Vietnamese syllable it spells, if it
spells one.  Whether to use the conversion is the caller's decision: search
converts a word only when the index knows the converted word and not the
word as typed, so English words (``free``, ``see``, ``saree``) stay as typed.
"""

import re

from indexer.text import add_tone

_TELEX_TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_VNI_TONES = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
_TELEX_LETTERS = [("dd", "đ"), ("uow", "ươ"), ("aa", "â"), ("aw", "ă"), ("ee", "ê"), ("oo", "ô"), ("ow", "ơ"),
                  ("uw", "ư")]
_VNI_LETTERS = [("d9", "đ"), ("u7o7", "ươ"), ("uo7", "ươ"), ("a6", "â"), ("a8", "ă"), ("e6", "ê"), ("o6", "ô"),
                ("o7", "ơ"), ("u7", "ư")]
_SYLLABLE_SHAPE = re.compile(r"[bcdđghklmnpqrstvx]*[aăâeêioôơuưy]+[cghmnpt]*")


def convert(word: str) -> str | None:
    """The syllable ``word`` spells in Telex or VNI, or None."""
    lower = word.lower()
    if not lower.isascii() or not lower.isalnum():
        return None
    converted = _vni(lower) if any(ch.isdigit() for ch in lower) else _telex(lower)
    if converted is None or converted == lower:
        return None
    return converted.capitalize() if word[:1].isupper() else converted


def _telex(word: str) -> str | None:
    tone = None
    if len(word) > 1 and word[-1] in _TELEX_TONES and _spells_syllable(_letters(word[:-1], _TELEX_LETTERS)):
        tone, word = _TELEX_TONES[word[-1]], word[:-1]
    return _finish(_letters(word, _TELEX_LETTERS), tone)


def _vni(word: str) -> str | None:
    tones = [ch for ch in word if ch in _VNI_TONES]
    if len(tones) > 1:
        return None
    letters = _letters("".join(ch for ch in word if ch not in _VNI_TONES), _VNI_LETTERS)
    if any(ch.isdigit() for ch in letters):
        return None
    return _finish(letters, _VNI_TONES[tones[0]] if tones else None)


def _letters(word: str, table) -> str:
    for typed, letter in table:
        word = word.replace(typed, letter)
    return word


def _spells_syllable(word: str) -> bool:
    return bool(_SYLLABLE_SHAPE.fullmatch(word))


def _finish(letters: str, tone: str | None) -> str | None:
    if not _spells_syllable(letters):
        return None
    return add_tone(letters, tone) if tone else letters
