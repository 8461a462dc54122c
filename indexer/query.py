"""What the user typed, read as a search: words, "quoted phrases", -exclusions,
``title:`` restrictions and ``OR`` between two words.

The reader never fails: anything it cannot read as syntax (an unbalanced
quote, brackets, a lone ``-``) is taken as plain words, and punctuation never
reaches the engine (no wildcards, no field syntax by accident).
"""

import re
from dataclasses import dataclass

from indexer.analysis import SYLLABLE, syllable_term
from indexer.text import fold, has_diacritics

# A longer query is refused; a long one is searched by its first words (understand.MOST_SYLLABLES).
MAX_QUERY_CHARS = 10_000


@dataclass(frozen=True)
class QueryTerm:
    """One query syllable: its exact form, its folded form, and whether the query had accents
    (in an accented query a plain syllable such as ``ba`` means exactly ``ba``)."""

    exact: str
    folded: str
    accented: bool


@dataclass(frozen=True)
class Part:
    """A piece of the query (its plain words, one phrase, one exclusion …) and its syllables."""

    text: str
    terms: tuple[QueryTerm, ...]


@dataclass(frozen=True)
class ParsedQuery:
    plain: Part  # the words outside quotes, in order (segmented as one text)
    phrases: tuple[Part, ...] = ()
    excluded: tuple[Part, ...] = ()
    in_title: tuple[Part, ...] = ()  # title:word, title:"a phrase"
    alternatives: tuple[tuple[str, str], ...] = ()  # (a, b) of "a OR b", exact syllables
    accented: bool = False  # whether the words searched for carry diacritics

    @property
    def wanted_parts(self) -> tuple[Part, ...]:
        """The words and phrases searched for, without syntax or exclusions."""
        return (self.plain,) + self.phrases + self.in_title

    @property
    def wanted(self) -> str:
        return " ".join(part.text for part in self.wanted_parts)

    def is_empty(self) -> bool:
        return not any(part.terms for part in self.wanted_parts)

    def highlight_terms(self) -> list[QueryTerm]:
        return [term for part in self.wanted_parts for term in part.terms]


_PHRASE = re.compile(r'(?:(?<=\s)|^)(-|title:)?"([^"]*)"', re.IGNORECASE)
_TITLE = "title:"


def parse(text: str) -> ParsedQuery:
    """The query ``text`` (already ``clean``ed and bounded) read as a search."""
    read = _Reading(text)
    phrases, excluded, in_title = read.phrases, read.excluded, read.in_title
    plain_text = " ".join(text[start:end] for start, end in read.plain)
    accented = has_diacritics(" ".join([plain_text] + phrases + in_title))

    def part(piece: str) -> Part:
        return Part(piece, tuple(query_terms(piece, accented)))

    return ParsedQuery(part(plain_text), tuple(map(part, phrases)), tuple(map(part, excluded)),
                       tuple(map(part, in_title)), tuple(read.alternatives), accented)


def plain_syllables(text: str) -> list[re.Match]:
    """The syllables of ``text`` that are plain words of the query (not inside a phrase, an
    exclusion or a title: restriction), as matches in ``text``."""
    return [found for start, end in _Reading(text).plain for found in SYLLABLE.finditer(text, start, end)]


class _Reading:
    """The pieces of a query text: phrases, exclusions and title restrictions as texts, plain
    words as (start, end) in the text, and the OR pairs."""

    def __init__(self, text: str):
        self.phrases, self.excluded, self.in_title = [], [], []
        self.plain: list[tuple[int, int]] = []
        self.alternatives: list[tuple[str, str]] = []

        def take_phrase(match):
            prefix = (match.group(1) or "").lower()
            target = {"-": self.excluded, _TITLE: self.in_title}.get(prefix, self.phrases)
            target.append(match.group(2).strip())
            return " " * len(match.group())  # the same length: the other pieces keep their offsets

        rest = _PHRASE.sub(take_phrase, text).replace('"', " ")
        for found in (self.phrases, self.excluded, self.in_title):
            found[:] = [p for p in found if syllables(p)]
        pending_or = False
        for match in re.finditer(r"\S+", rest):
            piece = match.group()
            words = syllables(piece)
            if piece.startswith("-") and syllables(piece[1:]):
                self.excluded.append(piece[1:])
            elif piece.lower().startswith(_TITLE) and syllables(piece[len(_TITLE):]):
                self.in_title.append(piece[len(_TITLE):])
            elif piece == "OR" and self.plain and syllables(text[slice(*self.plain[-1])]):
                pending_or = True
            else:
                if pending_or and words:
                    self.alternatives.append((syllables(text[slice(*self.plain[-1])])[-1], words[0]))
                pending_or = False
                self.plain.append(match.span())


def bounded(text: str, most: int) -> tuple[str, str]:
    """(the start of ``text`` up to its ``most``-th syllable, the rest), as web search engines
    read only the first words of a pasted question."""
    for number, found in enumerate(SYLLABLE.finditer(text), start=1):
        if number == most:
            return text[:found.end()], text[found.end():].strip()
    return text, ""


def syllables(text: str) -> list[str]:
    """The syllables of ``text`` as indexed (lower case, canonical tones)."""
    return [syllable_term(match.group()) for match in SYLLABLE.finditer(text)]


def query_terms(text: str, accented: bool | None = None) -> list[QueryTerm]:
    """The syllables of ``text`` as query terms; ``accented`` says whether the query as a whole
    carries diacritics (by default: whether ``text`` does)."""
    if accented is None:
        accented = has_diacritics(text)
    return [QueryTerm(exact, fold(exact), accented) for exact in syllables(text)]
