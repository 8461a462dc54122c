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

MAX_QUERY_CHARS = 500


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
    """The query ``text`` (already ``clean``ed) read as a search."""
    text = text[:MAX_QUERY_CHARS]
    phrases, excluded, in_title = [], [], []

    def take_phrase(match):
        prefix = (match.group(1) or "").lower()
        target = {"-": excluded, _TITLE: in_title}.get(prefix, phrases)
        target.append(match.group(2).strip())
        return " "

    rest = _PHRASE.sub(take_phrase, text).replace('"', " ")
    phrases, excluded, in_title = ([p for p in found if syllables(p)] for found in (phrases, excluded, in_title))
    plain, alternatives, pending_or = [], [], False
    for piece in rest.split():
        words = syllables(piece)
        if piece.startswith("-") and syllables(piece[1:]):
            excluded.append(piece[1:])
        elif piece.lower().startswith(_TITLE) and syllables(piece[len(_TITLE):]):
            in_title.append(piece[len(_TITLE):])
        elif piece == "OR" and plain and syllables(plain[-1]):
            pending_or = True
        else:
            if pending_or and words:
                alternatives.append((syllables(plain[-1])[-1], words[0]))
            pending_or = False
            plain.append(piece)
    plain_text = " ".join(plain)
    accented = has_diacritics(" ".join([plain_text] + phrases + in_title))

    def part(piece: str) -> Part:
        return Part(piece, tuple(query_terms(piece, accented)))

    return ParsedQuery(part(plain_text), tuple(map(part, phrases)), tuple(map(part, excluded)),
                       tuple(map(part, in_title)), tuple(alternatives), accented)


def syllables(text: str) -> list[str]:
    """The syllables of ``text`` as indexed (lower case, canonical tones)."""
    return [syllable_term(match.group()) for match in SYLLABLE.finditer(text)]


def query_terms(text: str, accented: bool | None = None) -> list[QueryTerm]:
    """The syllables of ``text`` as query terms; ``accented`` says whether the query as a whole
    carries diacritics (by default: whether ``text`` does)."""
    if accented is None:
        accented = has_diacritics(text)
    return [QueryTerm(exact, fold(exact), accented) for exact in syllables(text)]
