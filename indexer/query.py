"""What the user typed, read as a search: words, "quoted phrases", -exclusions,
``title:`` restrictions and ``OR`` between two words.

The reader never fails: anything it cannot read as syntax (an unbalanced
quote, brackets, a lone ``-``) is taken as plain words, and punctuation never
reaches the engine (no wildcards, no field syntax by accident).
"""

import re
from dataclasses import dataclass, field

from indexer.analysis import SYLLABLE, syllable_term
from indexer.text import clean, fold, has_diacritics

MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class QueryTerm:
    """One query syllable: its exact form, its folded form, and whether the user gave accents."""

    exact: str
    folded: str
    accented: bool


@dataclass
class ParsedQuery:
    plain: str = ""  # the words outside quotes, in order (segmented as one text)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    in_title: list[str] = field(default_factory=list)  # title:word, title:"a phrase"
    alternatives: list[tuple[str, str]] = field(default_factory=list)  # (a, b) of "a OR b", exact syllables

    @property
    def wanted_texts(self) -> list[str]:
        """The words and phrases searched for, without syntax or exclusions."""
        return [self.plain] + self.phrases + self.in_title

    @property
    def wanted(self) -> str:
        return " ".join(self.wanted_texts)

    @property
    def accented(self) -> bool:
        return has_diacritics(self.wanted)

    def is_empty(self) -> bool:
        return not any(query_terms(text) for text in self.wanted_texts)

    def highlight_terms(self) -> list[QueryTerm]:
        return [term for text in self.wanted_texts for term in query_terms(text, self.accented)]


_PHRASE = re.compile(r'(?:(?<=\s)|^)(-|title:)?"([^"]*)"', re.IGNORECASE)
_TITLE = "title:"


def parse(raw: str) -> ParsedQuery:
    text = clean(raw)[:MAX_QUERY_CHARS]
    parsed = ParsedQuery()

    def take_phrase(match):
        prefix = (match.group(1) or "").lower()
        target = {"-": parsed.excluded, _TITLE: parsed.in_title}.get(prefix, parsed.phrases)
        target.append(match.group(2).strip())
        return " "

    rest = _PHRASE.sub(take_phrase, text).replace('"', " ")
    parsed.phrases = [p for p in parsed.phrases if query_terms(p)]
    parsed.excluded = [p for p in parsed.excluded if query_terms(p)]
    parsed.in_title = [p for p in parsed.in_title if query_terms(p)]
    plain, pending_or = [], False
    for piece in rest.split():
        words = query_terms(piece)
        if piece.startswith("-") and query_terms(piece[1:]):
            parsed.excluded.append(piece[1:])
        elif piece.lower().startswith(_TITLE) and query_terms(piece[len(_TITLE):]):
            parsed.in_title.append(piece[len(_TITLE):])
        elif piece == "OR" and plain and query_terms(plain[-1]):
            pending_or = True
        else:
            if pending_or and words:
                parsed.alternatives.append((query_terms(plain[-1])[-1].exact, words[0].exact))
            pending_or = False
            plain.append(piece)
    parsed.plain = " ".join(plain)
    return parsed


def query_terms(text: str, accented: bool | None = None) -> list[QueryTerm]:
    """The syllables of ``text`` as query terms.

    ``accented`` says whether the query as a whole carries diacritics: in an
    accented query a plain syllable such as ``ba`` means exactly ``ba``.
    """
    if accented is None:
        accented = has_diacritics(text)
    terms = []
    for match in SYLLABLE.finditer(text):
        exact = syllable_term(match.group())
        terms.append(QueryTerm(exact, fold(exact), accented))
    return terms
